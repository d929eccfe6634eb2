//! Okta's next-page rule: the `Link` header with `rel="next"` (several header lines or one
//! comma-joined line); the next page's cursor is that URL's opaque `after` parameter.

use http::HeaderMap;
use idp_core::NextPage;

/// The next page of a list response, from its `Link` headers. `None` on the last page (no `next`
/// link, or a `next` link without an `after` cursor).
pub(crate) fn next_page(headers: &HeaderMap) -> Option<NextPage> {
    let values = headers
        .get_all(http::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok());
    let url = idp_core::pagination::next_link(values, None)?;
    let after = url
        .query_pairs()
        .find(|(k, _)| k == "after")
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())?;
    Some(NextPage::link(url, after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn next_cursor_from_separate_or_joined_link_lines() {
        let mut h = HeaderMap::new();
        h.append(
            "link",
            HeaderValue::from_static(
                r#"<https://a.okta.com/api/v1/apps/x/users?limit=2>; rel="self""#,
            ),
        );
        h.append(
            "link",
            HeaderValue::from_static(
                r#"<https://a.okta.com/api/v1/apps/x/users?after=00u2%2B&limit=2>; rel="next""#,
            ),
        );
        assert_eq!(
            next_page(&h).map(|n| n.as_cursor().to_owned()).as_deref(),
            Some("00u2+")
        );
        let mut joined = HeaderMap::new();
        joined.insert(
            "link",
            HeaderValue::from_static(
                r#"<https://a/x?limit=2>; rel="self", <https://a/x?after=c3&limit=2>; rel="next""#,
            ),
        );
        assert_eq!(
            next_page(&joined)
                .map(|n| n.as_cursor().to_owned())
                .as_deref(),
            Some("c3")
        );
    }

    #[test]
    fn last_page_has_no_next() {
        let mut h = HeaderMap::new();
        h.insert(
            "link",
            HeaderValue::from_static(r#"<https://a/x?limit=2>; rel="self""#),
        );
        assert_eq!(next_page(&h), None);
        assert_eq!(next_page(&HeaderMap::new()), None);
        let mut no_after = HeaderMap::new();
        no_after.insert(
            "link",
            HeaderValue::from_static(r#"<https://a/x?limit=2>; rel="next""#),
        );
        assert_eq!(next_page(&no_after), None);
    }
}
