//! Connections: how users authenticate (social OAuth providers, Microsoft Entra ID, SAML).
//!
//! Requests: [`CreateConnectionRequest`], [`UpdateConnectionRequest`] (PATCH, partial) and
//! [`ReplaceConnectionRequest`] (PUT, whole configuration), each with its `options` as a choice
//! the caller makes ([`CreateConnectionRequestOptions`] and its update/replace siblings): Kinde's
//! spec declares the options as a `oneOf` with no discriminator, so the SDK never guesses — the
//! variant is sent as the plain JSON object it holds.
//!
//! Responses: [`Connection`] (the `{code, message, connection}` envelope of a get),
//! [`GetConnectionsResponse`] (a page of [`ConnectionConnection`]s, flat or enveloped on the wire),
//! [`CreateConnectionResponse`], [`SuccessResponse`], and the error shapes [`ErrorResponse`] /
//! [`NotFoundResponse`].

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

idp_core::open_enum! {
    /// The identity provider behind a connection (`strategy`). Known values are the 22 the spec
    /// lists for creating a connection; anything else the server reports (built-in strategies
    /// such as `email:password`, providers added later) is kept as [`Strategy::Unknown`] and sent
    /// back unchanged.
    pub enum Strategy {
        /// `oauth2:apple`
        Apple = "oauth2:apple",
        /// `oauth2:azure_ad` (Microsoft Entra ID over OAuth 2; options: Azure AD).
        AzureAd = "oauth2:azure_ad",
        /// `oauth2:bitbucket`
        Bitbucket = "oauth2:bitbucket",
        /// `oauth2:discord`
        Discord = "oauth2:discord",
        /// `oauth2:facebook`
        Facebook = "oauth2:facebook",
        /// `oauth2:github`
        Github = "oauth2:github",
        /// `oauth2:gitlab`
        Gitlab = "oauth2:gitlab",
        /// `oauth2:google`
        Google = "oauth2:google",
        /// `oauth2:linkedin`
        Linkedin = "oauth2:linkedin",
        /// `oauth2:microsoft`
        Microsoft = "oauth2:microsoft",
        /// `oauth2:patreon`
        Patreon = "oauth2:patreon",
        /// `oauth2:slack`
        Slack = "oauth2:slack",
        /// `oauth2:stripe`
        Stripe = "oauth2:stripe",
        /// `oauth2:twitch`
        Twitch = "oauth2:twitch",
        /// `oauth2:twitter`
        Twitter = "oauth2:twitter",
        /// `oauth2:xero`
        Xero = "oauth2:xero",
        /// `saml:custom`
        SamlCustom = "saml:custom",
        /// `saml:cloudflare`
        SamlCloudflare = "saml:cloudflare",
        /// `saml:okta`
        SamlOkta = "saml:okta",
        /// `saml:microsoft`
        SamlMicrosoft = "saml:microsoft",
        /// `saml:google`
        SamlGoogle = "saml:google",
        /// `wsfed:azure_ad` (Microsoft Entra ID over WS-Federation; options: Azure AD).
        WsfedAzureAd = "wsfed:azure_ad",
    }
}

/// Which `options` variant a strategy takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OptionsFamily {
    /// Social OAuth providers (`oauth2:*` except Entra ID): client id and secret.
    Social,
    /// Microsoft Entra ID (`oauth2:azure_ad`, `wsfed:azure_ad`).
    AzureAd,
    /// SAML identity providers (`saml:*`).
    Saml,
}

impl Strategy {
    /// The `options` variant this strategy takes (the rule Kinde's spec notes give), or `None` for
    /// a strategy this SDK does not know.
    ///
    /// ```
    /// use idp_kinde::models::{OptionsFamily, Strategy};
    /// assert_eq!(Strategy::Google.options_family(), Some(OptionsFamily::Social));
    /// assert_eq!(Strategy::WsfedAzureAd.options_family(), Some(OptionsFamily::AzureAd));
    /// assert_eq!(Strategy::SamlOkta.options_family(), Some(OptionsFamily::Saml));
    /// ```
    pub fn options_family(&self) -> Option<OptionsFamily> {
        match self {
            Strategy::AzureAd | Strategy::WsfedAzureAd => Some(OptionsFamily::AzureAd),
            Strategy::SamlCustom
            | Strategy::SamlCloudflare
            | Strategy::SamlOkta
            | Strategy::SamlMicrosoft
            | Strategy::SamlGoogle => Some(OptionsFamily::Saml),
            Strategy::Unknown(_) => None,
            _ => Some(OptionsFamily::Social),
        }
    }
}

