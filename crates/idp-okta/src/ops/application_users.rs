//! Application Users: assignments of users to an app.

use std::fmt;

use http::Method;
use idp_core::{
    Body, Bulk, Error, NextPage, Operation, Paginated, PathParams, Query, ResponseMeta, Result,
};
use serde::Serialize;
use serde_json::Value;

use crate::client::{Client, Okta, Request};
use crate::models::{AppUser, AppUserAssignRequest, AppUserProfile, AppUserUpdateRequest};

/// The largest page Okta serves for app users.
pub const MAX_LIMIT: u32 = 500;

/// What a custom profile type needs to travel in an operation: it serializes (to a JSON object),
/// and the operation stays a plain `Send + Sync` value that prints with `Debug`.
pub trait ProfileBody: Serialize + Send + Sync + fmt::Debug + 'static {}

impl<P: Serialize + Send + Sync + fmt::Debug + 'static> ProfileBody for P {}

/// The profile as the JSON object sent on the wire: any `Serialize` type that serializes to an
/// object (one that serializes to `null` is left out).
fn profile_map<P: Serialize>(profile: Option<&P>) -> Result<Option<AppUserProfile>> {
    let Some(profile) = profile else {
        return Ok(None);
    };
    match serde_json::to_value(profile) {
        Ok(Value::Object(map)) => Ok(Some(map)),
        Ok(Value::Null) => Ok(None),
        Ok(_) => Err(Error::invalid_input(
            "the app user profile must serialize to a JSON object",
        )),
        Err(e) => Err(Error::invalid_input(format!(
            "the app user profile cannot be serialized: {e}"
        ))),
    }
}

/// `POST /api/v1/apps/{appId}/users` (`assignUserToApplication`): assigns a user to an app.
///
/// `P` is the profile type of the body: a JSON map by default, or any `Serialize` type that
/// serializes to an object (checked by [`Operation::body`], before anything is sent).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AssignUserToApplication<P = AppUserProfile> {
    /// The app id.
    pub app_id: String,
    /// The assignment (the user's `id`, scope, credentials, profile).
    pub body: AppUserAssignRequest<P>,
}

impl<P> AssignUserToApplication<P> {
    /// Assigns the user of `body` to app `app_id`.
    pub fn new(app_id: impl Into<String>, body: AppUserAssignRequest<P>) -> Self {
        AssignUserToApplication {
            app_id: app_id.into(),
            body,
        }
    }
}

impl<P: ProfileBody> Operation for AssignUserToApplication<P> {
    type Provider = Okta;
    type Output = AppUser;
    const ID: &'static str = "assignUserToApplication";
    const METHOD: Method = Method::POST;
    const PATH: &'static str = "/api/v1/apps/{appId}/users";

    fn path_params(&self) -> PathParams<'_> {
        [self.app_id.as_str()].into()
    }

    fn validate(&self) -> Result<()> {
        if self.body.id.trim().is_empty() {
            return Err(Error::invalid_input(
                "the user id (`id`) of an assignment must not be empty",
            ));
        }
        Ok(())
    }

    fn body(&self) -> Result<Option<Body>> {
        let wire = AppUserAssignRequest {
            id: self.body.id.clone(),
            scope: self.body.scope.clone(),
            credentials: self.body.credentials.as_ref().and_then(|c| c.sendable()),
            profile: profile_map(self.body.profile.as_ref())?,
            extra: self.body.extra.clone(),
        };
        Body::json(&wire).map(Some)
    }
}

/// `GET /api/v1/apps/{appId}/users/{userId}` (`getApplicationUser`): one assignment.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GetApplicationUser {
    /// The app id.
    pub app_id: String,
    /// The user id.
    pub user_id: String,
    /// `expand` (the only valid value is `user`: the Okta user in `_embedded`).
    pub expand: Option<String>,
}

impl GetApplicationUser {
    /// The assignment of user `user_id` to app `app_id`.
    pub fn new(app_id: impl Into<String>, user_id: impl Into<String>) -> Self {
        GetApplicationUser {
            app_id: app_id.into(),
            user_id: user_id.into(),
            expand: None,
        }
    }

