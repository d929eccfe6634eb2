//! The bodies of `create_connection`, `update_connection` (PATCH, partial) and
//! `replace_connection` (PUT, whole configuration).

use idp_core::Nullable;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{
    CreateConnectionRequestOptions, ReplaceConnectionRequestOptions, Strategy,
    UpdateConnectionRequestOptions,
};

/// The `extra` setter shared by the three request bodies.
macro_rules! extra_setter {
    ($name:ident) => {
        impl $name {
            /// Sets a top-level field this SDK does not model (e.g. one Kinde added after this
            /// release); it is sent next to the known fields. A name the model knows is sent
            /// twice — use its setter instead.
            #[must_use]
            pub fn extra(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
                self.extra.insert(name.into(), value.into());
                self
            }
        }
    };
}

extra_setter!(CreateConnectionRequest);
extra_setter!(UpdateConnectionRequest);
extra_setter!(ReplaceConnectionRequest);

/// The body of `create_connection` (schema `create_connection_request`).
///
/// `name`, `display_name` and `strategy` are always sent (every Kinde client does; the API
/// required them until 2025); the rest only when set. `organization_code` is `nullable` in the
/// spec: it can be left out (the default), sent as an explicit `null`
/// (`.organization_code(Nullable::Null)`) or set. Fields this SDK does not model go in `extra`.
///
/// ```
/// use idp_kinde::models::{CreateConnectionRequest, CreateConnectionRequestOptionsSocial, Strategy};
/// let request = CreateConnectionRequest::new("google-main", "Google", Strategy::Google)
///     .enabled_applications(vec!["c647dbe20f5944e28af97c9184fded22".to_owned()])
///     .options(CreateConnectionRequestOptionsSocial::new().client_id("id").client_secret("secret"));
/// assert_eq!(
///     serde_json::to_value(&request)?,
///     serde_json::json!({
///         "name": "google-main",
///         "display_name": "Google",
///         "strategy": "oauth2:google",
///         "enabled_applications": ["c647dbe20f5944e28af97c9184fded22"],
///         "options": {"client_id": "id", "client_secret": "secret"}
///     })
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateConnectionRequest {
    /// The internal name of the connection.
    pub name: String,
    /// The public facing name of the connection.
    pub display_name: String,
    /// The identity provider identifier for the connection.
    pub strategy: Strategy,
    /// Client IDs of applications in which this connection is to be enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_applications: Option<Vec<String>>,
    /// Enterprise connections only: the code of the organization that manages this connection
    /// (e.g. `org_80581732fbe`); `nullable` in the spec, so it may be sent as an explicit `null`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub organization_code: Nullable<String>,
    /// Provider-specific options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<CreateConnectionRequestOptions>,
    /// Top-level fields this version of the SDK does not model, sent and kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CreateConnectionRequest {
    /// A request with the three fields every connection needs.
    pub fn new(
        name: impl Into<String>,
        display_name: impl Into<String>,
        strategy: impl Into<Strategy>,
    ) -> Self {
        CreateConnectionRequest {
            name: name.into(),
            display_name: display_name.into(),
            strategy: strategy.into(),
            enabled_applications: None,
            organization_code: Nullable::Absent,
            options: None,
            extra: Map::new(),
        }
    }

    /// Sets the client IDs of the applications the connection is enabled for.
    #[must_use]
    pub fn enabled_applications(mut self, client_ids: impl Into<Vec<String>>) -> Self {
        self.enabled_applications = Some(client_ids.into());
        self
    }

    /// Sets the organization that manages the connection (enterprise connections only), or
    /// sends an explicit `null` with `Nullable::Null`:
    ///
    /// ```
    /// use idp_kinde::Nullable;
    /// use idp_kinde::models::{CreateConnectionRequest, Strategy};
    /// let owned = CreateConnectionRequest::new("okta", "Okta", Strategy::SamlOkta)
    ///     .organization_code("org_80581732fbe");
    /// assert_eq!(serde_json::to_value(&owned)?["organization_code"], "org_80581732fbe");
    /// let none = CreateConnectionRequest::new("okta", "Okta", Strategy::SamlOkta)
    ///     .organization_code(Nullable::Null);
    /// assert_eq!(serde_json::to_value(&none)?.get("organization_code"), Some(&serde_json::Value::Null));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn organization_code(mut self, code: impl Into<Nullable<String>>) -> Self {
        self.organization_code = code.into();
        self
    }

    /// Sets the provider-specific options.
    #[must_use]
    pub fn options(mut self, options: impl Into<CreateConnectionRequestOptions>) -> Self {
        self.options = Some(options.into());
        self
    }
}

/// The body of `update_connection` (schema `update_connection_request`): a partial update, only
/// the fields set are sent. The strategy cannot be changed.
///
/// ```
/// use idp_kinde::models::UpdateConnectionRequest;
/// let patch = UpdateConnectionRequest::new().display_name("Sign in with Google");
/// assert_eq!(serde_json::to_string(&patch)?, r#"{"display_name":"Sign in with Google"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpdateConnectionRequest {
    /// The internal name of the connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The public facing name of the connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Client IDs of applications in which this connection is to be enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_applications: Option<Vec<String>>,
    /// Provider-specific options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<UpdateConnectionRequestOptions>,
    /// Top-level fields this version of the SDK does not model, sent and kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl UpdateConnectionRequest {
    /// An empty update; set what should change.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the internal name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the public name.
    #[must_use]
    pub fn display_name(mut self, display_name: impl Into<String>) -> Self {
        self.display_name = Some(display_name.into());
        self
    }

    /// Sets the client IDs of the applications the connection is enabled for.
    #[must_use]
    pub fn enabled_applications(mut self, client_ids: impl Into<Vec<String>>) -> Self {
        self.enabled_applications = Some(client_ids.into());
        self
    }

    /// Sets the provider-specific options.
    #[must_use]
    pub fn options(mut self, options: impl Into<UpdateConnectionRequestOptions>) -> Self {
        self.options = Some(options.into());
        self
    }
}

/// The body of `replace_connection` (schema `replace_connection_request`): the whole configuration,
/// overwriting the existing one — options left out may be reset. `name` and `display_name` are
/// always sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReplaceConnectionRequest {
    /// The internal name of the connection.
    pub name: String,
    /// The public-facing name of the connection.
    pub display_name: String,
    /// Client IDs of applications in which this connection is to be enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_applications: Option<Vec<String>>,
    /// Provider-specific options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<ReplaceConnectionRequestOptions>,
    /// Top-level fields this version of the SDK does not model, sent and kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ReplaceConnectionRequest {
    /// A replacement configuration with its names.
    pub fn new(name: impl Into<String>, display_name: impl Into<String>) -> Self {
        ReplaceConnectionRequest {
            name: name.into(),
            display_name: display_name.into(),
            enabled_applications: None,
            options: None,
            extra: Map::new(),
        }
    }

    /// Sets the client IDs of the applications the connection is enabled for.
    #[must_use]
    pub fn enabled_applications(mut self, client_ids: impl Into<Vec<String>>) -> Self {
        self.enabled_applications = Some(client_ids.into());
        self
    }

    /// Sets the provider-specific options.
    #[must_use]
    pub fn options(mut self, options: impl Into<ReplaceConnectionRequestOptions>) -> Self {
        self.options = Some(options.into());
        self
    }
}
