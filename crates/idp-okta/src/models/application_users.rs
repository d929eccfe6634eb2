//! Models of the Application Users API (app assignments).

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::links::LinksAppAndUser;

idp_core::open_enum! {
    /// Status of an application user (`AppUserStatus`).
    pub enum AppUserStatus {
        /// Provisioned and enabled.
        Active = "ACTIVE",
        /// Created but not provisioned (manual acknowledgment).
        Approved = "APPROVED",
        /// Removed by provisioning; `externalId` unassigned.
        Deprovisioned = "DEPROVISIONED",
        /// Migrated to implicit assignment.
        Implicit = "IMPLICIT",
        /// Created from imported data.
        Imported = "IMPORTED",
        /// Provisioned but not enabled.
        Inactive = "INACTIVE",
        /// Imported user matched with an existing app user.
        Matched = "MATCHED",
        /// Provisioned but pending.
        Pending = "PENDING",
        /// Background provisioning completed.
        Provisioned = "PROVISIONED",
        /// Disabled, waiting for deprovisioning acknowledgment.
        Revoked = "REVOKED",
        /// Background provisioning queued.
        Staged = "STAGED",
        /// Provisioned but suspended.
        Suspended = "SUSPENDED",
        /// Imported, user matching skipped.
        Unassigned = "UNASSIGNED",
    }
}

idp_core::open_enum! {
    /// Synchronization state of an application user (`AppUserSyncState`).
    pub enum AppUserSyncState {
        /// Provisioning disabled for the app.
        Disabled = "DISABLED",
        /// A background provisioning operation failed.
        Error = "ERROR",
        /// Changes not yet pushed.
        OutOfSync = "OUT_OF_SYNC",
        /// Everything pushed.
        Synchronized = "SYNCHRONIZED",
        /// A push is running.
        Syncing = "SYNCING",
    }
}

idp_core::open_enum! {
    /// Whether an assignment is direct or through a group (`AppUser.scope`).
    pub enum AppUserScope {
        /// Direct assignment.
        User = "USER",
        /// Group-derived assignment.
        Group = "GROUP",
    }
}

/// The free-form app-specific profile (`AppUserProfile`): a JSON map by default.
pub type AppUserProfile = Map<String, Value>;

/// An application user's password (`AppUserPasswordCredential`). Reads return an empty object
/// when a password exists. `Debug` never shows the value.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AppUserPasswordCredential {
    /// The password (write-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl AppUserPasswordCredential {
    /// A password credential.
    pub fn new(value: impl Into<String>) -> Self {
        AppUserPasswordCredential {
            value: Some(value.into()),
        }
    }
}