    /// `expand=user`: the Okta user in `_embedded` ([`AppUser::embedded_user`]).
    #[must_use]
    pub fn expand(mut self, expand: impl Into<String>) -> Self {
        self.expand = Some(expand.into());
        self
    }
}

impl Operation for GetApplicationUser {
    type Provider = Okta;
    type Output = AppUser;
    const ID: &'static str = "getApplicationUser";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/api/v1/apps/{appId}/users/{userId}";

    fn path_params(&self) -> PathParams<'_> {
        [self.app_id.as_str(), self.user_id.as_str()].into()
    }

    fn query(&self, q: &mut Query) {
        q.push_opt("expand", self.expand.as_deref());
    }
}

idp_core::forward_setters!(GetApplicationUser {
    expand(expand: impl Into<String>)
});

/// `GET /api/v1/apps/{appId}/users` (`listApplicationUsers`): one page of the users assigned to
/// an app; follow `Link: rel="next"` with `items()` / `pages()`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ListApplicationUsers {
    /// The app id.
    pub app_id: String,
    /// The opaque cursor of the page to start at.
    pub after: Option<String>,
    /// The page size, 1 to [`MAX_LIMIT`] (Okta's default is 50).
    pub limit: Option<u32>,
    /// Prefix match on `userName`, `firstName`, `lastName` and `email`.
    pub q: Option<String>,
    /// `expand=user`: the Okta user of each assignment in `_embedded`.
    pub expand: Option<String>,
    /// `query_scope` (seed parity: Okta's older spec and the Python SDK).
    pub query_scope: Option<String>,
    /// `filter` (seed parity: Okta's older spec and the Python SDK).
    pub filter: Option<String>,
}

impl ListApplicationUsers {
    /// The users assigned to app `app_id`.
    pub fn new(app_id: impl Into<String>) -> Self {
        ListApplicationUsers {
            app_id: app_id.into(),
            after: None,
            limit: None,
            q: None,
            expand: None,
            query_scope: None,
            filter: None,
        }
    }

    /// The opaque cursor of the page to start at (from a `next` link or a saved page cursor).
    #[must_use]
    pub fn after(mut self, after: impl Into<String>) -> Self {
        self.after = Some(after.into());
        self
    }

    /// The page size, 1 to 500 (Okta's default is 50). Out of range is an `InvalidInput` error
    /// from [`Operation::validate`], before anything is sent.
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Prefix match on `userName`, `firstName`, `lastName` and `email`.
    #[must_use]
    pub fn q(mut self, q: impl Into<String>) -> Self {
        self.q = Some(q.into());
        self
    }

    /// `expand=user`: the Okta user of each assignment in `_embedded`.
    #[must_use]
    pub fn expand(mut self, expand: impl Into<String>) -> Self {
        self.expand = Some(expand.into());
        self
    }

    /// `query_scope` (from Okta's older spec and the Python SDK; the newest spec no longer
    /// documents it).
    #[must_use]
    pub fn query_scope(mut self, query_scope: impl Into<String>) -> Self {
        self.query_scope = Some(query_scope.into());
        self
    }

    /// `filter` (from Okta's older spec and the Python SDK; the newest spec no longer
    /// documents it).
    #[must_use]
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.filter = Some(filter.into());
        self
    }
}

impl Operation for ListApplicationUsers {
    type Provider = Okta;
    type Output = Vec<AppUser>;
    const ID: &'static str = "listApplicationUsers";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/api/v1/apps/{appId}/users";

    fn path_params(&self) -> PathParams<'_> {
        [self.app_id.as_str()].into()
    }

    fn validate(&self) -> Result<()> {
        match self.limit {
            Some(limit) if !(1..=MAX_LIMIT).contains(&limit) => Err(Error::invalid_input(format!(
                "limit must be between 1 and {MAX_LIMIT} (got {limit})"
            ))),
            _ => Ok(()),
        }
    }

    fn query(&self, q: &mut Query) {
        q.push_opt("after", self.after.as_deref())
            .push_opt("limit", self.limit)
            .push_opt("q", self.q.as_deref())
            .push_opt("expand", self.expand.as_deref())
            .push_opt("query_scope", self.query_scope.as_deref())
            .push_opt("filter", self.filter.as_deref());
    }
}

