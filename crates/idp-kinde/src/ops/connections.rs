//! The six connections operations and the [`Connections`] resource handle.
//!
//! Each operation is a plain value: build it with `new` (and, for the list, its setters), inspect
//! it (`X::METHOD`, `X::PATH`, `op.path()`, `op.query_pairs()`, `op.body()`), and run it with
//! [`Client::execute`] / [`Client::items`] — or through the handle, `kinde.connections().get(id)`,
//! which builds the same values.

use idp_core::http::Method;
use idp_core::{
    Body, Error, NextPage, Operation, Paginated, PathParams, Query, ResponseMeta, Result,
};

use crate::client::{Client, Kinde, Request};
use crate::models::{
    Connection, CreateConnectionRequest, CreateConnectionResponse, GetConnectionsResponse,
    ReplaceConnectionRequest, SuccessResponse, UpdateConnectionRequest,
};
use crate::pagination::{Direction, next_cursor};

/// The output of an operation whose success may come with no body: a `204`, or a `200`/`201`
/// with an empty (or `null`) body, means the change happened, and decodes as `T::default()`
/// (every field `None`) instead of a `Decode` error. Any other body decodes as usual.
fn decode_or_default<T>(body: &[u8]) -> Result<T>
where
    T: Default + serde::de::DeserializeOwned + 'static,
{
    let text = body.trim_ascii();
    if text.is_empty() || text == b"null" {
        return Ok(T::default());
    }
    idp_core::decode_json(body)
}

/// `POST /api/v1/connections` (`CreateConnection`): creates a connection; answers 201 with the
/// new connection's id.
///
/// ```
/// use idp_kinde::Operation;
/// use idp_kinde::models::{CreateConnectionRequest, Strategy};
/// use idp_kinde::ops::CreateConnection;
/// let op = CreateConnection::new(CreateConnectionRequest::new("github", "GitHub", Strategy::Github));
/// assert_eq!((CreateConnection::METHOD.as_str(), CreateConnection::PATH), ("POST", "/api/v1/connections"));
/// assert_eq!(op.body.strategy, Strategy::Github);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[doc(alias = "create_connection")]
pub struct CreateConnection {
    /// The request body.
    pub body: CreateConnectionRequest,
}

impl CreateConnection {
    /// Creates the connection `body` describes.
    pub fn new(body: CreateConnectionRequest) -> Self {
        CreateConnection { body }
    }
}

impl Operation for CreateConnection {
    type Provider = Kinde;
    type Output = CreateConnectionResponse;
    const ID: &'static str = "CreateConnection";
    const METHOD: Method = Method::POST;
    const PATH: &'static str = "/api/v1/connections";

    fn body(&self) -> Result<Option<Body>> {
        Body::json(&self.body).map(Some)
    }

    /// An empty `201` means the connection was created: the response is then empty too
    /// (`id()` is `None`; find the connection by listing).
    fn decode(body: &[u8]) -> Result<CreateConnectionResponse> {
        decode_or_default(body)
    }
}

/// `DELETE /api/v1/connections/{connection_id}` (`deleteConnection`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[doc(alias = "delete_connection")]
pub struct DeleteConnection {
    /// The connection's id.
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
    type Provider = Kinde;
    type Output = SuccessResponse;
    const ID: &'static str = "deleteConnection";
    const METHOD: Method = Method::DELETE;
    const PATH: &'static str = "/api/v1/connections/{connection_id}";

    fn path_params(&self) -> PathParams<'_> {
        [self.connection_id.as_str()].into()
    }

    /// A `204` or an empty `200` means the change happened: an empty [`SuccessResponse`].
    fn decode(body: &[u8]) -> Result<SuccessResponse> {
        decode_or_default(body)
    }
}

/// `GET /api/v1/connections/{connection_id}` (`GetConnection`): the [`Connection`] itself.
///
/// Kinde wraps it in an envelope (`{code, message, connection: {…}}`, the spec's `connection`
/// schema); this operation unwraps it, and also accepts the flat `{id, name, …}` body the spec
/// described before Feb 2025. A body with no connection id in it is a `Decode` error. For the
/// envelope itself, send with `.send_as::<GetConnectionResponse>()`
/// ([`GetConnectionResponse`](crate::models::GetConnectionResponse)).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[doc(alias = "get_connection")]
pub struct GetConnection {
    /// The connection's id.
    pub connection_id: String,
}

impl GetConnection {
    /// Reads the connection `connection_id`.
    pub fn new(connection_id: impl Into<String>) -> Self {
        GetConnection {
            connection_id: connection_id.into(),
        }
    }
}

impl Operation for GetConnection {
    type Provider = Kinde;
    type Output = Connection;
    const ID: &'static str = "GetConnection";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/api/v1/connections/{connection_id}";

