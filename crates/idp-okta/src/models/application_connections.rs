//! Models of the Application Connections API (default provisioning connection of an app).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::links::LinksSelfLifecycleAndAuthorize;

idp_core::open_enum! {
    /// How Okta authenticates with the app (`ProvisioningConnectionAuthScheme`).
    pub enum ProvisioningConnectionAuthScheme {
        /// OAuth 2.0.
        Oauth2 = "OAUTH2",
        /// A token.
        Token = "TOKEN",
        /// `UNKNOWN`: not supported, or the app does not support provisioning.
        UnknownScheme = "UNKNOWN",
    }
}

idp_core::open_enum! {
    /// The OAuth 2.0 scheme of an OAuth connection request (`ProvisioningConnectionOauthAuthScheme`).
    pub enum ProvisioningConnectionOauthAuthScheme {
        /// OAuth 2.0.
        Oauth2 = "OAUTH2",
    }
}

idp_core::open_enum! {
    /// The token scheme of a token connection request (`ProvisioningConnectionTokenAuthScheme`).
    pub enum ProvisioningConnectionTokenAuthScheme {
        /// A token.
        Token = "TOKEN",
    }
}

idp_core::open_enum! {
    /// Status of a provisioning connection (`ProvisioningConnectionStatus`; default `DISABLED`).
    pub enum ProvisioningConnectionStatus {
        /// Disabled.
        Disabled = "DISABLED",
        /// Enabled.
        Enabled = "ENABLED",
        /// `UNKNOWN`: provisioning not supported, or unknown authentication method.
        UnknownStatus = "UNKNOWN",
    }
}

// The enum comes from `open_enum!`, which cannot take `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for ProvisioningConnectionStatus {
    fn default() -> Self {
        ProvisioningConnectionStatus::Disabled
    }
}

idp_core::open_enum! {
    /// Signing key rotation of an Org2Org connection (`ConnectionsSigningRotationMode`).
    pub enum ConnectionsSigningRotationMode {
        /// Okta rotates the keys.
        Auto = "AUTO",
        /// You rotate the keys.
        Manual = "MANUAL",
    }
}

/// Microsoft Office 365 provisioning settings (`Office365ProvisioningSettings`).
///
/// `Debug` never shows the password.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Office365ProvisioningSettings {
    /// Global administrator user name.
    #[serde(rename = "adminUsername")]
    pub admin_username: String,
    /// Global administrator password.
    #[serde(rename = "adminPassword")]
    pub admin_password: String,
}

impl Office365ProvisioningSettings {
    /// Settings with an admin user name and password.
    pub fn new(admin_username: impl Into<String>, admin_password: impl Into<String>) -> Self {
        Office365ProvisioningSettings {
            admin_username: admin_username.into(),
            admin_password: admin_password.into(),
        }
    }
}

impl fmt::Debug for Office365ProvisioningSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Office365ProvisioningSettings")
            .field("admin_username", &self.admin_username)
            .field("admin_password", &"[redacted]")
            .finish()
    }
}

/// Org2Org OAuth signing settings (`Org2OrgProvisioningOAuthSigningSettings`).
///
/// The spec requires `rotationMode`, but a response may leave it out (or send `null`) and carry
/// fields the spec does not declare: both decode, and unknown fields are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Org2OrgProvisioningOAuthSigningSettings {
    /// The key rotation mode (always sent by [`Org2OrgProvisioningOAuthSigningSettings::new`]).
    #[serde(
        rename = "rotationMode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub rotation_mode: Option<ConnectionsSigningRotationMode>,
    /// Fields this version of the SDK does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Org2OrgProvisioningOAuthSigningSettings {
    /// Settings with a rotation mode.
    pub fn new(rotation_mode: ConnectionsSigningRotationMode) -> Self {
        Org2OrgProvisioningOAuthSigningSettings {
            rotation_mode: Some(rotation_mode),
            extra: Map::new(),
        }
    }
}

/// `null` decodes as the type's default (Okta sends `"status": null` on some connections).
fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// The profile of a token-based connection request (`ProvisioningConnectionTokenRequestProfile`).
///
/// `Debug` never shows the token.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProvisioningConnectionTokenRequestProfile {
    /// Always `TOKEN`.
    #[serde(rename = "authScheme")]
    pub auth_scheme: ProvisioningConnectionTokenAuthScheme,
    /// The token used to authenticate with the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Further fields (Okta's Org2Org example sends `clientId`), sent as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Default for ProvisioningConnectionTokenRequestProfile {
    fn default() -> Self {
        ProvisioningConnectionTokenRequestProfile {
            auth_scheme: ProvisioningConnectionTokenAuthScheme::Token,
            token: None,
            extra: Map::new(),
        }
    }
}

