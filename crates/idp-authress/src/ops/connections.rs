//! The SSO connections API (`ConnectionsApi`): create, delete, get, get a user's credentials,
//! list and update.
//!
//! Each operation is a plain value: build it with `new` (and setters for optional parameters),
//! inspect it with no network ([`Operation::path`], [`Operation::query_pairs`],
//! [`Operation::body`]), and run it with [`Client::execute`] / [`Client::items`], or through the
//! resource handle `client.connections()`.
//!
//! ```
//! use idp_authress::Operation;
//! use idp_authress::ops::GetConnectionCredentials;
//!
//! let op = GetConnectionCredentials::new("google", "google|a/b");
//! assert_eq!(GetConnectionCredentials::PATH, "/v1/connections/{connectionId}/users/{userId}/credentials");
//! assert_eq!(op.path()?, "/v1/connections/google/users/google%7Ca%2Fb/credentials");
//! # Ok::<(), idp_authress::Error>(())
//! ```

use idp_core::http::Method;
use idp_core::{
    Body, Error, NextPage, Operation, Paginated, PathParams, Query, ResponseMeta, Result,
};
use serde_json::Value;

use crate::client::{Authress, Client, Request};
use crate::models::{Connection, ConnectionCollection, ConnectionType, UserConnectionCredentials};

/// The request body of create and update: the connection without its read-only fields
/// ([`Connection::READ_ONLY_FIELDS`]), which the server sets itself.
fn connection_body(connection: &Connection) -> Result<Option<Body>> {
    let mut value = serde_json::to_value(connection)
        .map_err(|e| Error::invalid_input(format!("the connection cannot be serialized: {e}")))?;
    if let Value::Object(map) = &mut value {
        for field in Connection::READ_ONLY_FIELDS {
            map.remove(*field);
        }
    }
    Body::json(&value).map(Some)
}

/// `POST /v1/connections` (`createConnection`): creates a connection. Answers 201 with the
/// created connection (read its id with [`Connection::id`]).
#[doc(alias = "create_connection")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CreateConnection {
    /// The connection to create (its read-only fields are not sent).
    pub connection: Connection,
}

impl CreateConnection {
    /// Creates `connection`.
    pub fn new(connection: Connection) -> Self {
        CreateConnection { connection }
    }
}

impl Operation for CreateConnection {
    type Provider = Authress;
    type Output = Connection;
    const ID: &'static str = "createConnection";
    const METHOD: Method = Method::POST;
    const PATH: &'static str = "/v1/connections";

    fn body(&self) -> Result<Option<Body>> {
        connection_body(&self.connection)
    }
}

/// `DELETE /v1/connections/{connectionId}` (`deleteConnection`): deletes a connection. Answers
/// 204 with no body.
#[doc(alias = "delete_connection")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DeleteConnection {
    /// The connection id.
    pub connection_id: String,
}

impl DeleteConnection {
    /// Deletes the connection `connection_id`.
    pub fn new(connection_id: impl Into<String>) -> Self {
        DeleteConnection {
            connection_id: connection_id.into(),
        }
    }
}

impl Operation for DeleteConnection {
    type Provider = Authress;
    type Output = ();
    const ID: &'static str = "deleteConnection";
    const METHOD: Method = Method::DELETE;
    const PATH: &'static str = "/v1/connections/{connectionId}";

    fn path_params(&self) -> PathParams<'_> {
        [self.connection_id.as_str()].into()
    }
}

/// `GET /v1/connections/{connectionId}` (`getConnection`): one connection.
#[doc(alias = "get_connection")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GetConnection {
    /// The connection id.
    pub connection_id: String,
}

impl GetConnection {
    /// The connection `connection_id`.
    pub fn new(connection_id: impl Into<String>) -> Self {
        GetConnection {
            connection_id: connection_id.into(),
        }
    }
}

impl Operation for GetConnection {
    type Provider = Authress;
    type Output = Connection;
    const ID: &'static str = "getConnection";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/v1/connections/{connectionId}";

    fn path_params(&self) -> PathParams<'_> {
        [self.connection_id.as_str()].into()
    }
}

/// `GET /v1/connections/{connectionId}/users/{userId}/credentials` (`getConnectionCredentials`):
/// the provider access token of the user's latest login through the connection.
#[doc(alias = "get_connection_credentials")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GetConnectionCredentials {
    /// The connection id.
    pub connection_id: String,
    /// The **Authress** user id (`google|12345`; the provider's own id returns nothing).
    pub user_id: String,
}

