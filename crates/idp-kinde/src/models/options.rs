//! The provider-specific `options` of connection requests, one struct per variant of the spec's
//! `oneOf` for each call (create, update, replace), and the choice between them.
//!
//! Kinde's spec declares the options as a `oneOf` with no discriminator, so the SDK never guesses:
//! the caller picks the variant, which is sent as the plain JSON object it holds.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{NameIdFormat, ProtocolBinding, SignRequestAlgorithm};

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
    /// The provider-specific `options` of [`CreateConnectionRequest`](super::CreateConnectionRequest); pick the variant that
    /// matches the strategy (see [`Strategy::options_family`](super::Strategy::options_family)).
    pub enum CreateConnectionRequestOptions {
        Social(CreateConnectionRequestOptionsSocial),
        AzureAd(CreateConnectionRequestOptionsAzureAd),
        Saml(CreateConnectionRequestOptionsSaml),
    }
}

options_choice! {
    /// The provider-specific `options` of [`UpdateConnectionRequest`](super::UpdateConnectionRequest); pick the variant that
    /// matches the connection's strategy.
    pub enum UpdateConnectionRequestOptions {
        Social(CreateConnectionRequestOptionsSocial),
        AzureAd(UpdateConnectionRequestOptionsAzureAd),
        Saml(UpdateConnectionRequestOptionsSaml),
    }
}

options_choice! {
    /// The provider-specific `options` of [`ReplaceConnectionRequest`](super::ReplaceConnectionRequest); pick the variant that
    /// matches the connection's strategy.
    pub enum ReplaceConnectionRequestOptions {
        Social(CreateConnectionRequestOptionsSocial),
        AzureAd(ReplaceConnectionRequestOptionsAzureAd),
        Saml(ReplaceConnectionRequestOptionsSaml),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{CreateConnectionRequest, Strategy};
    use serde_json::json;

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