idp_core::open_enum! {
    /// The algorithm used to sign SAML requests (`sign_request_algorithm`).
    pub enum SignRequestAlgorithm {
        /// `RSA-SHA256`
        RsaSha256 = "RSA-SHA256",
        /// `RSA-SHA1`
        RsaSha1 = "RSA-SHA1",
    }
}

idp_core::open_enum! {
    /// The protocol binding used to send SAML requests (`protocol_binding`).
    pub enum ProtocolBinding {
        /// `HTTP-REDIRECT`
        HttpRedirect = "HTTP-REDIRECT",
        /// `HTTP-POST`
        HttpPost = "HTTP-POST",
    }
}

idp_core::open_enum! {
    /// The format of the SAML Name ID that identifies users (`name_id_format`).
    pub enum NameIdFormat {
        /// `Persistent`
        Persistent = "Persistent",
        /// `Transient`
        Transient = "Transient",
        /// `Email address` (with a space, as the API spells it).
        EmailAddress = "Email address",
        /// `Unspecified`
        Unspecified = "Unspecified",
    }
}

/// Declares one `options` variant: every field optional and omitted when unset, unknown fields
/// refused when decoding (so the `oneOf` choice stays unambiguous), chainable setters, the list of
/// wire names, and a `Debug` that redacts the secret fields.
macro_rules! options_model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
        secret: [$($secret:ident),* $(,)?]
    ) => {
        $(#[$meta])*
        #[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }

        impl $name {
            /// The wire names of every field, in declaration order.
            pub const FIELD_NAMES: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Options with nothing set; add fields with the setters.
            pub fn new() -> Self {
                Self::default()
            }

            $(
                #[doc = concat!("Sets `", stringify!($field), "`.")]
                #[must_use]
                pub fn $field(mut self, value: impl Into<$ty>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                const SECRET: &[&str] = &[$(stringify!($secret)),*];
                let mut s = f.debug_struct(stringify!($name));
                $(
                    if SECRET.contains(&stringify!($field)) && self.$field.is_some() {
                        s.field(stringify!($field), &"[redacted]");
                    } else if self.$field.is_some() {
                        s.field(stringify!($field), &self.$field);
                    }
                )*
                s.finish()
            }
        }
    };
}

options_model! {
    /// Options of a social connection (Google, GitHub, Apple…; schema
    /// `create_connection_request_options_social`, the same for create, update and replace).
    ///
    /// ```
    /// use idp_kinde::models::CreateConnectionRequestOptionsSocial;
    /// let options = CreateConnectionRequestOptionsSocial::new()
    ///     .client_id("hji7db2146af332akfldfded22")
    ///     .client_secret("19fkjdalg521l23fassf3039d4ae18b")
    ///     .is_trusted(true);
    /// assert!(!format!("{options:?}").contains("19fkjdalg"));
    /// ```
    pub struct CreateConnectionRequestOptionsSocial {
        /// OAuth client ID.
        client_id: String,
        /// OAuth client secret (redacted in `Debug`).
        client_secret: String,
        /// Use custom domain callback URL.
        is_use_custom_domain: bool,
        /// Trust this connection for account merging.
        is_trusted: bool,
    }
    secret: [client_secret]
}

options_model! {
    /// Options of a Microsoft Entra ID (Azure AD) connection when creating it (schema
    /// `create_connection_request_options_azure_ad`).
    pub struct CreateConnectionRequestOptionsAzureAd {
        /// Client ID.
        client_id: String,
        /// Client secret (redacted in `Debug`).
        client_secret: String,
        /// List of domains to limit authentication (e.g. `@kinde.com`).
        home_realm_domains: Vec<String>,
        /// Domain for Entra ID.
        entra_id_domain: String,
        /// Use `https://login.windows.net/common` instead of a default endpoint.
        is_use_common_endpoint: bool,
        /// Sync user profile data with IDP.
        is_sync_user_profile_on_login: bool,
        /// Include user group info from MS Entra ID.
        is_retrieve_provider_user_groups: bool,
        /// Include additional user profile information.
        is_extended_attributes_required: bool,
        /// Users automatically join organization when using this connection.
        is_auto_join_organization_enabled: bool,
        /// Create a user record in Kinde if the user signing in does not exist.
        is_create_missing_user: bool,
        /// Force showing the SSO button for this connection.
        is_force_show_sso_button: bool,
        /// Additional upstream parameters to pass to the identity provider
        /// (e.g. `{"prompt": {"value": "select_account"}}`).
        upstream_params: Map<String, Value>,
        /// Use custom domain callback URL.
        is_use_custom_domain: bool,
        /// Trust this connection for account merging.
        is_trusted: bool,
    }
    secret: [client_secret]
}

options_model! {
    /// Options of a SAML connection when creating it (schema
    /// `create_connection_request_options_saml`).
    pub struct CreateConnectionRequestOptionsSaml {
        /// List of domains to restrict authentication (e.g. `@kinde.com`).
        home_realm_domains: Vec<String>,
        /// SAML Entity ID.
        saml_entity_id: String,
        /// URL for the IdP metadata. Optional if `saml_idp_metadata_xml` is provided.
        saml_idp_metadata_url: String,
        /// Raw IdP metadata XML; takes precedence over `saml_idp_metadata_url`.
        saml_idp_metadata_xml: String,
        /// Override the default SSO endpoint with a URL your IdP recognizes.
        saml_sign_in_url: String,
        /// Algorithm used to sign SAML requests.
        sign_request_algorithm: SignRequestAlgorithm,
        /// Protocol binding used to send SAML requests.
        protocol_binding: ProtocolBinding,
        /// Format for the Name ID used to identify users in SAML responses.
        name_id_format: NameIdFormat,
        /// Attribute key for the user's email.
        saml_email_key_attr: String,
        /// Attribute key for the user's ID.
        saml_user_id_key_attr: String,
        /// Attribute key for the user's first name.
        saml_first_name_key_attr: String,
        /// Attribute key for the user's last name.
        saml_last_name_key_attr: String,
        /// Create user if they don't exist.
        is_create_missing_user: bool,
        /// Force showing the SSO button for this connection.
        is_force_show_sso_button: bool,
        /// Additional upstream parameters to pass to the identity provider.
        upstream_params: Map<String, Value>,
        /// Certificate (PEM) for signing SAML requests.
        saml_signing_certificate: String,
        /// Private key (PEM) of the signing certificate (redacted in `Debug`).
        saml_signing_private_key: String,
        /// Users automatically join organization when using this connection.
        is_auto_join_organization_enabled: bool,
        /// Use custom domain callback URL.
        is_use_custom_domain: bool,
        /// Trust this connection for account merging.
        is_trusted: bool,
    }
    secret: [saml_signing_private_key]
}

options_model! {
    /// Options of a Microsoft Entra ID (Azure AD) connection in an update (schema
    /// `update_connection_request_options_azure_ad`).
    pub struct UpdateConnectionRequestOptionsAzureAd {
        /// Client ID.
        client_id: String,
        /// Client secret (redacted in `Debug`).
        client_secret: String,
        /// List of domains to limit authentication (e.g. `@kinde.com`).
        home_realm_domains: Vec<String>,
        /// Domain for Entra ID.
        entra_id_domain: String,
        /// Use `https://login.windows.net/common` instead of a default endpoint.
        is_use_common_endpoint: bool,
        /// Sync user profile data with IDP.
        is_sync_user_profile_on_login: bool,
        /// Include user group info from MS Entra ID.
        is_retrieve_provider_user_groups: bool,
        /// Include additional user profile information.
        is_extended_attributes_required: bool,
        /// Create users if they don't exist in the system.
        is_create_missing_user: bool,
        /// Force showing the SSO button for this connection.
        is_force_show_sso_button: bool,
        /// Additional upstream parameters to pass to the identity provider.
        upstream_params: Map<String, Value>,
        /// Use custom domain callback URL.
        is_use_custom_domain: bool,
        /// Trust this connection for account merging.
        is_trusted: bool,
    }
    secret: [client_secret]
}

options_model! {
    /// Options of a SAML connection in an update (schema `update_connection_request_options_saml`).
    pub struct UpdateConnectionRequestOptionsSaml {
        /// List of domains to restrict authentication (e.g. `@kinde.com`).
        home_realm_domains: Vec<String>,
        /// SAML Entity ID.
        saml_entity_id: String,
        /// URL for the IdP metadata. Optional if `saml_idp_metadata_xml` is provided.
        saml_idp_metadata_url: String,
        /// Raw IdP metadata XML; takes precedence over `saml_idp_metadata_url`.
        saml_idp_metadata_xml: String,
        /// Override the default SSO endpoint with a URL your IdP recognizes.
        saml_sign_in_url: String,
        /// Algorithm used to sign SAML requests.
        sign_request_algorithm: SignRequestAlgorithm,
        /// Protocol binding used to send SAML requests.
        protocol_binding: ProtocolBinding,
        /// Format for the Name ID used to identify users in SAML responses.
        name_id_format: NameIdFormat,
        /// Attribute key for the user's email.
        saml_email_key_attr: String,
        /// Attribute key for the user's ID.
        saml_user_id_key_attr: String,
        /// Attribute key for the user's first name.
        saml_first_name_key_attr: String,
        /// Attribute key for the user's last name.
        saml_last_name_key_attr: String,
        /// Create user if they don't exist.
        is_create_missing_user: bool,
        /// Force showing the SSO button for this connection.
        is_force_show_sso_button: bool,
        /// Additional upstream parameters to pass to the identity provider.
        upstream_params: Map<String, Value>,
        /// Certificate (PEM) for signing SAML requests.
        saml_signing_certificate: String,
        /// Private key (PEM) of the signing certificate (redacted in `Debug`).
        saml_signing_private_key: String,
        /// Use custom domain callback URL.
        is_use_custom_domain: bool,
        /// Trust this connection for account merging.
        is_trusted: bool,
    }
    secret: [saml_signing_private_key]
}

options_model! {
    /// Options of a Microsoft Entra ID (Azure AD) connection in a replace (schema
    /// `replace_connection_request_options_azure_ad`).
    pub struct ReplaceConnectionRequestOptionsAzureAd {
        /// Client ID.
        client_id: String,
        /// Client secret (redacted in `Debug`).
        client_secret: String,
        /// List of domains to limit authentication (e.g. `@kinde.com`).
        home_realm_domains: Vec<String>,
        /// Domain for Entra ID.
        entra_id_domain: String,
        /// Use `https://login.windows.net/common` instead of a default endpoint.
        is_use_common_endpoint: bool,
        /// Sync user profile data with IDP.
        is_sync_user_profile_on_login: bool,
        /// Include user group info from MS Entra ID.
        is_retrieve_provider_user_groups: bool,
        /// Include additional user profile information.
        is_extended_attributes_required: bool,
        /// Create a user record in Kinde if the user signing in does not exist.
        is_create_missing_user: bool,
        /// Force showing the SSO button for this connection.
        is_force_show_sso_button: bool,
        /// Additional upstream parameters to pass to the identity provider.
        upstream_params: Map<String, Value>,
        /// Use custom domain callback URL.
        is_use_custom_domain: bool,
        /// Trust this connection for account merging.
        is_trusted: bool,
    }
    secret: [client_secret]
}

options_model! {
    /// Options of a SAML connection in a replace (schema `replace_connection_request_options_saml`).
    pub struct ReplaceConnectionRequestOptionsSaml {
        /// List of domains to restrict authentication (e.g. `@kinde.com`).
        home_realm_domains: Vec<String>,
        /// SAML Entity ID.
        saml_entity_id: String,
        /// URL for the IdP metadata. Optional if `saml_idp_metadata_xml` is provided.
        saml_idp_metadata_url: String,
        /// Raw IdP metadata XML; takes precedence over `saml_idp_metadata_url`.
        saml_idp_metadata_xml: String,
        /// Algorithm used to sign SAML requests.
        sign_request_algorithm: SignRequestAlgorithm,
        /// Protocol binding used to send SAML requests.
        protocol_binding: ProtocolBinding,
        /// Format for the Name ID used to identify users in SAML responses.
        name_id_format: NameIdFormat,
        /// Attribute key for the user's email.
        saml_email_key_attr: String,
        /// Attribute key for the user's ID.
        saml_user_id_key_attr: String,
        /// Attribute key for the user's first name.
        saml_first_name_key_attr: String,
        /// Attribute key for the user's last name.
        saml_last_name_key_attr: String,
        /// Create user if they don't exist.
        is_create_missing_user: bool,
        /// Force showing the SSO button for this connection.
        is_force_show_sso_button: bool,
        /// Additional upstream parameters to pass to the identity provider.
        upstream_params: Map<String, Value>,
        /// Certificate (PEM) for signing SAML requests.
        saml_signing_certificate: String,
        /// Private key (PEM) of the signing certificate (redacted in `Debug`).
        saml_signing_private_key: String,
        /// Use custom domain callback URL.
        is_use_custom_domain: bool,
        /// Trust this connection for account merging.
        is_trusted: bool,
    }
    secret: [saml_signing_private_key]
}

/// Declares an `options` choice (the spec's `oneOf` without discriminator): serialized as the
/// chosen variant's object; decoded as the first variant whose fields cover every key (Social,
/// then Azure AD, then SAML) — a variant chosen that way serializes back to the same JSON.
macro_rules! options_choice {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            Social($social:ty),
            AzureAd($azure:ty),
            Saml($saml:ty),
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        // Request bodies are built once per call; boxing the SAML variant would only make
        // matching on the choice clumsier.
        #[allow(clippy::large_enum_variant)]
        pub enum $name {
            /// Social OAuth providers (`oauth2:*` strategies except Entra ID).
            Social($social),
            /// Microsoft Entra ID (`oauth2:azure_ad`, `wsfed:azure_ad`).
            AzureAd($azure),
            /// SAML identity providers (`saml:*` strategies).
            Saml($saml),
        }

        impl From<$social> for $name {
            fn from(v: $social) -> Self {
                $name::Social(v)
            }
        }

        impl From<$azure> for $name {
            fn from(v: $azure) -> Self {
                $name::AzureAd(v)
            }
        }

        impl From<$saml> for $name {
            fn from(v: $saml) -> Self {
                $name::Saml(v)
            }
        }
    };
}

