//! Application Users: assignments of users to an app.

use http::Method;
use idp_core::{Body, Error, NextPage, Operation, Paginated, ResponseMeta, Result, encode_segment};
use serde::Serialize;
use serde_json::Value;

use crate::client::{Client, Okta, Request};
use crate::models::{AppUser, AppUserAssignRequest, AppUserProfile, AppUserUpdateRequest};

/// The largest page Okta serves for app users.
pub const MAX_LIMIT: u32 = 500;

/// Converts a caller's profile type into the JSON map sent on the wire.
fn profile_to_map<P: Serialize>(
    profile: Option<P>,
) -> std::result::Result<Option<AppUserProfile>, &'static str> {
    match profile {
        None => Ok(None),
        Some(p) => match serde_json::to_value(p) {
            Ok(Value::Object(map)) => Ok(Some(map)),
            Ok(Value::Null) => Ok(None),
            Ok(_) => Err("the app user profile must serialize to a JSON object"),
            Err(_) => Err("the app user profile cannot be serialized"),
        },
    }
}

/// `POST /api/v1/apps/{appId}/users`.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignUserToApplication {
    pub(crate) app_id: String,
    pub(crate) body: AppUserAssignRequest,
    pub(crate) invalid: Option<&'static str>,
}

impl Operation for AssignUserToApplication {
    type Provider = Okta;
    type Output = AppUser;
    const ID: &'static str = "assignUserToApplication";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String> {
        if let Some(msg) = self.invalid {
            return Err(Error::invalid_input(msg));
        }
        if self.body.id.trim().is_empty() {
            return Err(Error::invalid_input(
                "the user id (`id`) of an assignment must not be empty",
            ));
        }
        Ok(format!(
            "/api/v1/apps/{}/users",
            encode_segment("appId", &self.app_id)?
        ))
    }

    fn body(&self) -> Result<Option<Body>> {
        Body::json(&self.body).map(Some)
    }
}

/// `GET /api/v1/apps/{appId}/users/{userId}[?expand=user]`.
#[derive(Debug, Clone, PartialEq)]
pub struct GetApplicationUser {
    pub(crate) app_id: String,
    pub(crate) user_id: String,
    pub(crate) expand: Option<String>,
}

impl Operation for GetApplicationUser {
    type Provider = Okta;
    type Output = AppUser;
    const ID: &'static str = "getApplicationUser";

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/api/v1/apps/{}/users/{}",
            encode_segment("appId", &self.app_id)?,
            encode_segment("userId", &self.user_id)?
        ))
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        self.expand.iter().map(|e| ("expand", e.clone())).collect()
    }
}

impl Request<GetApplicationUser> {
    /// `expand` (the only valid value is `user`: the Okta user in `_embedded`).
    pub fn expand(self, expand: impl Into<String>) -> Self {
        let expand = expand.into();
        self.map(|mut op| {
            op.expand = Some(expand);
            op
        })
    }
}

/// `GET /api/v1/apps/{appId}/users` — one page; follow `Link: rel="next"` with `items()` / `pages()`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListApplicationUsers {
    pub(crate) app_id: String,
    pub(crate) after: Option<String>,
    pub(crate) limit: Option<u32>,
    pub(crate) q: Option<String>,
    pub(crate) expand: Option<String>,
    pub(crate) query_scope: Option<String>,
    pub(crate) filter: Option<String>,
}

impl Operation for ListApplicationUsers {
    type Provider = Okta;
    type Output = Vec<AppUser>;
    const ID: &'static str = "listApplicationUsers";

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String> {
        if let Some(limit) = self.limit {
            if !(1..=MAX_LIMIT).contains(&limit) {
                return Err(Error::invalid_input(format!(
                    "limit must be between 1 and {MAX_LIMIT} (got {limit})"
                )));
            }
        }
        Ok(format!(
            "/api/v1/apps/{}/users",
            encode_segment("appId", &self.app_id)?
        ))
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(v) = &self.after {
            q.push(("after", v.clone()));
        }
        if let Some(v) = self.limit {
            q.push(("limit", v.to_string()));
        }
        if let Some(v) = &self.q {
            q.push(("q", v.clone()));
        }
        if let Some(v) = &self.expand {
            q.push(("expand", v.clone()));
        }
        if let Some(v) = &self.query_scope {
            q.push(("query_scope", v.clone()));
        }
        if let Some(v) = &self.filter {
            q.push(("filter", v.clone()));
        }
        q
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
        ListApplicationUsers {
            after: Some(cursor.to_owned()),
            ..self.clone()
        }
    }
}

macro_rules! string_setter {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub fn $name(self, value: impl Into<String>) -> Self {
            let value = value.into();
            self.map(|mut op| {
                op.$name = Some(value);
                op
            })
        }
    };
}

impl Request<ListApplicationUsers> {
    string_setter!(
        /// Prefix match on `userName`, `firstName`, `lastName` and `email`.
        q
    );
    string_setter!(
        /// The opaque cursor of the page to start at (from a `next` link or a saved page cursor).
        after
    );
    string_setter!(
        /// `expand=user`: the Okta user of each assignment in `_embedded`.
        expand
    );
    string_setter!(
        /// `query_scope` (from Okta's older spec and the Python SDK; the newest spec no longer
        /// documents it).
        query_scope
    );
    string_setter!(
        /// `filter` (from Okta's older spec and the Python SDK; the newest spec no longer
        /// documents it).
        filter
    );