impl fmt::Debug for AppUserPasswordCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppUserPasswordCredential")
            .field("value", &self.value.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// An application user's credentials for the app (`AppUserCredentials`). Fields this version of
/// the SDK does not know are kept in `extra` and sent back unchanged; `Debug` shows only their names.
///
/// Credentials decoded from a response remember what the server sent, so that a GET → edit →
/// POST round trip can tell whether the caller changed them ([`AppUserCredentials::is_changed`]):
/// Okta answers `E0000041` ("Credentials should not be set on this resource based on the
/// scheme") when credentials are sent to an app whose sign-on scheme forbids them, and a read
/// returns `credentials` (with `password: {}`) even then. Equality ignores that memory.
#[derive(Clone, Default, Serialize)]
#[non_exhaustive]
pub struct AppUserCredentials {
    /// The user name in the app (1..100 characters).
    #[serde(rename = "userName", skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// The password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<AppUserPasswordCredential>,
    /// Credential fields this version of the SDK does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// What the server sent, when these credentials were decoded from a response.
    #[serde(skip)]
    as_read: Option<Box<CredentialsWire>>,
}

/// The wire form of [`AppUserCredentials`] (and the snapshot of credentials as read).
#[derive(Clone, PartialEq, Default, Deserialize)]
struct CredentialsWire {
    #[serde(rename = "userName", default)]
    user_name: Option<String>,
    #[serde(default)]
    password: Option<AppUserPasswordCredential>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for AppUserCredentials {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let wire = CredentialsWire::deserialize(d)?;
        Ok(AppUserCredentials {
            user_name: wire.user_name.clone(),
            password: wire.password.clone(),
            extra: wire.extra.clone(),
            as_read: Some(Box::new(wire)),
        })
    }
}

impl PartialEq for AppUserCredentials {
    fn eq(&self, other: &Self) -> bool {
        self.user_name == other.user_name
            && self.password == other.password
            && self.extra == other.extra
    }
}

impl fmt::Debug for AppUserCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppUserCredentials")
            .field("user_name", &self.user_name)
            .field("password", &self.password)
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl AppUserCredentials {
    /// Credentials with a user name.
    pub fn user_name(user_name: impl Into<String>) -> Self {
        AppUserCredentials {
            user_name: Some(user_name.into()),
            ..Default::default()
        }
    }

    /// Sets the password.
    #[must_use]
    pub fn with_password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(AppUserPasswordCredential::new(password));
        self
    }

    /// Whether these credentials were set by the caller: built in code, or decoded from a
    /// response and changed since.
    pub fn is_changed(&self) -> bool {
        match &self.as_read {
            None => true,
            Some(read) => {
                read.user_name != self.user_name
                    || read.password != self.password
                    || read.extra != self.extra
            }
        }
    }

    /// The credentials as they go on the wire: a password without a value (what a read returns
    /// to say "a password exists") is left out, and `None` when nothing is left to send.
    pub(crate) fn sendable(&self) -> Option<AppUserCredentials> {
        let password = self.password.clone().filter(|p| p.value.is_some());
        if self.user_name.is_none() && password.is_none() && self.extra.is_empty() {
            return None;
        }
        Some(AppUserCredentials {
            user_name: self.user_name.clone(),
            password,
            extra: self.extra.clone(),
            as_read: None,
        })
    }
}

/// The credentials of a GET → edit → POST: sent only when the caller changed them.
fn caller_set(credentials: Option<AppUserCredentials>) -> Option<AppUserCredentials> {
    credentials.filter(AppUserCredentials::is_changed)
}

/// An application user (`AppUser`): a user's app-specific profile and credentials for one app.
///
/// `P` is the profile type: a JSON map by default, or your own `Deserialize` type. Fields this
/// version of the SDK does not know are kept in [`AppUser::extra`] and sent back unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AppUser<P = AppUserProfile> {
    /// The Okta user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The id of the user in the target app.
    #[serde(
        rename = "externalId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub external_id: Option<String>,
    /// When the assignment was created (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When the assignment was last updated (RFC 3339).
    #[serde(
        rename = "lastUpdated",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub last_updated: Option<String>,
    /// Last synchronization (RFC 3339).
    #[serde(rename = "lastSync", default, skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<String>,
    /// When the password last changed (RFC 3339).
    #[serde(
        rename = "passwordChanged",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub password_changed: Option<String>,
    /// When the status last changed (RFC 3339).
    #[serde(
        rename = "statusChanged",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub status_changed: Option<String>,
    /// Direct (`USER`) or group (`GROUP`) assignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<AppUserScope>,
    /// The status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AppUserStatus>,
    /// The synchronization state.
    #[serde(rename = "syncState", default, skip_serializing_if = "Option::is_none")]
    pub sync_state: Option<AppUserSyncState>,
    /// Credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<AppUserCredentials>,
    /// The app-specific profile.
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub profile: Option<P>,
    /// Embedded resources (`user` with `expand=user`).
    #[serde(rename = "_embedded", default, skip_serializing_if = "Option::is_none")]
    pub embedded: Option<Map<String, Value>>,
    /// Links.
    #[serde(rename = "_links", default, skip_serializing_if = "Option::is_none")]
    pub links: Option<LinksAppAndUser>,
    /// Fields this version of the SDK does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn none<T>() -> Option<T> {
    None
}

impl<P> Default for AppUser<P> {
    fn default() -> Self {
        AppUser {
            id: None,
            external_id: None,
            created: None,
            last_updated: None,
            last_sync: None,
            password_changed: None,
            status_changed: None,
            scope: None,
            status: None,
            sync_state: None,
            credentials: None,
            profile: None,
            embedded: None,
            links: None,
            extra: Map::new(),
        }
    }
}