options_choice! {
    /// The provider-specific `options` of [`CreateConnectionRequest`]; pick the variant that
    /// matches the strategy (see [`Strategy::options_family`]).
    pub enum CreateConnectionRequestOptions {
        Social(CreateConnectionRequestOptionsSocial),
        AzureAd(CreateConnectionRequestOptionsAzureAd),
        Saml(CreateConnectionRequestOptionsSaml),
    }
}

options_choice! {
    /// The provider-specific `options` of [`UpdateConnectionRequest`]; pick the variant that
    /// matches the connection's strategy.
    pub enum UpdateConnectionRequestOptions {
        Social(CreateConnectionRequestOptionsSocial),
        AzureAd(UpdateConnectionRequestOptionsAzureAd),
        Saml(UpdateConnectionRequestOptionsSaml),
    }
}

options_choice! {
    /// The provider-specific `options` of [`ReplaceConnectionRequest`]; pick the variant that
    /// matches the connection's strategy.
    pub enum ReplaceConnectionRequestOptions {
        Social(CreateConnectionRequestOptionsSocial),
        AzureAd(ReplaceConnectionRequestOptionsAzureAd),
        Saml(ReplaceConnectionRequestOptionsSaml),
    }
}

/// The body of `create_connection` (schema `create_connection_request`).
///
/// `name`, `display_name` and `strategy` are always sent (every Kinde client does; the API
/// required them until 2025); the rest only when set.
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
    /// (e.g. `org_80581732fbe`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_code: Option<String>,
    /// Provider-specific options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<CreateConnectionRequestOptions>,
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
            organization_code: None,
            options: None,
        }
    }

    /// Sets the client IDs of the applications the connection is enabled for.
    #[must_use]
    pub fn enabled_applications(mut self, client_ids: impl Into<Vec<String>>) -> Self {
        self.enabled_applications = Some(client_ids.into());
        self
    }

    /// Sets the organization that manages the connection (enterprise connections only).
    #[must_use]
    pub fn organization_code(mut self, code: impl Into<String>) -> Self {
        self.organization_code = Some(code.into());
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
}

