//! Authress's next-page rule for connections: the body's `pagination.next.cursor`, sent back as
//! `?cursor=` (with the same `limit` and `filter`). No `pagination`, no `next`, a `null` `next` or
//! an empty cursor means the last page. (`ConnectionCollection` has no `links.next`.)

use idp_core::NextPage;

use crate::models::ConnectionCollection;

/// The next page of a connections list, if any.
pub(crate) fn next_page(collection: &ConnectionCollection) -> Option<NextPage> {
    let cursor = collection
        .pagination
        .as_ref()?
        .next
        .as_ref()?
        .cursor
        .as_str();
    (!cursor.is_empty()).then(|| NextPage::cursor(cursor))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(json: &str) -> Option<String> {
        let collection: ConnectionCollection = serde_json::from_str(json).ok()?;
        next_page(&collection).map(|n| n.as_cursor().to_owned())
    }

    #[test]
    fn cursor_is_read_from_pagination_next() {
        assert_eq!(
            page(r#"{"connections":[],"pagination":{"next":{"cursor":"abc"}}}"#).as_deref(),
            Some("abc")
        );
    }

    #[test]
    fn missing_null_or_empty_next_is_the_last_page() {
        assert_eq!(page(r#"{"connections":[]}"#), None);
        assert_eq!(page(r#"{"connections":[],"pagination":{}}"#), None);
        assert_eq!(
            page(r#"{"connections":[],"pagination":{"next":null}}"#),
            None
        );
        assert_eq!(
            page(r#"{"connections":[],"pagination":{"next":{"cursor":""}}}"#),
            None
        );
    }
}