impl<P> AppUser<P> {
    /// The Okta user id of the assignment.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The embedded Okta user (present with `expand=user`).
    pub fn embedded_user(&self) -> Option<&Value> {
        self.embedded.as_ref().and_then(|e| e.get("user"))
    }

    /// [`AppUser::created`] parsed (RFC 3339); `None` when absent or unparsable.
    pub fn created(&self) -> Option<super::OffsetDateTime> {
        super::timestamp(self.created.as_deref())
    }

    /// [`AppUser::last_updated`] parsed (RFC 3339); `None` when absent or unparsable.
    pub fn last_updated(&self) -> Option<super::OffsetDateTime> {
        super::timestamp(self.last_updated.as_deref())
    }

    /// [`AppUser::last_sync`] parsed (RFC 3339); `None` when absent or unparsable.
    pub fn last_sync(&self) -> Option<super::OffsetDateTime> {
        super::timestamp(self.last_sync.as_deref())
    }

    /// [`AppUser::password_changed`] parsed (RFC 3339); `None` when absent, `null` or
    /// unparsable.
    pub fn password_changed(&self) -> Option<super::OffsetDateTime> {
        super::timestamp(self.password_changed.as_deref())
    }

    /// [`AppUser::status_changed`] parsed (RFC 3339); `None` when absent or unparsable.
    pub fn status_changed(&self) -> Option<super::OffsetDateTime> {
        super::timestamp(self.status_changed.as_deref())
    }
}

impl AppUser<AppUserProfile> {
    /// Converts the JSON-map profile into your own profile type.
    ///
    /// # Errors
    /// [`idp_core::ErrorKind::Decode`] when the profile does not match `Q`.
    pub fn into_profile<Q: DeserializeOwned>(self) -> idp_core::Result<AppUser<Q>> {
        let profile = match self.profile {
            Some(map) => Some(serde_json::from_value(Value::Object(map)).map_err(|e| {
                idp_core::Error::decode(format!(
                    "the app user profile does not match the requested type: {e}"
                ))
            })?),
            None => None,
        };
        Ok(AppUser {
            id: self.id,
            external_id: self.external_id,
            created: self.created,
            last_updated: self.last_updated,
            last_sync: self.last_sync,
            password_changed: self.password_changed,
            status_changed: self.status_changed,
            scope: self.scope,
            status: self.status,
            sync_state: self.sync_state,
            credentials: self.credentials,
            profile,
            embedded: self.embedded,
            links: self.links,
            extra: self.extra,
        })
    }
}

/// The body of "assign a user to an app" (`AppUserAssignRequest`): an app user whose `id` is
/// required. Only writable fields are here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AppUserAssignRequest<P = AppUserProfile> {
    /// The Okta user id (`00u…`).
    pub id: String,
    /// Direct (`USER`) or group (`GROUP`); Okta infers it when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<AppUserScope>,
    /// Credentials for the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<AppUserCredentials>,
    /// The app-specific profile.
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub profile: Option<P>,
    /// Further fields, sent as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<P> TryFrom<AppUser<P>> for AppUserAssignRequest<P> {
    type Error = idp_core::Error;

    /// The assignment that the seed SDK's `assign_user_to_application(app_id, app_user: AppUser)`
    /// sends: the user's `id` (required), scope, profile, and credentials only when the caller
    /// set them (built in code, or changed after a read: credentials read back unchanged are
    /// not sent, see [`AppUserCredentials::is_changed`]). A password without a value is never
    /// sent. Read-only fields (`status`, timestamps, `_links`, `_embedded`) are not sent.
    ///
    /// # Errors
    /// [`idp_core::ErrorKind::InvalidInput`] when the app user has no `id`.
    fn try_from(user: AppUser<P>) -> Result<Self, Self::Error> {
        let id = user
            .id
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| idp_core::Error::invalid_input("assigning an AppUser needs its `id`"))?;
        Ok(AppUserAssignRequest {
            id,
            scope: user.scope,
            credentials: caller_set(user.credentials),
            profile: user.profile,
            extra: Map::new(),
        })
    }
}

impl AppUserAssignRequest {
    /// An assignment of user `id`, with the default (JSON map) profile type; `.profile(..)`
    /// takes any other.
    pub fn new(id: impl Into<String>) -> Self {
        AppUserAssignRequest {
            id: id.into(),
            scope: None,
            credentials: None,
            profile: None,
            extra: Map::new(),
        }
    }
}

