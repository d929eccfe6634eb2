//! The six connections operations and the [`Connections`] resource handle.

use idp_core::http::Method;
use idp_core::{Body, NextPage, Operation, Paginated, ResponseMeta, Result, encode_segment};

use crate::client::{Client, Kinde, Request};
use crate::models::{
    Connection, ConnectionConnection, CreateConnectionRequest, CreateConnectionResponse,
    GetConnectionsResponse, ReplaceConnectionRequest, SuccessResponse, UpdateConnectionRequest,
};
use crate::pagination::{Direction, next_cursor};

const COLLECTION: &str = "/api/v1/connections";

fn item_path(connection_id: &str) -> Result<String> {
    Ok(format!(
        "{COLLECTION}/{}",
        encode_segment("connection_id", connection_id)?
    ))
}

/// `POST /api/v1/connections` (`CreateConnection`): creates a connection; answers 201.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateConnection {
    pub(crate) body: CreateConnectionRequest,
}

impl Operation for CreateConnection {
    type Provider = Kinde;
    type Output = CreateConnectionResponse;
    const ID: &'static str = "CreateConnection";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String> {
        Ok(COLLECTION.to_owned())
    }

    fn body(&self) -> Result<Option<Body>> {
        Body::json(&self.body).map(Some)
    }
}

/// `DELETE /api/v1/connections/{connection_id}` (`deleteConnection`).
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteConnection {
    pub(crate) connection_id: String,
}

impl Operation for DeleteConnection {
    type Provider = Kinde;
    type Output = SuccessResponse;
    const ID: &'static str = "deleteConnection";

    fn method(&self) -> Method {
        Method::DELETE
    }

    fn path(&self) -> Result<String> {
        item_path(&self.connection_id)
    }
}

/// `GET /api/v1/connections/{connection_id}` (`GetConnection`).
#[derive(Debug, Clone, PartialEq)]
pub struct GetConnection {
    pub(crate) connection_id: String,
}

impl Operation for GetConnection {
    type Provider = Kinde;
    type Output = Connection;
    const ID: &'static str = "GetConnection";

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String> {
        item_path(&self.connection_id)
    }
}

/// `GET /api/v1/connections` (`GetConnections`): one page of connections; paginated by
/// connection id (see [`Request::starting_after`] and [`Request::ending_before`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetConnections {
    pub(crate) page_size: Option<u32>,
    pub(crate) home_realm_domain: Option<String>,
    pub(crate) starting_after: Option<String>,
    pub(crate) ending_before: Option<String>,
}

impl GetConnections {
    fn direction(&self) -> Direction {
        if self.ending_before.is_some() {
            Direction::Backward
        } else {
            Direction::Forward
        }
    }
}

impl Operation for GetConnections {
    type Provider = Kinde;
    type Output = GetConnectionsResponse;
    const ID: &'static str = "GetConnections";

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String> {
        if self.starting_after.is_some() && self.ending_before.is_some() {
            return Err(idp_core::Error::invalid_input(
                "starting_after and ending_before cannot be combined: set one cursor",
            ));
        }
        Ok(COLLECTION.to_owned())
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::with_capacity(4);
        if let Some(n) = self.page_size {
            q.push(("page_size", n.to_string()));
        }
        if let Some(d) = &self.home_realm_domain {
            q.push(("home_realm_domain", d.clone()));
        }
        if let Some(c) = &self.starting_after {
            q.push(("starting_after", c.clone()));
        }
        if let Some(c) = &self.ending_before {
            q.push(("ending_before", c.clone()));
        }
        q
    }
}

impl Paginated for GetConnections {
    type Item = ConnectionConnection;

    fn into_items(output: GetConnectionsResponse) -> Vec<ConnectionConnection> {
        output.connections.unwrap_or_default()
    }

    fn next_page(&self, _meta: &ResponseMeta, output: &GetConnectionsResponse) -> Option<NextPage> {
        next_cursor(self.direction(), output).map(NextPage::cursor)
    }

    fn with_cursor(&self, cursor: &str) -> Self {
        let mut next = self.clone();
        match self.direction() {
            Direction::Forward => next.starting_after = Some(cursor.to_owned()),
            Direction::Backward => next.ending_before = Some(cursor.to_owned()),
        }
        next
    }
}

/// `PUT /api/v1/connections/{connection_id}` (`ReplaceConnection`): replaces the whole
/// configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplaceConnection {
    pub(crate) connection_id: String,
    pub(crate) body: ReplaceConnectionRequest,
}

impl Operation for ReplaceConnection {
    type Provider = Kinde;
    type Output = SuccessResponse;
    const ID: &'static str = "ReplaceConnection";

    fn method(&self) -> Method {
        Method::PUT
    }

    fn path(&self) -> Result<String> {
        item_path(&self.connection_id)
    }

    fn body(&self) -> Result<Option<Body>> {
        Body::json(&self.body).map(Some)
    }
}

