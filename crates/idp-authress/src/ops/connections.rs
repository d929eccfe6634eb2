//! The SSO connections API (`ConnectionsApi`): create, delete, get, get a user's credentials,
//! list and update.

use idp_core::http::Method;
use idp_core::{Body, NextPage, Operation, Paginated, ResponseMeta, Result, encode_segment};
use serde_json::Value;

use crate::client::{Authress, Client, Request};
use crate::models::{Connection, ConnectionCollection, UserConnectionCredentials};

/// The request body of create and update: the connection without its read-only fields
/// ([`Connection::READ_ONLY_FIELDS`]), which the server sets itself.
fn connection_body(connection: &Connection) -> Result<Option<Body>> {
    let mut value = serde_json::to_value(connection).map_err(|e| {
        idp_core::Error::invalid_input(format!("the connection cannot be serialized: {e}"))
    })?;
    if let Value::Object(map) = &mut value {
        for field in Connection::READ_ONLY_FIELDS {
            map.remove(*field);
        }
    }
    Body::json(&value).map(Some)
}

/// `POST /v1/connections` (`createConnection`; seed: `create_connection`). Answers 201 with the
/// created connection.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateConnection {
    pub(crate) connection: Connection,
}

impl Operation for CreateConnection {
    type Provider = Authress;
    type Output = Connection;
    const ID: &'static str = "createConnection";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String> {
        Ok("/v1/connections".to_owned())
    }

    fn body(&self) -> Result<Option<Body>> {
        connection_body(&self.connection)
    }
}

/// `DELETE /v1/connections/{connectionId}` (`deleteConnection`; seed: `delete_connection`).
/// Answers 204 with no body.
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteConnection {
    pub(crate) connection_id: String,
}

impl Operation for DeleteConnection {
    type Provider = Authress;
    type Output = ();
    const ID: &'static str = "deleteConnection";

    fn method(&self) -> Method {
        Method::DELETE
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/v1/connections/{}",
            encode_segment("connectionId", &self.connection_id)?
        ))
    }
}

/// `GET /v1/connections/{connectionId}` (`getConnection`; seed: `get_connection`).
#[derive(Debug, Clone, PartialEq)]
pub struct GetConnection {
    pub(crate) connection_id: String,
}

impl Operation for GetConnection {
    type Provider = Authress;
    type Output = Connection;
    const ID: &'static str = "getConnection";

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/v1/connections/{}",
            encode_segment("connectionId", &self.connection_id)?
        ))
    }
}

/// `GET /v1/connections/{connectionId}/users/{userId}/credentials` (`getConnectionCredentials`;
/// seed: `get_connection_credentials`): the provider access token of the user's latest login
/// through the connection.
#[derive(Debug, Clone, PartialEq)]
pub struct GetConnectionCredentials {
    pub(crate) connection_id: String,
    pub(crate) user_id: String,
}

impl Operation for GetConnectionCredentials {
    type Provider = Authress;
    type Output = UserConnectionCredentials;
    const ID: &'static str = "getConnectionCredentials";

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/v1/connections/{}/users/{}/credentials",
            encode_segment("connectionId", &self.connection_id)?,
            encode_segment("userId", &self.user_id)?
        ))
    }
}

/// `GET /v1/connections` (`getConnections`; seed: `get_connections`): one page of connections.
/// With no parameter set the request is a bare `GET /v1/connections`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetConnections {
    pub(crate) limit: Option<u32>,
    pub(crate) cursor: Option<String>,
    pub(crate) filter: Option<String>,
}

impl Operation for GetConnections {
    type Provider = Authress;
    type Output = ConnectionCollection;
    const ID: &'static str = "getConnections";

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String> {
        Ok("/v1/connections".to_owned())
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(limit) = self.limit {
            query.push(("limit", limit.to_string()));
        }
        if let Some(cursor) = &self.cursor {
            query.push(("cursor", cursor.clone()));
        }
        if let Some(filter) = &self.filter {
            query.push(("filter", filter.clone()));
        }
        query
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
        GetConnections {
            cursor: Some(cursor.to_owned()),
            ..self.clone()
        }
    }
}

/// `PUT /v1/connections/{connectionId}` (`updateConnection`; seed: `update_connection`): replaces
/// the whole connection document.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateConnection {
    pub(crate) connection_id: String,
    pub(crate) connection: Connection,
}