impl fmt::Debug for ProvisioningConnectionTokenRequestProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProvisioningConnectionTokenRequestProfile")
            .field("auth_scheme", &self.auth_scheme)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The profile of an OAuth 2.0 connection request (`ProvisioningConnectionOauthRequestProfile`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProvisioningConnectionOauthRequestProfile {
    /// Always `OAUTH2`.
    #[serde(rename = "authScheme")]
    pub auth_scheme: ProvisioningConnectionOauthAuthScheme,
    /// Org2Org only: the client id of the OAuth service app in the target org.
    #[serde(rename = "clientId", default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Office 365 only: admin credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Office365ProvisioningSettings>,
    /// Org2Org only: signing key rotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing: Option<Org2OrgProvisioningOAuthSigningSettings>,
    /// Further fields, sent as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Default for ProvisioningConnectionOauthRequestProfile {
    fn default() -> Self {
        ProvisioningConnectionOauthRequestProfile {
            auth_scheme: ProvisioningConnectionOauthAuthScheme::Oauth2,
            client_id: None,
            settings: None,
            signing: None,
            extra: Map::new(),
        }
    }
}

/// A token-based connection request (`ProvisioningConnectionTokenRequest`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProvisioningConnectionTokenRequest {
    /// Zscaler 2.0 only: the SCIM base URL of the target app.
    #[serde(rename = "baseUrl", default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The connection profile.
    pub profile: ProvisioningConnectionTokenRequestProfile,
}

impl ProvisioningConnectionTokenRequest {
    /// A token connection authenticating with `token`.
    pub fn new(token: impl Into<String>) -> Self {
        ProvisioningConnectionTokenRequest {
            base_url: None,
            profile: ProvisioningConnectionTokenRequestProfile {
                token: Some(token.into()),
                ..Default::default()
            },
        }
    }

    /// Sets the base URL (Zscaler 2.0).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Org2Org: the client id of the target org's service app, sent as `profile.clientId`.
    /// The schema does not declare it, but Okta's own Org2Org TOKEN example sends it
    /// (`okta-management-openapi-spec`, `ProvisioningConnectionTokenRequest` examples).
    #[must_use]
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.profile
            .extra
            .insert("clientId".into(), Value::String(client_id.into()));
        self
    }
}

/// An OAuth 2.0 connection request (`ProvisioningConnectionOauthRequest`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProvisioningConnectionOauthRequest {
    /// The connection profile.
    pub profile: ProvisioningConnectionOauthRequestProfile,
}

impl ProvisioningConnectionOauthRequest {
    /// An OAuth 2.0 connection with no settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the client id (Org2Org).
    #[must_use]
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.profile.client_id = Some(client_id.into());
        self
    }

    /// Sets the Office 365 settings.
    #[must_use]
    pub fn settings(mut self, settings: Office365ProvisioningSettings) -> Self {
        self.profile.settings = Some(settings);
        self
    }

    /// Sets the signing settings (Org2Org).
    #[must_use]
    pub fn signing(mut self, signing: Org2OrgProvisioningOAuthSigningSettings) -> Self {
        self.profile.signing = Some(signing);
        self
    }
}

/// The body of "update the default provisioning connection" (`ProvisioningConnectionRequest`,
/// the spec's `oneOf [ProvisioningConnectionTokenRequest, ProvisioningConnectionOauthRequest]`).
///
/// The variant is decided by `profile.authScheme` (`TOKEN` or `OAUTH2`); any other body is kept
/// as raw JSON in [`ProvisioningConnectionRequest::Raw`] (for example the legacy `UNKNOWN` scheme).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ProvisioningConnectionRequest {
    /// A token-based connection.
    Token(ProvisioningConnectionTokenRequest),
    /// An OAuth 2.0 connection.
    Oauth(ProvisioningConnectionOauthRequest),
    /// Any other body, sent as given. `Debug` shows only its keys.
    Raw(RawJson),
}