impl GetConnectionCredentials {
    /// The credentials of `user_id` at the provider of `connection_id`.
    pub fn new(connection_id: impl Into<String>, user_id: impl Into<String>) -> Self {
        GetConnectionCredentials {
            connection_id: connection_id.into(),
            user_id: user_id.into(),
        }
    }
}

impl Operation for GetConnectionCredentials {
    type Provider = Authress;
    type Output = UserConnectionCredentials;
    const ID: &'static str = "getConnectionCredentials";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/v1/connections/{connectionId}/users/{userId}/credentials";

    fn path_params(&self) -> PathParams<'_> {
        [self.connection_id.as_str(), self.user_id.as_str()].into()
    }
}

/// `GET /v1/connections` (`getConnections`): one page of connections. With no parameter set
/// the request is a bare `GET /v1/connections` (as the seed's `get_connections()`); as a
/// [`Paginated`] operation it follows `pagination.next.cursor` through every page.
#[doc(alias = "get_connections")]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct GetConnections {
    /// `limit`: the page size (at least 1; server default 100).
    pub limit: Option<u32>,
    /// `cursor`: where to start (the `pagination.next.cursor` of an earlier page).
    pub cursor: Option<String>,
    /// `filter`: a case-insensitive search through the connections' text fields.
    pub filter: Option<String>,
}

impl GetConnections {
    /// The first page of every connection.
    pub fn new() -> Self {
        GetConnections::default()
    }

    /// The page size (`limit`; at least 1, server default 100, not clamped here).
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts at a cursor (`cursor`, the `pagination.next.cursor` of an earlier page).
    #[must_use]
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// A case-insensitive search through the connections' text fields (`filter`).
    #[must_use]
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.filter = Some(filter.into());
        self
    }
}

impl Operation for GetConnections {
    type Provider = Authress;
    type Output = ConnectionCollection;
    const ID: &'static str = "getConnections";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/v1/connections";

    fn validate(&self) -> Result<()> {
        // The spec's `minimum: 1`.
        if self.limit == Some(0) {
            return Err(Error::invalid_input("limit must be at least 1"));
        }
        Ok(())
    }

    fn query(&self, q: &mut Query) {
        q.push_opt("limit", self.limit)
            .push_opt("cursor", self.cursor.as_deref())
            .push_opt("filter", self.filter.as_deref());
    }
}

impl Paginated for GetConnections {
    type Item = Connection;

    fn into_items(output: ConnectionCollection) -> Vec<Connection> {
        output.connections
    }

    fn next_page(&self, _meta: &ResponseMeta, output: &ConnectionCollection) -> Option<NextPage> {
        crate::pagination::next_page(output)
    }

    fn with_cursor(&self, cursor: &str) -> Self {
        self.clone().cursor(cursor)
    }
}

idp_core::forward_setters!(GetConnections {
    limit(limit: u32),
    cursor(cursor: impl Into<String>),
    filter(filter: impl Into<String>),
});

