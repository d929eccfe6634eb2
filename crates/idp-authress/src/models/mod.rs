//! Wire models of the Authress connections API (`application/links+json` bodies, camelCase keys).
//!
//! Request models are built with `Type::new(..)` / `Type::default()` and by-value setters named
//! after the fields; the fields stay public for reading (and for editing what the server sent).
//!
//! Fields the spec marks `nullable` are [`Nullable`]: a field can be left out of a request
//! ([`Nullable::Absent`], the default), sent as an explicit JSON `null` ([`Nullable::Null`], which
//! is how Authress is told to clear a value), or sent with a value ([`Nullable::Value`]). Their
//! setters take either a value or `Nullable::Null`. A `null` the server sends decodes as
//! [`Nullable::Null`] and is sent back as `null`, so a GET → edit → PUT round trip changes only
//! what you changed.
//!
//! ```
//! use idp_authress::models::{Connection, Nullable};
//!
//! # fn main() -> Result<(), serde_json::Error> {
//! let connection = Connection::default()
//!     .token_url("https://oauth2.example.com/token") // a value
//!     .issuer_url(Nullable::Null);                   // clear it on the server
//! let json = serde_json::to_value(&connection)?;
//! assert_eq!(json["tokenUrl"], "https://oauth2.example.com/token");
//! assert!(json["issuerUrl"].is_null());
//! assert!(json.get("clientId").is_none()); // Absent: not sent at all
//! # Ok(()) }
//! ```

mod connection;
mod enums;
mod responses;
mod settings;

pub use connection::Connection;
pub use enums::{
    ConnectionType, DataLocation, LinkingType, SupportedContentType, TenantAssignmentType,
};
pub use idp_core::Nullable;
pub use responses::{
    CollectionLinks, ConnectionCollection, Link, Links, Pagination, PaginationNext,
    UserConnectionCredentials,
};
pub use settings::{
    ConnectionConditions, ConnectionData, ConnectionDefaultConnectionProperties,
    ConnectionLinkingConfiguration, ConnectionTenantConfiguration, ConnectionUserDataConfiguration,
};