/// A raw JSON object whose `Debug` shows only its top-level keys (it may hold secrets).
#[derive(Clone, PartialEq, Default)]
pub struct RawJson(pub Map<String, Value>);

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RawJson")
            .field(&self.0.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl From<ProvisioningConnectionTokenRequest> for ProvisioningConnectionRequest {
    fn from(r: ProvisioningConnectionTokenRequest) -> Self {
        ProvisioningConnectionRequest::Token(r)
    }
}

impl From<ProvisioningConnectionOauthRequest> for ProvisioningConnectionRequest {
    fn from(r: ProvisioningConnectionOauthRequest) -> Self {
        ProvisioningConnectionRequest::Oauth(r)
    }
}

impl Serialize for ProvisioningConnectionRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ProvisioningConnectionRequest::Token(r) => r.serialize(s),
            ProvisioningConnectionRequest::Oauth(r) => r.serialize(s),
            ProvisioningConnectionRequest::Raw(r) => r.0.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for ProvisioningConnectionRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(d)?;
        let scheme = map
            .get("profile")
            .and_then(|p| p.get("authScheme"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let value = Value::Object(map);
        let parsed = match scheme.as_deref() {
            Some("TOKEN") => serde_json::from_value(value.clone())
                .map(ProvisioningConnectionRequest::Token)
                .ok(),
            Some("OAUTH2") => serde_json::from_value(value.clone())
                .map(ProvisioningConnectionRequest::Oauth)
                .ok(),
            _ => None,
        };
        Ok(parsed.unwrap_or_else(|| match value {
            Value::Object(map) => ProvisioningConnectionRequest::Raw(RawJson(map)),
            _ => ProvisioningConnectionRequest::Raw(RawJson::default()),
        }))
    }
}

/// The profile of a provisioning connection (`ProvisioningConnectionResponseProfile`).
///
/// The spec requires `authScheme`; a response that leaves it out still decodes (`None`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProvisioningConnectionResponseProfile {
    /// The authentication scheme.
    #[serde(
        rename = "authScheme",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub auth_scheme: Option<ProvisioningConnectionAuthScheme>,
    /// Org2Org signing settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing: Option<Org2OrgProvisioningOAuthSigningSettings>,
    /// Fields the spec does not declare (Okta's examples carry `clientId`), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A provisioning connection (`ProvisioningConnectionResponse`, and the legacy
/// `ProvisioningConnection` the seed documents describe).
///
/// Every shape Okta is known to answer decodes: the current one (`profile.authScheme`,
/// `status`), the legacy one with only top-level `authScheme` and `status` and no `profile`
/// (what Okta's own Java SDK integration test reads from a fresh Org2Org app:
/// `authScheme=TOKEN, status=DISABLED`), and `"status": null`. Read the scheme with
/// [`ProvisioningConnectionResponse::auth_scheme`], which looks in both places.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProvisioningConnectionResponse {
    /// The top-level auth scheme. The spec types it as the one-value `TOKEN` enum, but Okta's
    /// own Org2Org example returns `OAUTH2` here, so it is the open three-value enum.
    #[serde(
        rename = "authScheme",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub auth_scheme: Option<ProvisioningConnectionAuthScheme>,
    /// Base URL (token connections).
    #[serde(rename = "baseUrl", default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The connection profile (absent in the legacy shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProvisioningConnectionResponseProfile>,
    /// The connection status (`DISABLED` when absent or `null`, the spec's default).
    #[serde(default, deserialize_with = "null_as_default")]
    pub status: ProvisioningConnectionStatus,
    /// Links.
    #[serde(rename = "_links", default, skip_serializing_if = "Option::is_none")]
    pub links: Option<LinksSelfLifecycleAndAuthorize>,
    /// Fields this version of the SDK does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ProvisioningConnectionResponse {
    /// The authentication scheme: `profile.authScheme` when the profile carries one, otherwise
    /// the top-level `authScheme` (the legacy shape), otherwise `None`.
    pub fn auth_scheme(&self) -> Option<&ProvisioningConnectionAuthScheme> {
        self.profile
            .as_ref()
            .and_then(|p| p.auth_scheme.as_ref())
            .or(self.auth_scheme.as_ref())
    }

    /// The Org2Org signing settings, if the profile has them.
    pub fn signing(&self) -> Option<&Org2OrgProvisioningOAuthSigningSettings> {
        self.profile.as_ref().and_then(|p| p.signing.as_ref())
    }
}

/// The name the seed documents (Okta's Python SDK) use for a provisioning connection.
pub type ProvisioningConnection = ProvisioningConnectionResponse;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_variant_follows_the_profile_auth_scheme() -> Result<(), serde_json::Error> {
        let token: ProvisioningConnectionRequest =
            serde_json::from_str(r#"{"profile":{"authScheme":"TOKEN","token":"t"}}"#)?;
        assert!(matches!(token, ProvisioningConnectionRequest::Token(_)));
        let oauth: ProvisioningConnectionRequest =
            serde_json::from_str(r#"{"profile":{"authScheme":"OAUTH2","clientId":"c"}}"#)?;
        assert!(matches!(oauth, ProvisioningConnectionRequest::Oauth(_)));
        let typo = r#"{"profile":{"authScheme":"OAUTH","clientId":"c"}}"#;
        let raw: ProvisioningConnectionRequest = serde_json::from_str(typo)?;
        assert!(matches!(raw, ProvisioningConnectionRequest::Raw(_)));
        assert_eq!(
            serde_json::to_value(&raw)?,
            serde_json::from_str::<Value>(typo)?
        );
        Ok(())
    }

    #[test]
    fn debug_redacts_tokens_and_passwords() {
        let t = ProvisioningConnectionRequest::from(ProvisioningConnectionTokenRequest::new(
            "tok-SECRET",
        ));
        assert!(!format!("{t:?}").contains("SECRET"));
        let o = ProvisioningConnectionRequest::from(
            ProvisioningConnectionOauthRequest::new()
                .settings(Office365ProvisioningSettings::new("admin", "pw-SECRET")),
        );
        assert!(!format!("{o:?}").contains("SECRET"));
    }
}