impl Paginated for ListApplicationUsers {
    type Item = AppUser;

    fn into_items(output: Vec<AppUser>) -> Vec<AppUser> {
        output
    }

    fn next_page(&self, meta: &ResponseMeta, _output: &Vec<AppUser>) -> Option<NextPage> {
        crate::pagination::next_page(&meta.headers)
    }

    fn with_cursor(&self, cursor: &str) -> Self {
        self.clone().after(cursor)
    }
}

idp_core::forward_setters!(ListApplicationUsers {
    after(after: impl Into<String>),
    limit(limit: u32),
    q(q: impl Into<String>),
    expand(expand: impl Into<String>),
    query_scope(query_scope: impl Into<String>),
    filter(filter: impl Into<String>),
});

/// `DELETE /api/v1/apps/{appId}/users/{userId}` (`unassignUserFromApplication`, 204).
/// Destructive: the app profile is lost.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UnassignUserFromApplication {
    /// The app id.
    pub app_id: String,
    /// The user id.
    pub user_id: String,
    /// `sendEmail`: send a deactivation email to the administrator (Okta's default `false`).
    pub send_email: Option<bool>,
}

impl UnassignUserFromApplication {
    /// Unassigns user `user_id` from app `app_id`.
    pub fn new(app_id: impl Into<String>, user_id: impl Into<String>) -> Self {
        UnassignUserFromApplication {
            app_id: app_id.into(),
            user_id: user_id.into(),
            send_email: None,
        }
    }

    /// Sends a deactivation email to the administrator (`sendEmail`, default `false`).
    #[must_use]
    pub fn send_email(mut self, send_email: bool) -> Self {
        self.send_email = Some(send_email);
        self
    }
}

impl Operation for UnassignUserFromApplication {
    type Provider = Okta;
    type Output = ();
    const ID: &'static str = "unassignUserFromApplication";
    const METHOD: Method = Method::DELETE;
    const PATH: &'static str = "/api/v1/apps/{appId}/users/{userId}";

    fn path_params(&self) -> PathParams<'_> {
        [self.app_id.as_str(), self.user_id.as_str()].into()
    }

    fn query(&self, q: &mut Query) {
        q.push_opt("sendEmail", self.send_email);
    }
}

idp_core::forward_setters!(UnassignUserFromApplication {
    send_email(send_email: bool)
});

/// `POST /api/v1/apps/{appId}/users/{userId}` (`updateApplicationUser`): updates the credentials
/// and/or profile of an assignment.
///
/// `P` is the profile type of the body, as for [`AssignUserToApplication`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UpdateApplicationUser<P = AppUserProfile> {
    /// The app id.
    pub app_id: String,
    /// The user id.
    pub user_id: String,
    /// The new credentials and/or profile.
    pub body: AppUserUpdateRequest<P>,
}

impl<P> UpdateApplicationUser<P> {
    /// Updates user `user_id` in app `app_id` with `body`: an [`AppUserUpdateRequest`] or (seed
    /// parity) a whole [`AppUser`], of which only the credentials and profile are sent.
    pub fn new(
        app_id: impl Into<String>,
        user_id: impl Into<String>,
        body: impl Into<AppUserUpdateRequest<P>>,
    ) -> Self {
        UpdateApplicationUser {
            app_id: app_id.into(),
            user_id: user_id.into(),
            body: body.into(),
        }
    }
}

impl<P: ProfileBody> Operation for UpdateApplicationUser<P> {
    type Provider = Okta;
    type Output = AppUser;
    const ID: &'static str = "updateApplicationUser";
    const METHOD: Method = Method::POST;
    const PATH: &'static str = "/api/v1/apps/{appId}/users/{userId}";

