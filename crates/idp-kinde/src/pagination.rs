//! Kinde's next-page rule for `get_connections`: cursor pagination on connection ids.
//!
//! - Forward (the default): while the page says `has_more`, the next page is asked with
//!   `starting_after = <id of the last item>`.
//! - Backward (when the caller set `ending_before`): while `has_more`, the next page is asked with
//!   `ending_before = <id of the first item>`.
//!
//! The walk stops when `has_more` is false or absent, or when the page is empty or its edge item
//! has no id (there is no cursor to continue from). The core pager also stops, with an error, if
//! the server repeats a cursor.

use crate::models::{Connection, GetConnectionsResponse};

/// The direction of a connections walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// `starting_after`: towards later connections.
    Forward,
    /// `ending_before`: towards earlier connections.
    Backward,
}

/// The cursor of the page after `page`, walking in `direction`.
pub(crate) fn next_cursor(direction: Direction, page: &GetConnectionsResponse) -> Option<String> {
    if page.has_more != Some(true) {
        return None;
    }
    let items: &[Connection] = page.connections.as_deref().unwrap_or_default();
    let edge = match direction {
        Direction::Forward => items.last(),
        Direction::Backward => items.first(),
    }?;
    edge.id.clone().filter(|id| !id.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ids: &[&str], has_more: Option<bool>) -> GetConnectionsResponse {
        let items: Vec<serde_json::Value> =
            ids.iter().map(|id| serde_json::json!({"id": id})).collect();
        serde_json::from_value(serde_json::json!({"connections": items, "has_more": has_more}))
            .unwrap_or_default()
    }

    #[test]
    fn forward_uses_the_last_id_while_has_more() {
        assert_eq!(
            next_cursor(Direction::Forward, &page(&["a", "b"], Some(true))).as_deref(),
            Some("b")
        );
        assert_eq!(
            next_cursor(Direction::Forward, &page(&["a", "b"], Some(false))),
            None
        );
        assert_eq!(
            next_cursor(Direction::Forward, &page(&["a", "b"], None)),
            None
        );
    }

    #[test]
    fn backward_uses_the_first_id() {
        assert_eq!(
            next_cursor(Direction::Backward, &page(&["a", "b"], Some(true))).as_deref(),
            Some("a")
        );
    }

    #[test]
    fn empty_page_or_missing_id_stops() {
        assert_eq!(
            next_cursor(Direction::Forward, &page(&[], Some(true))),
            None
        );
        assert_eq!(
            next_cursor(Direction::Forward, &page(&[""], Some(true))),
            None
        );
    }
}
