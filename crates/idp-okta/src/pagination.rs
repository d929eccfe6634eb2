//! Okta's next-page rule: the `Link` header with `rel="next"` (several header lines or one
//! comma-joined line); the next page's cursor is that URL's opaque `after` parameter.

use http::HeaderMap;
use idp_core::NextPage;

/// The next page of a list response, from its `Link` headers. `None` on the last page (no `next`
/// link, or a `next` link without an `after` cursor).
pub(crate) fn next_page(headers: &HeaderMap) -> Option<NextPage> {
    let lines: Vec<&str> = headers
        .get_all(http::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if let Some(url) = idp_core::pagination::next_link(lines.iter().copied(), None) {
        // An absolute link: the pager checks its origin before anything is sent.
        let after = after_of(&url)?;
        return Some(NextPage::link(url, after));
    }
    // A relative link (Okta sends absolute ones, but RFC 8288 allows both) is on the same
    // origin by definition: only its cursor matters.
    let placeholder = url::Url::parse("https://relative.invalid/").ok();
    let url = idp_core::pagination::next_link(lines.iter().copied(), placeholder.as_ref())?;
    after_of(&url).map(NextPage::cursor)
}

fn after_of(url: &url::Url) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == "after")
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn relative_next_links_give_their_cursor() {
        let mut h = HeaderMap::new();
        h.insert(
            "link",
            HeaderValue::from_static(r#"</api/v1/apps/x/users?after=00u9&limit=2>; rel="next""#),
        );
        assert_eq!(
            next_page(&h).map(|n| n.as_cursor().to_owned()).as_deref(),
            Some("00u9")
        );
    }

    #[test]
    fn a_malformed_link_entry_does_not_hide_the_next_line() {
        let mut h = HeaderMap::new();
        h.append(
            "link",
            HeaderValue::from_static(r#"<https://a.okta.com/broken; rel="self""#),
        );
        h.append(
            "link",
            HeaderValue::from_static(
                r#"<https://a.okta.com/api/v1/apps/x/users?after=c7>; rel="next""#,
            ),
        );
        assert_eq!(
            next_page(&h).map(|n| n.as_cursor().to_owned()).as_deref(),
            Some("c7")
        );
    }

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