    fn path_params(&self) -> PathParams<'_> {
        [self.app_id.as_str(), self.user_id.as_str()].into()
    }

    /// Okta answers `400` to an update with neither credentials nor profile, so one that would
    /// send `{}` is refused here, before anything is sent.
    fn validate(&self) -> Result<()> {
        let credentials = self.body.credentials.as_ref().and_then(|c| c.sendable());
        if credentials.is_none() && profile_map(self.body.profile.as_ref())?.is_none() {
            return Err(Error::invalid_input(
                "an app user update needs credentials or a profile; this one would send `{}` \
                 (credentials read from Okta and not changed are not sent back)",
            ));
        }
        Ok(())
    }

    /// Credentials go on the wire without a value-less password (`password: {}` is what a read
    /// returns; it is never sent back).
    fn body(&self) -> Result<Option<Body>> {
        let wire = AppUserUpdateRequest {
            credentials: self.body.credentials.as_ref().and_then(|c| c.sendable()),
            profile: profile_map(self.body.profile.as_ref())?,
        };
        Body::json(&wire).map(Some)
    }
}

/// App assignments: `client.application_users()`.
#[derive(Debug, Clone, Copy)]
pub struct ApplicationUsers<'a> {
    pub(crate) client: &'a Client,
}

impl ApplicationUsers<'_> {
    /// Assigns a user to app `app_id` ([`AssignUserToApplication`]). The profile is a JSON map
    /// by default, or any `Serialize` type that serializes to an object.
    ///
    /// ```
    /// # async fn run(okta: idp_okta::Client) -> idp_okta::Result<()> {
    /// use idp_okta::models::{AppUserAssignRequest, AppUserScope};
    ///
    /// let assigned = okta
    ///     .application_users()
    ///     .assign("0oa1app", AppUserAssignRequest::new("00u1user").scope(AppUserScope::User))
    ///     .send()
    ///     .await?;
    /// println!("{:?}", assigned.id());
    /// # Ok(()) }
    /// ```
    ///
    /// With a profile (a JSON value or your own type):
    ///
    /// ```
    /// # async fn run(okta: idp_okta::Client) -> idp_okta::Result<()> {
    /// use idp_okta::models::AppUserAssignRequest;
    ///
    /// #[derive(Debug, serde::Serialize)]
    /// struct Profile {
    ///     role: String,
    /// }
    /// okta.application_users()
    ///     .assign(
    ///         "0oa1app",
    ///         AppUserAssignRequest::new("00u1user").profile(serde_json::json!({ "role": "Dev" })),
    ///     )
    ///     .send()
    ///     .await?;
    /// okta.application_users()
    ///     .assign(
    ///         "0oa1app",
    ///         AppUserAssignRequest::new("00u2user").profile(Profile { role: "Lead".into() }),
    ///     )
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "assign_user_to_application")]
    pub fn assign<P: ProfileBody>(
        &self,
        app_id: impl Into<String>,
        request: AppUserAssignRequest<P>,
    ) -> Request<AssignUserToApplication<P>> {
        self.client
            .request(AssignUserToApplication::new(app_id, request))
    }

    /// Retrieves the assignment of user `user_id` to app `app_id` ([`GetApplicationUser`]).
    #[doc(alias = "get_application_user")]
    pub fn get(
        &self,
        app_id: impl Into<String>,
        user_id: impl Into<String>,
    ) -> Request<GetApplicationUser> {
        self.client
            .request(GetApplicationUser::new(app_id, user_id))
    }

    /// Lists the users assigned to app `app_id` ([`ListApplicationUsers`]; paginated:
    /// `.items()` streams every user).
    #[doc(alias = "list_application_users")]
    pub fn list(&self, app_id: impl Into<String>) -> Request<ListApplicationUsers> {
        self.client.request(ListApplicationUsers::new(app_id))
    }

    /// Unassigns user `user_id` from app `app_id` ([`UnassignUserFromApplication`]).
    /// Destructive: the app profile is lost.
    #[doc(alias = "unassign_user_from_application")]
    pub fn unassign(
        &self,
        app_id: impl Into<String>,
        user_id: impl Into<String>,
    ) -> Request<UnassignUserFromApplication> {
        self.client
            .request(UnassignUserFromApplication::new(app_id, user_id))
    }

    /// Updates the credentials and/or profile of user `user_id` in app `app_id`
    /// ([`UpdateApplicationUser`]). Accepts an [`AppUserUpdateRequest`] or (seed parity) a whole
    /// [`AppUser`], of which only the credentials and profile are sent.
    ///
    /// ```
    /// # async fn run(okta: idp_okta::Client) -> idp_okta::Result<()> {
    /// use idp_okta::models::{AppUserCredentials, AppUserUpdateRequest};
    ///
    /// let credentials = AppUserCredentials::user_name("rae@example.com").with_password("s3cret!");
    /// okta.application_users()
    ///     .update("0oa1app", "00u1user", AppUserUpdateRequest::credentials(credentials))
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "update_application_user")]
    pub fn update<P: ProfileBody>(
        &self,
        app_id: impl Into<String>,
        user_id: impl Into<String>,
        request: impl Into<AppUserUpdateRequest<P>>,
    ) -> Request<UpdateApplicationUser<P>> {
        self.client
            .request(UpdateApplicationUser::new(app_id, user_id, request))
    }

    /// Assigns many users to app `app_id`: one [`AssignUserToApplication`] per request, run as a
    /// [`Bulk`] batch (bounded concurrency on the client's rate budget, one outcome per item,
    /// a resumable report). Items are keyed by user id ([`Bulk::key_by`]), so a resumed batch
    /// matches users, not positions. An assignment is a POST: it is never sent twice.
    ///
    /// ```
    /// # async fn run(okta: idp_okta::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use idp_okta::models::AppUserAssignRequest;
    ///
    /// let users = ["00u1", "00u2", "00u3"];
    /// let report = okta
    ///     .application_users()
    ///     .assign_many("0oa1app", users.map(AppUserAssignRequest::new))
    ///     .run()
    ///     .await;
    /// for failure in &report.failed {
    ///     eprintln!("{:?}: {}", failure.key, failure.error.message);
    /// }
    /// // Later, from the saved report: only what did not finish is sent.
    /// let saved = serde_json::to_string(&report)?;
    /// let again = okta
    ///     .application_users()
    ///     .assign_many("0oa1app", users.map(AppUserAssignRequest::new))
    ///     .resume(serde_json::from_str(&saved)?)?
    ///     .run()
    ///     .await;
    /// assert_eq!(again.skipped.len(), report.succeeded.len() + report.failed.len());
    /// # Ok(()) }
    /// ```
    pub fn assign_many<P: ProfileBody>(
        &self,
        app_id: impl Into<String>,
        requests: impl IntoIterator<Item = AppUserAssignRequest<P>>,
    ) -> Bulk<AssignUserToApplication<P>> {
        let app_id = app_id.into();
        let ops = requests
            .into_iter()
            .map(|r| AssignUserToApplication::new(app_id.clone(), r));
        self.client.bulk(ops).key_by(|op| op.body.id.clone())
    }

    /// Unassigns many users from app `app_id`: one [`UnassignUserFromApplication`] per user id,
    /// run as a [`Bulk`] batch keyed by user id. Destructive: the app profiles are lost.
    pub fn unassign_many<U: Into<String>>(
        &self,
        app_id: impl Into<String>,
        user_ids: impl IntoIterator<Item = U>,
    ) -> Bulk<UnassignUserFromApplication> {
        let app_id = app_id.into();
        let ops = user_ids
            .into_iter()
            .map(|u| UnassignUserFromApplication::new(app_id.clone(), u));
        self.client.bulk(ops).key_by(|op| op.user_id.clone())
    }

    /// Updates many assignments of app `app_id`: one [`UpdateApplicationUser`] per
    /// `(user id, update)`, run as a [`Bulk`] batch keyed by user id. An update is a POST: it
    /// is never sent twice.
    pub fn update_many<P, U, R>(
        &self,
        app_id: impl Into<String>,
        updates: impl IntoIterator<Item = (U, R)>,
    ) -> Bulk<UpdateApplicationUser<P>>
    where
        P: ProfileBody,
        U: Into<String>,
        R: Into<AppUserUpdateRequest<P>>,
    {
        let app_id = app_id.into();
        let ops = updates
            .into_iter()
            .map(|(u, r)| UpdateApplicationUser::new(app_id.clone(), u, r));
        self.client.bulk(ops).key_by(|op| op.user_id.clone())
    }
}