/// `PUT /v1/connections/{connectionId}` (`updateConnection`): replaces the whole connection
/// document.
///
/// # The client secret
///
/// Authress never returns `clientSecret`, and PUT is a full replace (the body is the whole
/// `Connection`; there is no PATCH), so a connection read with GET, edited and sent back has no
/// secret, and the update would leave the connection without one (no Authress document or SDK
/// says an omitted secret is kept; `FakeAuthress` drops it as a full replace does). For OAuth
/// connections (`OAUTH2`, the default, `OPENID-LEGACY`, and types this SDK does not know),
/// [`Operation::validate`] therefore refuses an update whose `client_secret` is
/// [`Nullable::Absent`](crate::Nullable::Absent), before anything is sent. Say what you mean:
///
/// - set the secret again: `connection.client_secret(secret)` (the usual GET → edit → PUT);
/// - clear it on purpose: `connection.client_secret(Nullable::Null)` (sends `null`);
/// - send the update without it anyway: [`UpdateConnection::allow_missing_client_secret`]
///   (for a connection that has no secret, such as a PKCE-only provider).
///
/// `SAML2`, `WebAuthN` and `PASSWORD` connections have no client secret and are not checked.
///
/// # Unknown fields
///
/// Fields this SDK does not know ([`Connection::extra`]) are sent back, so a field a newer API
/// added survives the round trip. The schema is `additionalProperties: false`, though: if the
/// server refuses the update with 400 naming a field you did not set (one it no longer accepts,
/// or one from another source), drop them with [`Connection::without_extra`].
///
/// ```
/// use idp_authress::models::{Connection, ConnectionType, Nullable};
/// use idp_authress::ops::UpdateConnection;
/// use idp_authress::{ErrorKind, Operation};
///
/// // What GET returns: everything but the secret.
/// let fetched = Connection::new(ConnectionType::Oauth2).client_id("client");
/// let err = UpdateConnection::new("google", fetched.clone()).validate().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidInput);
/// assert!(err.to_string().contains("clientSecret"));
///
/// assert!(UpdateConnection::new("google", fetched.clone().client_secret("secret")).validate().is_ok());
/// assert!(UpdateConnection::new("google", fetched.clone().client_secret(Nullable::Null)).validate().is_ok());
/// assert!(UpdateConnection::new("google", fetched).allow_missing_client_secret(true).validate().is_ok());
/// ```
#[doc(alias = "update_connection")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UpdateConnection {
    /// The connection id.
    pub connection_id: String,
    /// The new connection document (its read-only fields are not sent).
    pub connection: Connection,
    /// Send an OAuth connection without `clientSecret` (which leaves it without a secret);
    /// `false` by default, see [the client secret](UpdateConnection#the-client-secret).
    pub allow_missing_client_secret: bool,
}

impl UpdateConnection {
    /// Replaces the connection `connection_id` with `connection`.
    pub fn new(connection_id: impl Into<String>, connection: Connection) -> Self {
        UpdateConnection {
            connection_id: connection_id.into(),
            connection,
            allow_missing_client_secret: false,
        }
    }

    /// Allows sending an OAuth connection without `clientSecret`, which leaves the connection
    /// without a secret (PUT is a full replace); see
    /// [the client secret](UpdateConnection#the-client-secret).
    #[must_use]
    pub fn allow_missing_client_secret(mut self, allow: bool) -> Self {
        self.allow_missing_client_secret = allow;
        self
    }
}

/// Whether a connection of this type authenticates to its provider with a client secret: OAuth
/// (`OAUTH2`, also when the type is left out, since the server defaults to it, and
/// `OPENID-LEGACY`) and, to be safe, types this SDK does not know.
fn uses_client_secret(connection_type: Option<&ConnectionType>) -> bool {
    !matches!(
        connection_type,
        Some(ConnectionType::Saml2 | ConnectionType::WebAuthn | ConnectionType::Password)
    )
}

impl Operation for UpdateConnection {
    type Provider = Authress;
    type Output = Connection;
    const ID: &'static str = "updateConnection";
    const METHOD: Method = Method::PUT;
    const PATH: &'static str = "/v1/connections/{connectionId}";

    fn path_params(&self) -> PathParams<'_> {
        [self.connection_id.as_str()].into()
    }

    fn validate(&self) -> Result<()> {
        if self.connection.client_secret.is_absent()
            && !self.allow_missing_client_secret
            && uses_client_secret(self.connection.connection_type.as_ref())
        {
            return Err(Error::invalid_input(
                "the connection has no clientSecret: Authress never returns it and PUT replaces \
                 the whole connection, so this update would leave the connection without its \
                 secret; set it again with `.client_secret(secret)`, clear it with \
                 `.client_secret(Nullable::Null)`, or send without it with \
                 `.allow_missing_client_secret(true)`",
            ));
        }
        Ok(())
    }

    fn body(&self) -> Result<Option<Body>> {
        connection_body(&self.connection)
    }
}

idp_core::forward_setters!(UpdateConnection {
    allow_missing_client_secret(allow: bool),
});

/// The SSO connections of the account: `client.connections()`, thin sugar over the operation
/// values of this module (`client.connections().get(id)` is `client.request(GetConnection::new(id))`).
///
/// Ids (`connectionId`, `userId`) are each encoded as one path segment, so user ids such as
/// `google|12345` or `oauth|a/b c+d@e:f` are sent as they are; an empty id is refused with
/// `InvalidInput` before anything is sent.
#[derive(Debug, Clone, Copy)]
pub struct Connections<'a> {
    pub(crate) client: &'a Client,
}