impl<P> AppUserAssignRequest<P> {
    /// Sets the scope.
    #[must_use]
    pub fn scope(mut self, scope: AppUserScope) -> Self {
        self.scope = Some(scope);
        self
    }

    /// Sets the credentials.
    #[must_use]
    pub fn credentials(mut self, credentials: AppUserCredentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sets the profile: a JSON map or value, or any `Serialize` type of yours that serializes
    /// to an object (the request's profile type becomes `Q`).
    #[must_use]
    pub fn profile<Q>(self, profile: Q) -> AppUserAssignRequest<Q> {
        AppUserAssignRequest {
            id: self.id,
            scope: self.scope,
            credentials: self.credentials,
            profile: Some(profile),
            extra: self.extra,
        }
    }

    /// Adds a field this version of the SDK does not model, sent as given.
    #[must_use]
    pub fn extra(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(name.into(), value.into());
        self
    }
}

/// Updates an app user's credentials (`AppUserCredentialsRequestPayload`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AppUserCredentialsRequestPayload {
    /// The new credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<AppUserCredentials>,
}

impl AppUserCredentialsRequestPayload {
    /// A payload with new credentials.
    pub fn new(credentials: AppUserCredentials) -> Self {
        AppUserCredentialsRequestPayload {
            credentials: Some(credentials),
        }
    }
}

/// Updates an app user's profile (`AppUserProfileRequestPayload`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AppUserProfileRequestPayload<P = AppUserProfile> {
    /// The new profile.
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub profile: Option<P>,
}

impl<P> AppUserProfileRequestPayload<P> {
    /// A payload with a new profile.
    pub fn new(profile: P) -> Self {
        AppUserProfileRequestPayload {
            profile: Some(profile),
        }
    }
}

/// The body of "update an application user" (`AppUserUpdateRequest`, the spec's ambiguous
/// `oneOf [AppUserCredentialsRequestPayload, AppUserProfileRequestPayload]`), modelled as one
/// struct with both parts optional: set the credentials, the profile, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AppUserUpdateRequest<P = AppUserProfile> {
    /// New credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<AppUserCredentials>,
    /// New profile (send the whole profile: Okta has no conditional updates).
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub profile: Option<P>,
}

impl<P> Default for AppUserUpdateRequest<P> {
    fn default() -> Self {
        AppUserUpdateRequest {
            credentials: None,
            profile: None,
        }
    }
}

impl AppUserUpdateRequest {
    /// An update of the credentials (the profile type is the default JSON map; add a profile
    /// with [`AppUserUpdateRequest::with_profile`]).
    pub fn credentials(credentials: AppUserCredentials) -> Self {
        AppUserUpdateRequest {
            credentials: Some(credentials),
            profile: None,
        }
    }

    /// An update of the profile: a JSON map or value, or any `Serialize` type of yours that
    /// serializes to an object.
    pub fn profile<P>(profile: P) -> AppUserUpdateRequest<P> {
        AppUserUpdateRequest {
            credentials: None,
            profile: Some(profile),
        }
    }
}