impl Operation for UpdateConnection {
    type Provider = Authress;
    type Output = Connection;
    const ID: &'static str = "updateConnection";

    fn method(&self) -> Method {
        Method::PUT
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/v1/connections/{}",
            encode_segment("connectionId", &self.connection_id)?
        ))
    }

    fn body(&self) -> Result<Option<Body>> {
        connection_body(&self.connection)
    }
}

impl Request<GetConnections> {
    /// The page size (`limit`; server default 100, not clamped here).
    pub fn limit(self, limit: u32) -> Self {
        self.map(|mut op| {
            op.limit = Some(limit);
            op
        })
    }

    /// Starts at a cursor (`cursor`, the `pagination.next.cursor` of an earlier page).
    pub fn cursor(self, cursor: impl Into<String>) -> Self {
        let cursor = cursor.into();
        self.map(|mut op| {
            op.cursor = Some(cursor);
            op
        })
    }

    /// A case-insensitive search through the connections' text fields (`filter`).
    pub fn filter(self, filter: impl Into<String>) -> Self {
        let filter = filter.into();
        self.map(|mut op| {
            op.filter = Some(filter);
            op
        })
    }
}

/// The SSO connections of the account: `client.connections()`.
///
/// Ids (`connectionId`, `userId`) are each encoded as one path segment, so user ids such as
/// `google|12345` or `oauth|a/b c+d@e:f` are sent as they are; an empty id is refused with
/// `InvalidInput` before anything is sent.
#[derive(Debug, Clone, Copy)]
pub struct Connections<'a> {
    pub(crate) client: &'a Client,
}

impl Connections<'_> {
    fn request<O: Operation<Provider = Authress>>(&self, op: O) -> Request<O> {
        Request::new(self.client.core().clone(), op)
    }

    /// Creates a connection (`createConnection`, `POST /v1/connections`).
    ///
    /// ```no_run
    /// # async fn run(client: idp_authress::Client) -> idp_authress::Result<()> {
    /// use idp_authress::models::{Connection, ConnectionType};
    /// let mut connection = Connection::new(ConnectionType::Oauth2);
    /// connection.authentication_url = Some("https://accounts.google.com/o/oauth2/v2/auth".into());
    /// connection.client_id = "client".into();
    /// let created = client.connections().create(connection).send().await?;
    /// println!("{:?}", created.connection_id);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "create_connection")]
    pub fn create(&self, connection: Connection) -> Request<CreateConnection> {
        self.request(CreateConnection { connection })
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
        self.request(DeleteConnection {
            connection_id: connection_id.into(),
        })
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
        self.request(GetConnection {
            connection_id: connection_id.into(),
        })
    }

    /// Gets a user's provider credentials from their latest login through a connection
    /// (`getConnectionCredentials`, seed `get_connection_credentials`,
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
        self.request(GetConnectionCredentials {
            connection_id: connection_id.into(),
            user_id: user_id.into(),
        })
    }

    /// Lists connections (`getConnections`, `GET /v1/connections`). `.send()` returns one page;
    /// `.items()` streams every connection lazily, following `pagination.next.cursor`.
    ///
    /// ```no_run
    /// # async fn run(client: idp_authress::Client) -> idp_authress::Result<()> {
    /// let mut connections = client.connections().list().limit(50).items();
    /// while let Some(connection) = connections.try_next().await? {
    ///     println!("{:?}", connection.connection_id);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "get_connections")]
    pub fn list(&self) -> Request<GetConnections> {
        self.request(GetConnections::default())
    }

    /// Replaces a connection (`updateConnection`, `PUT /v1/connections/{connectionId}`). Read a
    /// connection, edit it and send it back: unknown fields are kept.
    ///
    /// ```no_run
    /// # async fn run(client: idp_authress::Client) -> idp_authress::Result<()> {
    /// use idp_authress::models::Nullable;
    /// let mut connection = client.connections().get("google").send().await?;
    /// connection.issuer_url = Nullable::Null; // sent as an explicit null
    /// client.connections().update("google", connection).send().await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "update_connection")]
    pub fn update(
        &self,
        connection_id: impl Into<String>,
        connection: Connection,
    ) -> Request<UpdateConnection> {
        self.request(UpdateConnection {
            connection_id: connection_id.into(),
            connection,
        })
    }
}