    fn path_params(&self) -> PathParams<'_> {
        [self.connection_id.as_str()].into()
    }

    /// The envelope's connection (or a flat connection); an error when it has no id.
    fn decode(body: &[u8]) -> Result<Connection> {
        let connection: Connection = idp_core::decode_json(body)?;
        if connection.id().is_none_or(str::is_empty) {
            return Err(Error::decode(
                "the response holds no connection (no `connection.id`)",
            ));
        }
        Ok(connection)
    }
}

/// `GET /api/v1/connections` (`GetConnections`): one page of connections, paginated by
/// connection id.
///
/// A walk goes forward (`starting_after = <last id>`) unless `ending_before` is set, in which case
/// each next page ends before the first connection of the previous one. The two cursors cannot
/// be combined ([`Operation::validate`] refuses it before anything is sent).
///
/// ```
/// use idp_kinde::Operation;
/// use idp_kinde::ops::GetConnections;
/// let op = GetConnections::new().page_size(50).home_realm_domain("myapp.com");
/// assert_eq!(op.query_pairs().pairs(), &[("page_size", "50".to_owned()), ("home_realm_domain", "myapp.com".to_owned())]);
/// assert!(op.starting_after("a").ending_before("b").validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
#[doc(alias = "get_connections")]
pub struct GetConnections {
    /// `page_size`: results per page (the API defaults to 10 and caps list pages at 500).
    pub page_size: Option<u32>,
    /// `home_realm_domain`: only connections for this domain (e.g. `myapp.com`).
    pub home_realm_domain: Option<String>,
    /// `starting_after`: the page after the connection with this id.
    pub starting_after: Option<String>,
    /// `ending_before`: the page before the connection with this id.
    pub ending_before: Option<String>,
}

impl GetConnections {
    /// The first page of every connection (forward walk).
    pub fn new() -> Self {
        GetConnections::default()
    }

    /// Number of results per page (the API defaults to 10 and caps list pages at 500).
    #[must_use]
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Only connections for this home realm domain (e.g. `myapp.com`); kept on every page.
    #[must_use]
    pub fn home_realm_domain(mut self, home_realm_domain: impl Into<String>) -> Self {
        self.home_realm_domain = Some(home_realm_domain.into());
        self
    }

    /// Start after the connection with this id (forward walk, the default).
    #[must_use]
    pub fn starting_after(mut self, starting_after: impl Into<String>) -> Self {
        self.starting_after = Some(starting_after.into());
        self
    }

    /// End before the connection with this id. Setting it makes `items()` / `pages()` walk
    /// backward: each next page ends before the first connection of the previous one. Cannot be
    /// combined with [`GetConnections::starting_after`] (`InvalidInput` before sending).
    ///
    /// Order of a backward walk: the pages come nearest-to-the-cursor first, and within each
    /// page the connections stay in the order the API sends them (ascending, as in a forward
    /// walk). With connections `a…f`, `page_size(2)` and `ending_before("f")`, `items()` yields
    /// `d, e, b, c, a` — pages `[d, e]`, `[b, c]`, `[a]`. For one descending sequence, walk
    /// `pages()` and reverse each page.
    #[must_use]
    pub fn ending_before(mut self, ending_before: impl Into<String>) -> Self {
        self.ending_before = Some(ending_before.into());
        self
    }

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
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/api/v1/connections";

    fn validate(&self) -> Result<()> {
        if self.starting_after.is_some() && self.ending_before.is_some() {
            return Err(Error::invalid_input(
                "starting_after and ending_before cannot be combined: set one cursor",
            ));
        }
        Ok(())
    }

    fn query(&self, q: &mut Query) {
        q.push_opt("page_size", self.page_size)
            .push_opt("home_realm_domain", self.home_realm_domain.as_deref())
            .push_opt("starting_after", self.starting_after.as_deref())
            .push_opt("ending_before", self.ending_before.as_deref());
    }
}

impl Paginated for GetConnections {
    type Item = Connection;