    /// The page size, 1 to 500 (Okta's default is 50). Out of range is an `InvalidInput` error
    /// before anything is sent.
    pub fn limit(self, limit: u32) -> Self {
        self.map(|mut op| {
            op.limit = Some(limit);
            op
        })
    }
}

/// `DELETE /api/v1/apps/{appId}/users/{userId}[?sendEmail=…]` (204).
#[derive(Debug, Clone, PartialEq)]
pub struct UnassignUserFromApplication {
    pub(crate) app_id: String,
    pub(crate) user_id: String,
    pub(crate) send_email: Option<bool>,
}

impl Operation for UnassignUserFromApplication {
    type Provider = Okta;
    type Output = ();
    const ID: &'static str = "unassignUserFromApplication";

    fn method(&self) -> Method {
        Method::DELETE
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/api/v1/apps/{}/users/{}",
            encode_segment("appId", &self.app_id)?,
            encode_segment("userId", &self.user_id)?
        ))
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        self.send_email
            .map(|v| ("sendEmail", v.to_string()))
            .into_iter()
            .collect()
    }
}

impl Request<UnassignUserFromApplication> {
    /// Sends a deactivation email to the administrator (`sendEmail`, default `false`).
    pub fn send_email(self, send: bool) -> Self {
        self.map(|mut op| {
            op.send_email = Some(send);
            op
        })
    }
}

/// `POST /api/v1/apps/{appId}/users/{userId}`.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateApplicationUser {
    pub(crate) app_id: String,
    pub(crate) user_id: String,
    pub(crate) body: AppUserUpdateRequest,
    pub(crate) invalid: Option<&'static str>,
}

impl Operation for UpdateApplicationUser {
    type Provider = Okta;
    type Output = AppUser;
    const ID: &'static str = "updateApplicationUser";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String> {
        if let Some(msg) = self.invalid {
            return Err(Error::invalid_input(msg));
        }
        Ok(format!(
            "/api/v1/apps/{}/users/{}",
            encode_segment("appId", &self.app_id)?,
            encode_segment("userId", &self.user_id)?
        ))
    }

    fn body(&self) -> Result<Option<Body>> {
        Body::json(&self.body).map(Some)
    }
}

/// App assignments: `client.application_users()`.
#[derive(Debug, Clone, Copy)]
pub struct ApplicationUsers<'a> {
    pub(crate) client: &'a Client,
}

impl ApplicationUsers<'_> {
    /// Assigns a user to app `app_id`. The profile may be a JSON map or any `Serialize` type
    /// that serializes to an object.
    pub fn assign<P: Serialize>(
        &self,
        app_id: impl Into<String>,
        request: AppUserAssignRequest<P>,
    ) -> Request<AssignUserToApplication> {
        let (profile, invalid) = match profile_to_map(request.profile) {
            Ok(p) => (p, None),
            Err(msg) => (None, Some(msg)),
        };
        let body = AppUserAssignRequest {
            id: request.id,
            scope: request.scope,
            credentials: request.credentials,
            profile,
            extra: request.extra,
        };
        self.client.request(AssignUserToApplication {
            app_id: app_id.into(),
            body,
            invalid,
        })
    }

    /// Retrieves the assignment of user `user_id` to app `app_id`.
    pub fn get(
        &self,
        app_id: impl Into<String>,
        user_id: impl Into<String>,
    ) -> Request<GetApplicationUser> {
        self.client.request(GetApplicationUser {
            app_id: app_id.into(),
            user_id: user_id.into(),
            expand: None,
        })
    }

    /// Lists the users assigned to app `app_id` (paginated: `.items()` streams every user).
    pub fn list(&self, app_id: impl Into<String>) -> Request<ListApplicationUsers> {
        self.client.request(ListApplicationUsers {
            app_id: app_id.into(),
            after: None,
            limit: None,
            q: None,
            expand: None,
            query_scope: None,
            filter: None,
        })
    }

    /// Unassigns user `user_id` from app `app_id`. Destructive: the app profile is lost.
    pub fn unassign(
        &self,
        app_id: impl Into<String>,
        user_id: impl Into<String>,
    ) -> Request<UnassignUserFromApplication> {
        self.client.request(UnassignUserFromApplication {
            app_id: app_id.into(),
            user_id: user_id.into(),
            send_email: None,
        })
    }

    /// Updates the credentials and/or profile of user `user_id` in app `app_id`. Accepts an
    /// [`AppUserUpdateRequest`] or (seed parity) a whole [`AppUser`], of which only the
    /// credentials and profile are sent.
    pub fn update<P: Serialize>(
        &self,
        app_id: impl Into<String>,
        user_id: impl Into<String>,
        request: impl Into<AppUserUpdateRequest<P>>,
    ) -> Request<UpdateApplicationUser> {
        let request = request.into();
        let (profile, invalid) = match profile_to_map(request.profile) {
            Ok(p) => (p, None),
            Err(msg) => (None, Some(msg)),
        };
        self.client.request(UpdateApplicationUser {
            app_id: app_id.into(),
            user_id: user_id.into(),
            body: AppUserUpdateRequest {
                credentials: request.credentials,
                profile,
            },
            invalid,
        })
    }
}