/// `PATCH /api/v1/connections/{connection_id}` (`UpdateConnection`): changes the fields set.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateConnection {
    pub(crate) connection_id: String,
    pub(crate) body: UpdateConnectionRequest,
}

impl Operation for UpdateConnection {
    type Provider = Kinde;
    type Output = SuccessResponse;
    const ID: &'static str = "UpdateConnection";

    fn method(&self) -> Method {
        Method::PATCH
    }

    fn path(&self) -> Result<String> {
        item_path(&self.connection_id)
    }

    fn body(&self) -> Result<Option<Body>> {
        Body::json(&self.body).map(Some)
    }
}

impl Request<GetConnections> {
    /// Number of results per page (the API defaults to 10 and caps list pages at 500).
    pub fn page_size(self, n: u32) -> Self {
        self.map(|mut op| {
            op.page_size = Some(n);
            op
        })
    }

    /// Only connections for this home realm domain (e.g. `myapp.com`); kept on every page.
    pub fn home_realm_domain(self, domain: impl Into<String>) -> Self {
        let domain = domain.into();
        self.map(|mut op| {
            op.home_realm_domain = Some(domain);
            op
        })
    }

    /// Start after the connection with this id (forward walk, the default).
    pub fn starting_after(self, connection_id: impl Into<String>) -> Self {
        let id = connection_id.into();
        self.map(|mut op| {
            op.starting_after = Some(id);
            op
        })
    }

    /// End before the connection with this id. Setting it makes `items()` / `pages()` walk
    /// backward: each next page ends before the first connection of the previous one. Cannot be
    /// combined with [`Request::starting_after`] (`InvalidInput` when sent).
    pub fn ending_before(self, connection_id: impl Into<String>) -> Self {
        let id = connection_id.into();
        self.map(|mut op| {
            op.ending_before = Some(id);
            op
        })
    }
}

/// The connections of the Kinde business: `client.connections()`.
#[derive(Debug, Clone, Copy)]
pub struct Connections<'a> {
    client: &'a Client,
}

impl<'a> Connections<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Connections { client }
    }

    fn request<O: Operation<Provider = Kinde>>(&self, op: O) -> Request<O> {
        Request::new(self.client.core().clone(), op)
    }

    /// Creates a connection (`create_connection`; scope `create:connections`).
    ///
    /// ```no_run
    /// # async fn run(client: idp_kinde::Client) -> idp_kinde::Result<()> {
    /// use idp_kinde::models::{CreateConnectionRequest, CreateConnectionRequestOptionsSocial, Strategy};
    /// let created = client
    ///     .connections()
    ///     .create(
    ///         CreateConnectionRequest::new("github", "GitHub", Strategy::Github)
    ///             .options(CreateConnectionRequestOptionsSocial::new().client_id("id").client_secret("secret")),
    ///     )
    ///     .send()
    ///     .await?;
    /// println!("created {:?}", created.id());
    /// # Ok(()) }
    /// ```
    pub fn create(&self, request: CreateConnectionRequest) -> Request<CreateConnection> {
        self.request(CreateConnection { body: request })
    }

    /// Deletes a connection (`delete_connection`; scope `delete:connections`).
    pub fn delete(&self, connection_id: impl Into<String>) -> Request<DeleteConnection> {
        self.request(DeleteConnection {
            connection_id: connection_id.into(),
        })
    }

    /// Gets a connection (`get_connection`; scope `read:connections`).
    pub fn get(&self, connection_id: impl Into<String>) -> Request<GetConnection> {
        self.request(GetConnection {
            connection_id: connection_id.into(),
        })
    }

    /// Lists connections (`get_connections`; scope `read:connections`): `.send()` for one page,
    /// `.items()` for a lazy stream of every connection.
    ///
    /// ```no_run
    /// # async fn run(client: idp_kinde::Client) -> idp_kinde::Result<()> {
    /// let mut connections = client.connections().list().page_size(100).items();
    /// while let Some(c) = connections.try_next().await? {
    ///     println!("{:?} {:?}", c.id, c.strategy);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> Request<GetConnections> {
        self.request(GetConnections::default())
    }

    /// Replaces a connection's whole configuration (`replace_connection`; scope
    /// `update:connections`).
    pub fn replace(
        &self,
        connection_id: impl Into<String>,
        request: ReplaceConnectionRequest,
    ) -> Request<ReplaceConnection> {
        self.request(ReplaceConnection {
            connection_id: connection_id.into(),
            body: request,
        })
    }

    /// Updates the fields set in `request` (`update_connection`; scope `update:connections`).
    pub fn update(
        &self,
        connection_id: impl Into<String>,
        request: UpdateConnectionRequest,
    ) -> Request<UpdateConnection> {
        self.request(UpdateConnection {
            connection_id: connection_id.into(),
            body: request,
        })
    }
}