impl<P> AppUserUpdateRequest<P> {
    /// Sets the credentials as well (`credentials` and `profile` name the constructors).
    #[must_use]
    pub fn with_credentials(mut self, credentials: AppUserCredentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sets the profile as well (the request's profile type becomes `Q`).
    #[must_use]
    pub fn with_profile<Q>(self, profile: Q) -> AppUserUpdateRequest<Q> {
        AppUserUpdateRequest {
            credentials: self.credentials,
            profile: Some(profile),
        }
    }
}

impl From<AppUserCredentialsRequestPayload> for AppUserUpdateRequest {
    fn from(p: AppUserCredentialsRequestPayload) -> Self {
        AppUserUpdateRequest {
            credentials: p.credentials,
            profile: None,
        }
    }
}

impl<P> From<AppUserProfileRequestPayload<P>> for AppUserUpdateRequest<P> {
    fn from(p: AppUserProfileRequestPayload<P>) -> Self {
        AppUserUpdateRequest {
            credentials: None,
            profile: p.profile,
        }
    }
}

/// Seed parity: Okta's Python SDK sends a whole `AppUser` to update; only its credentials and
/// profile are writable. The profile is sent; the credentials only when the caller changed
/// them after the read ([`AppUserCredentials::is_changed`]) — a read returns `credentials`
/// with `password: {}` even on apps whose sign-on scheme forbids credentials, and sending them
/// back there is `400 E0000041`.
impl<P> From<AppUser<P>> for AppUserUpdateRequest<P> {
    fn from(user: AppUser<P>) -> Self {
        AppUserUpdateRequest {
            credentials: caller_set(user.credentials),
            profile: user.profile,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_never_in_debug() {
        let req: AppUserUpdateRequest = AppUserUpdateRequest::credentials(
            AppUserCredentials::user_name("u").with_password("pw-SECRET"),
        );
        assert!(!format!("{req:?}").contains("SECRET"));
    }

    #[test]
    fn custom_profile_type() -> Result<(), Box<dyn std::error::Error>> {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Profile {
            role: String,
        }
        let user: AppUser =
            serde_json::from_str(r#"{"id":"00u1","profile":{"role":"Dev","x":null}}"#)?;
        let typed = user.into_profile::<Profile>()?;
        assert_eq!(typed.profile, Some(Profile { role: "Dev".into() }));
        Ok(())
    }
}

#[cfg(test)]
mod assign_from_app_user_tests {
    use super::*;

    /// Issue 13, item 4: a GET answers `credentials` with `password: {}` (Okta's `AppUser`
    /// example in the spec); sending that back is E0000041 on apps whose scheme forbids
    /// credentials. Read and unchanged: not sent; changed or built in code: sent.
    #[test]
    fn credentials_read_back_unchanged_are_not_sent() -> Result<(), Box<dyn std::error::Error>> {
        let read = serde_json::json!({
            "id": "00u1", "status": "ACTIVE",
            "credentials": {"userName": "rae@example.com", "password": {}},
            "profile": {"role": "Dev"}
        });
        let user: AppUser = serde_json::from_value(read.clone())?;
        let update = AppUserUpdateRequest::from(user.clone());
        assert_eq!(update.credentials, None);
        assert_eq!(
            serde_json::to_value(&update)?,
            serde_json::json!({"profile": {"role": "Dev"}})
        );
        let assign = AppUserAssignRequest::try_from(user.clone())?;
        assert_eq!(assign.credentials, None);

        // Changed after the read: sent.
        let mut edited = user;
        if let Some(c) = edited.credentials.as_mut() {
            c.user_name = Some("rae.b@example.com".into());
        }
        let update = AppUserUpdateRequest::from(edited);
        let creds = update.credentials.as_ref().ok_or("credentials")?;
        assert!(creds.is_changed());
        assert_eq!(
            creds.sendable().and_then(|c| c.user_name),
            Some("rae.b@example.com".into())
        );
        // ...but never the value-less password.
        assert_eq!(creds.sendable().and_then(|c| c.password), None);
        Ok(())
    }

    #[test]
    fn an_app_user_becomes_the_assignment_the_seed_sends() -> Result<(), Box<dyn std::error::Error>>
    {
        let mut user: AppUser = serde_json::from_value(serde_json::json!({
            "id": "00u1", "scope": "USER", "status": "ACTIVE", "created": "2024-01-01T00:00:00.000Z",
            "profile": {"role": "Dev"}, "_links": {}
        }))?;
        // The credentials the caller sets for the assignment (as the seed's caller builds them).
        let mut credentials = AppUserCredentials::user_name("rae@example.com");
        credentials.extra.insert("futureField".into(), 1.into());
        user.credentials = Some(credentials);
        let request = AppUserAssignRequest::try_from(user)?;
        assert_eq!(
            serde_json::to_value(&request)?,
            serde_json::json!({
                "id": "00u1", "scope": "USER",
                "credentials": {"userName": "rae@example.com", "futureField": 1},
                "profile": {"role": "Dev"}
            })
        );
        let anonymous: AppUser = serde_json::from_value(serde_json::json!({"status": "ACTIVE"}))?;
        let err = AppUserAssignRequest::try_from(anonymous)
            .err()
            .ok_or("expected an error")?;
        assert_eq!(err.kind(), idp_core::ErrorKind::InvalidInput);
        Ok(())
    }
}