impl Connections<'_> {
    /// Creates a connection (`createConnection`, `POST /v1/connections`).
    ///
    /// ```no_run
    /// # async fn run(client: idp_authress::Client) -> idp_authress::Result<()> {
    /// use idp_authress::models::{Connection, ConnectionType};
    /// let connection = Connection::new(ConnectionType::Oauth2)
    ///     .authentication_url("https://accounts.google.com/o/oauth2/v2/auth")
    ///     .client_id("client");
    /// let created = client.connections().create(connection).send().await?;
    /// println!("{:?}", created.id());
    /// # Ok(()) }
    /// ```
    #[doc(alias = "create_connection")]
    pub fn create(&self, connection: Connection) -> Request<CreateConnection> {
        self.client.request(CreateConnection::new(connection))
    }

    /// Deletes a connection (`deleteConnection`, `DELETE /v1/connections/{connectionId}`).
    ///
    /// ```no_run
    /// # async fn run(client: idp_authress::Client) -> idp_authress::Result<()> {
    /// client.connections().delete("google").send().await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "delete_connection")]
    pub fn delete(&self, connection_id: impl Into<String>) -> Request<DeleteConnection> {
        self.client.request(DeleteConnection::new(connection_id))
    }

    /// Gets a connection (`getConnection`, `GET /v1/connections/{connectionId}`).
    ///
    /// ```no_run
    /// # async fn run(client: idp_authress::Client) -> idp_authress::Result<()> {
    /// match client.connections().get("google").send().await {
    ///     Ok(connection) => println!("{:?}", connection.data),
    ///     Err(e) if e.is_not_found() => println!("no such connection"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "get_connection")]
    pub fn get(&self, connection_id: impl Into<String>) -> Request<GetConnection> {
        self.client.request(GetConnection::new(connection_id))
    }

    /// Gets a user's provider credentials from their latest login through a connection
    /// (`getConnectionCredentials`,
    /// `GET /v1/connections/{connectionId}/users/{userId}/credentials`). `user_id` is the
    /// **Authress** user id.
    ///
    /// ```no_run
    /// # async fn run(client: idp_authress::Client) -> idp_authress::Result<()> {
    /// let credentials = client
    ///     .connections()
    ///     .get_credentials("google", "google|12345")
    ///     .send()
    ///     .await?;
    /// let _provider_token: &str = &credentials.access_token;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "get_connection_credentials")]
    pub fn get_credentials(
        &self,
        connection_id: impl Into<String>,
        user_id: impl Into<String>,
    ) -> Request<GetConnectionCredentials> {
        self.client
            .request(GetConnectionCredentials::new(connection_id, user_id))
    }

    /// Lists connections (`getConnections`, `GET /v1/connections`). `.send()` returns one page;
    /// `.items()` streams every connection lazily, following `pagination.next.cursor`.
    ///
    /// ```no_run
    /// # async fn run(client: idp_authress::Client) -> idp_authress::Result<()> {
    /// let mut connections = client.connections().list().limit(50).items();
    /// while let Some(connection) = connections.try_next().await? {
    ///     println!("{:?}", connection.id());
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "get_connections")]
    pub fn list(&self) -> Request<GetConnections> {
        self.client.request(GetConnections::new())
    }

    /// Replaces a connection (`updateConnection`, `PUT /v1/connections/{connectionId}`). Read a
    /// connection, edit it and send it back: unknown fields are kept. PUT replaces the whole
    /// connection and GET never returns the client secret, so an OAuth connection must carry
    /// its secret again (or an explicit choice): see
    /// [`UpdateConnection`'s client secret rule](UpdateConnection#the-client-secret).
    ///
    /// ```no_run
    /// # async fn run(client: idp_authress::Client, secret: String) -> idp_authress::Result<()> {
    /// use idp_authress::models::Nullable;
    /// let connection = client.connections().get("google").send().await?;
    /// let connection = connection
    ///     .issuer_url(Nullable::Null) // sent as an explicit null
    ///     .client_secret(secret); // GET does not return it; without it the update is refused
    /// client.connections().update("google", connection).send().await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "update_connection")]
    pub fn update(
        &self,
        connection_id: impl Into<String>,
        connection: Connection,
    ) -> Request<UpdateConnection> {
        self.client
            .request(UpdateConnection::new(connection_id, connection))
    }
}
