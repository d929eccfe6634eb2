//! What the list and credentials operations answer: one page of connections with its
//! pagination, the links of `application/links+json`, and a user's provider credentials.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Connection;

/// One page of connections (`ConnectionCollection`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConnectionCollection {
    /// The connections of this page.
    #[serde(default)]
    pub connections: Vec<Connection>,
    /// Where the next page is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
}

/// Pagination details of a list response (`Pagination`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Pagination {
    /// The next page; absent or `null` on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<PaginationNext>,
}

/// The next page of a list (`PaginationNext`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PaginationNext {
    /// The cursor to send as `?cursor=` for the next page.
    #[serde(default)]
    pub cursor: String,
}

/// A user's credentials at the connection's provider (`UserConnectionCredentials`).
/// The token is redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserConnectionCredentials {
    /// The provider access token from the user's latest login through the connection.
    pub access_token: String,
}

impl fmt::Debug for UserConnectionCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserConnectionCredentials")
            .field("access_token", &"[redacted]")
            .finish()
    }
}

/// A link (`Link`, `application/links+json`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Link {
    /// The absolute URL.
    #[serde(default)]
    pub href: String,
    /// The relation, when not an IANA one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rel: Option<String>,
}

/// The links of a resource (`Links`; not used by the connection operations).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Links {
    /// The resource itself.
    #[serde(rename = "self", default, skip_serializing_if = "Option::is_none")]
    pub self_link: Option<Link>,
}

/// The links of a collection (`CollectionLinks`; not used by the connection operations, whose
/// pages are found through [`Pagination`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CollectionLinks {
    /// The collection itself.
    #[serde(rename = "self", default, skip_serializing_if = "Option::is_none")]
    pub self_link: Option<Link>,
    /// The next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Link>,
}