    fn into_items(output: GetConnectionsResponse) -> Vec<Connection> {
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

idp_core::forward_setters!(GetConnections {
    page_size(page_size: u32),
    home_realm_domain(home_realm_domain: impl Into<String>),
    starting_after(starting_after: impl Into<String>),
    ending_before(ending_before: impl Into<String>),
});

/// `PUT /api/v1/connections/{connection_id}` (`ReplaceConnection`): replaces the whole
/// configuration.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[doc(alias = "replace_connection")]
pub struct ReplaceConnection {
    /// The connection's id.
    pub connection_id: String,
    /// The request body.
    pub body: ReplaceConnectionRequest,
}

impl ReplaceConnection {
    /// Replaces the configuration of `connection_id` with `body`.
    pub fn new(connection_id: impl Into<String>, body: ReplaceConnectionRequest) -> Self {
        ReplaceConnection {
            connection_id: connection_id.into(),
            body,
        }
    }
}

impl Operation for ReplaceConnection {
    type Provider = Kinde;
    type Output = SuccessResponse;
    const ID: &'static str = "ReplaceConnection";
    const METHOD: Method = Method::PUT;
    const PATH: &'static str = "/api/v1/connections/{connection_id}";

    fn path_params(&self) -> PathParams<'_> {
        [self.connection_id.as_str()].into()
    }

    fn body(&self) -> Result<Option<Body>> {
        Body::json(&self.body).map(Some)
    }
    /// A `204` or an empty `200` means the change happened: an empty [`SuccessResponse`].
    fn decode(body: &[u8]) -> Result<SuccessResponse> {
        decode_or_default(body)
    }
}

/// `PATCH /api/v1/connections/{connection_id}` (`UpdateConnection`): changes the fields set.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[doc(alias = "update_connection")]
pub struct UpdateConnection {
    /// The connection's id.
    pub connection_id: String,
    /// The request body (only the fields set are sent).
    pub body: UpdateConnectionRequest,
}

impl UpdateConnection {
    /// Changes the fields set in `body` on the connection `connection_id`.
    pub fn new(connection_id: impl Into<String>, body: UpdateConnectionRequest) -> Self {
        UpdateConnection {
            connection_id: connection_id.into(),
            body,
        }
    }
}

impl Operation for UpdateConnection {
    type Provider = Kinde;
    type Output = SuccessResponse;
    const ID: &'static str = "UpdateConnection";
    const METHOD: Method = Method::PATCH;
    const PATH: &'static str = "/api/v1/connections/{connection_id}";

    fn path_params(&self) -> PathParams<'_> {
        [self.connection_id.as_str()].into()
    }

    fn body(&self) -> Result<Option<Body>> {
        Body::json(&self.body).map(Some)
    }
    /// A `204` or an empty `200` means the change happened: an empty [`SuccessResponse`].
    fn decode(body: &[u8]) -> Result<SuccessResponse> {
        decode_or_default(body)
    }
}

/// The connections of the Kinde business: `kinde.connections()`. Each method builds the
/// operation of the same name as a value and binds it to the client.
#[derive(Debug, Clone, Copy)]
pub struct Connections<'a> {
    client: &'a Client,
}

impl<'a> Connections<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Connections { client }
    }

    /// Creates a connection (`create_connection`; scope `create:connections`): a
    /// [`CreateConnection`].
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
    #[doc(alias = "create_connection")]
    pub fn create(&self, request: CreateConnectionRequest) -> Request<CreateConnection> {
        self.client.request(CreateConnection::new(request))
    }

    /// Deletes a connection (`delete_connection`; scope `delete:connections`): a
    /// [`DeleteConnection`].
    #[doc(alias = "delete_connection")]
    pub fn delete(&self, connection_id: impl Into<String>) -> Request<DeleteConnection> {
        self.client.request(DeleteConnection::new(connection_id))
    }

    /// Gets a connection (`get_connection`; scope `read:connections`): a [`GetConnection`], which
    /// answers the [`Connection`] itself.
    #[doc(alias = "get_connection")]
    pub fn get(&self, connection_id: impl Into<String>) -> Request<GetConnection> {
        self.client.request(GetConnection::new(connection_id))
    }

    /// Lists connections (`get_connections`; scope `read:connections`): a [`GetConnections`];
    /// `.send()` for one page, `.items()` for a lazy stream of every connection.
    ///
    /// ```no_run
    /// # async fn run(client: idp_kinde::Client) -> idp_kinde::Result<()> {
    /// let mut connections = client.connections().list().page_size(100).items();
    /// while let Some(c) = connections.try_next().await? {
    ///     println!("{:?} {:?}", c.id(), c.strategy);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "get_connections")]
    pub fn list(&self) -> Request<GetConnections> {
        self.client.request(GetConnections::new())
    }

    /// Replaces a connection's whole configuration (`replace_connection`; scope
    /// `update:connections`): a [`ReplaceConnection`].
    #[doc(alias = "replace_connection")]
    pub fn replace(
        &self,
        connection_id: impl Into<String>,
        request: ReplaceConnectionRequest,
    ) -> Request<ReplaceConnection> {
        self.client
            .request(ReplaceConnection::new(connection_id, request))
    }

    /// Updates the fields set in `request` (`update_connection`; scope `update:connections`): an
    /// [`UpdateConnection`].
    #[doc(alias = "update_connection")]
    pub fn update(
        &self,
        connection_id: impl Into<String>,
        request: UpdateConnectionRequest,
    ) -> Request<UpdateConnection> {
        self.client
            .request(UpdateConnection::new(connection_id, request))
    }
}