impl ReplaceConnectionRequest {
    /// A replacement configuration with its names.
    pub fn new(name: impl Into<String>, display_name: impl Into<String>) -> Self {
        ReplaceConnectionRequest {
            name: name.into(),
            display_name: display_name.into(),
            enabled_applications: None,
            options: None,
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

/// A connection as the API reports it: `id`, `name`, `display_name`, `strategy`, and any other
/// field the server adds (kept in `extra` and sent back unchanged).
///
/// This is the inner object of [`Connection`] and the item type of [`GetConnectionsResponse`].
/// Decoding is lenient: list items arrive flat (`{id, name, …}`, what the live API sends) or
/// wrapped in the `{code, message, connection: {…}}` envelope (what the spec declares); both
/// decode to the same value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ConnectionConnection {
    /// The connection's ID (`conn_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The internal name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The public-facing name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The identity provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    /// Fields this SDK does not model (e.g. `enabled_applications`), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The keys of a connection object, matched without allocating for the known ones.
enum ConnectionKey {
    Id,
    Name,
    DisplayName,
    Strategy,
    Connection,
    Other(String),
}

impl<'de> Deserialize<'de> for ConnectionKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = ConnectionKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ConnectionKey, E> {
                Ok(match v {
                    "id" => ConnectionKey::Id,
                    "name" => ConnectionKey::Name,
                    "display_name" => ConnectionKey::DisplayName,
                    "strategy" => ConnectionKey::Strategy,
                    "connection" => ConnectionKey::Connection,
                    other => ConnectionKey::Other(other.to_owned()),
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for ConnectionConnection {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ConnectionVisitor;
        impl<'de> serde::de::Visitor<'de> for ConnectionVisitor {
            type Value = ConnectionConnection;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Kinde connection object (flat or enveloped)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ConnectionConnection, A::Error> {
                let mut out = ConnectionConnection::default();
                let mut inner: Option<Value> = None;
                while let Some(key) = map.next_key::<ConnectionKey>()? {
                    match key {
                        ConnectionKey::Id => out.id = map.next_value()?,
                        ConnectionKey::Name => out.name = map.next_value()?,
                        ConnectionKey::DisplayName => out.display_name = map.next_value()?,
                        ConnectionKey::Strategy => out.strategy = map.next_value()?,
                        ConnectionKey::Connection => inner = Some(map.next_value()?),
                        ConnectionKey::Other(k) => {
                            let v: Value = map.next_value()?;
                            out.extra.insert(k, v);
                        }
                    }
                }
                let flat_fields_absent = out.id.is_none()
                    && out.name.is_none()
                    && out.display_name.is_none()
                    && out.strategy.is_none();
                match inner {
                    // The enveloped shape `{code, message, connection: {...}}`: its code and
                    // message describe the envelope, not the connection.
                    Some(v @ Value::Object(_)) if flat_fields_absent => {
                        ConnectionConnection::deserialize(v).map_err(serde::de::Error::custom)
                    }
                    Some(v) => {
                        out.extra.insert("connection".to_owned(), v);
                        Ok(out)
                    }
                    None => Ok(out),
                }
            }
        }
        deserializer.deserialize_map(ConnectionVisitor)
    }
}

/// The response of `get_connection` (schema `connection`): an envelope around the connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Connection {
    /// Response code (e.g. `OK`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Response message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<ConnectionConnection>,
}

/// The response of `get_connections` (schema `get_connections_response`): one page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetConnectionsResponse {
    /// Response code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Response message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The connections of this page (flat or enveloped on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connections: Option<Vec<ConnectionConnection>>,
    /// Whether more records exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
}

/// The new connection's id inside [`CreateConnectionResponse`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateConnectionResponseConnection {
    /// The connection's ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// The response of `create_connection` (schema `create_connection_response`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateConnectionResponse {
    /// Response message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Response code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The new connection (only its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<CreateConnectionResponseConnection>,
}

impl CreateConnectionResponse {
    /// The new connection's id, if the server sent it.
    pub fn id(&self) -> Option<&str> {
        self.connection.as_ref().and_then(|c| c.id.as_deref())
    }
}

/// The response of `update_connection`, `replace_connection` and `delete_connection`
/// (schema `success_response`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SuccessResponse {
    /// Response message (e.g. `Success`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Response code (e.g. `OK`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// One error of an error response (schema `error`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KindeError {
    /// Error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The body of most error responses (schema `error_response`): `errors` is an array. Errors reach
/// callers as [`idp_kinde::Error`](crate::Error) (code, message, further errors as causes, raw body).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorResponse {
    /// The errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<KindeError>>,
}

/// The body of a 404 on update, replace and delete (schema `not_found_response`): unlike
/// [`ErrorResponse`], `errors` is a single object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NotFoundResponse {
    /// The error (e.g. `ROUTE_NOT_FOUND`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<KindeError>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strategy_is_open_and_round_trips_unknown_values() -> Result<(), Box<dyn std::error::Error>> {
        assert_eq!(Strategy::KNOWN.len(), 22);
        let s: Strategy = serde_json::from_value(json!("email:password"))?;
        assert_eq!(s.as_str(), "email:password");
        assert_eq!(serde_json::to_value(&s)?, json!("email:password"));
        assert_eq!(Strategy::from("wsfed:azure_ad"), Strategy::WsfedAzureAd);
        assert_eq!(s.options_family(), None);
        Ok(())
    }

    #[test]
    fn name_id_format_keeps_the_space() -> Result<(), Box<dyn std::error::Error>> {
        assert_eq!(
            serde_json::to_value(NameIdFormat::EmailAddress)?,
            json!("Email address")
        );
        assert_eq!(
            serde_json::to_value(SignRequestAlgorithm::RsaSha256)?,
            json!("RSA-SHA256")
        );
        assert_eq!(
            serde_json::to_value(ProtocolBinding::HttpRedirect)?,
            json!("HTTP-REDIRECT")
        );
        Ok(())
    }

    #[test]
    fn list_item_decodes_flat_and_enveloped_alike() -> Result<(), Box<dyn std::error::Error>> {
        let flat: ConnectionConnection = serde_json::from_value(json!({
            "id": "conn_1", "name": "g", "display_name": "Google", "strategy": "oauth2:google",
            "enabled_applications": ["app"]
        }))?;
        let wrapped: ConnectionConnection = serde_json::from_value(json!({
            "code": "OK", "message": "Success",
            "connection": {"id": "conn_1", "name": "g", "display_name": "Google", "strategy": "oauth2:google",
                           "enabled_applications": ["app"]}
        }))?;
        assert_eq!(flat, wrapped);
        assert_eq!(flat.id.as_deref(), Some("conn_1"));
        assert_eq!(flat.strategy, Some(Strategy::Google));
        assert_eq!(
            flat.extra.get("enabled_applications"),
            Some(&json!(["app"]))
        );
        // Unknown fields are sent back unchanged.
        assert_eq!(
            serde_json::to_value(&flat)?["enabled_applications"],
            json!(["app"])
        );
        Ok(())
    }

    #[test]
    fn debug_redacts_client_secrets_and_private_keys() {
        let social = CreateConnectionRequestOptionsSocial::new()
            .client_id("visible-id")
            .client_secret("TOP-SECRET-1");
        let azure = UpdateConnectionRequestOptionsAzureAd::new().client_secret("TOP-SECRET-2");
        let saml = ReplaceConnectionRequestOptionsSaml::new()
            .saml_signing_private_key("-----BEGIN PRIVATE KEY-----TOP-SECRET-3")
            .saml_entity_id("https://kinde.com");
        let req = CreateConnectionRequest::new("n", "d", Strategy::Google).options(social.clone());
        for text in [
            format!("{social:?}"),
            format!("{azure:?}"),
            format!("{saml:?}"),
            format!("{req:?}"),
        ] {
            assert!(!text.contains("TOP-SECRET"), "{text}");
        }
        assert!(format!("{social:?}").contains("visible-id"));
        assert!(format!("{social:?}").contains("[redacted]"));
        assert!(format!("{saml:?}").contains("https://kinde.com"));
    }

    #[test]
    fn options_decode_to_the_smallest_covering_variant() -> Result<(), Box<dyn std::error::Error>> {
        let social: CreateConnectionRequestOptions =
            serde_json::from_value(json!({"client_id": "a", "client_secret": "b"}))?;
        assert!(matches!(social, CreateConnectionRequestOptions::Social(_)));
        let azure: CreateConnectionRequestOptions =
            serde_json::from_value(json!({"client_id": "a", "entra_id_domain": "kinde.com"}))?;
        assert!(matches!(azure, CreateConnectionRequestOptions::AzureAd(_)));
        let saml: UpdateConnectionRequestOptions = serde_json::from_value(
            json!({"saml_entity_id": "e", "name_id_format": "Email address"}),
        )?;
        assert!(matches!(saml, UpdateConnectionRequestOptions::Saml(_)));
        let none = serde_json::from_value::<ReplaceConnectionRequestOptions>(
            json!({"client_id": "a", "saml_entity_id": "e"}),
        );
        assert!(none.is_err());
        Ok(())
    }
}
