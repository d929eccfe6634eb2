//! The provider-specific `options` of connection requests, one struct per variant of the spec's
//! `oneOf` for each call (create, update, replace), and the choice between them.
//!
//! Kinde's spec declares the options as a `oneOf` with no discriminator, so the SDK never guesses:
//! the caller picks the variant, which is sent as the plain JSON object it holds.
//!
//! Kinde adds option fields every few months (`saml_idp_metadata_xml` and
//! `sign_request_algorithm` appeared in 2026), and the per-call variants copy the spec's own drift
//! (no `is_auto_join_organization_enabled` on update/replace, no `saml_sign_in_url` on replace).
//! Every variant therefore has an `extra` map: what the model does not know is set with
//! `.extra(name, value)`, sent next to the known fields, and kept when decoding (an unknown field
//! is never an error).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{NameIdFormat, ProtocolBinding, SignRequestAlgorithm};

/// Declares one `options` variant: every field optional and omitted when unset, fields this SDK
/// does not know kept in `extra` (sent as top-level keys of the object), chainable setters, the
/// list of wire names, and a `Debug` that redacts the secret fields and shows only the names of
/// the `extra` fields (their values may be secrets the SDK cannot recognise).
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
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Option fields this version of the SDK does not model, sent and kept as they are
            /// (set them with `.extra(name, value)`).
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }

        impl $name {
            /// The wire names of every modelled field, in declaration order (not `extra`).
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

            /// Sets an option field this SDK does not model (e.g. one Kinde added after this
            /// release); it is sent as a key of the `options` object next to the known ones. A
            /// name the model knows is sent twice — use its setter instead.
            #[must_use]
            pub fn extra(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
                self.extra.insert(name.into(), value.into());
                self
            }
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
                if !self.extra.is_empty() {
                    s.field("extra_keys", &self.extra.keys().collect::<Vec<_>>());
                }
                s.finish()
            }
        }

        impl OptionsVariant for $name {
            const FIELD_NAMES: &'static [&'static str] = $name::FIELD_NAMES;
        }
    };
}

/// What the `options` choice needs to know of a variant to pick it when decoding.
trait OptionsVariant {
    const FIELD_NAMES: &'static [&'static str];
}

/// How many of `map`'s keys variant `V` models.
fn known_keys<V: OptionsVariant>(map: &Map<String, Value>) -> usize {
    map.keys()
        .filter(|k| V::FIELD_NAMES.contains(&k.as_str()))
        .count()
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
/// chosen variant's object. Decoded leniently, never failing on a key: the first variant whose
/// fields cover every key (Social, then Azure AD, then SAML) — a variant chosen that way
/// serializes back to the same JSON — else the variant that models the most keys (the first of
/// equals), with the keys it does not model kept in its `extra`.
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
        #[derive(Debug, Clone, PartialEq, Serialize)]
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

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                let map = Map::<String, Value>::deserialize(deserializer)?;
                let counts = [
                    known_keys::<$social>(&map),
                    known_keys::<$azure>(&map),
                    known_keys::<$saml>(&map),
                ];
                let pick = counts
                    .iter()
                    .position(|c| *c == map.len())
                    .or_else(|| {
                        let best = counts.iter().copied().max().unwrap_or(0);
                        counts.iter().position(|c| *c == best)
                    })
                    .unwrap_or(0);
                let value = Value::Object(map);
                match pick {
                    1 => serde_json::from_value(value).map($name::AzureAd),
                    2 => serde_json::from_value(value).map($name::Saml),
                    _ => serde_json::from_value(value).map($name::Social),
                }
                .map_err(D::Error::custom)
            }
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
    fn extra_option_fields_are_sent_next_to_the_known_ones()
    -> Result<(), Box<dyn std::error::Error>> {
        // `is_auto_join_organization_enabled` is missing from the spec's update/replace Azure AD
        // variants (create has it); `saml_sign_in_url` from the replace SAML variant.
        let azure = UpdateConnectionRequestOptionsAzureAd::new()
            .entra_id_domain("kinde.com")
            .extra("is_auto_join_organization_enabled", true);
        assert_eq!(
            serde_json::to_value(&azure)?,
            json!({"entra_id_domain": "kinde.com", "is_auto_join_organization_enabled": true})
        );
        let saml = ReplaceConnectionRequestOptionsSaml::new()
            .extra("saml_sign_in_url", "https://idp.example.com/sso")
            .extra("some_secret_2027", "S3CRET");
        let text = format!("{saml:?}");
        assert!(
            text.contains("saml_sign_in_url") && !text.contains("S3CRET"),
            "{text}"
        );
        Ok(())
    }

    #[test]
    fn unknown_option_fields_never_fail_decoding_and_are_kept()
    -> Result<(), Box<dyn std::error::Error>> {
        // A Social variant with a key Kinde added after this release.
        let social: CreateConnectionRequestOptions = serde_json::from_value(
            json!({"client_id": "a", "client_secret": "b", "is_brand_new": 1}),
        )?;
        let CreateConnectionRequestOptions::Social(ref inner) = social else {
            return Err(format!("not Social: {social:?}").into());
        };
        assert_eq!(inner.client_id.as_deref(), Some("a"));
        assert_eq!(inner.extra.get("is_brand_new"), Some(&json!(1)));
        assert_eq!(
            serde_json::to_value(&social)?,
            json!({"client_id": "a", "client_secret": "b", "is_brand_new": 1})
        );
        // SAML keys win when they are the most numerous, whatever else is there.
        let saml: ReplaceConnectionRequestOptions = serde_json::from_value(json!({
            "saml_entity_id": "e", "name_id_format": "Transient",
            "saml_sign_in_url": "https://idp/sso", "client_id": "a"
        }))?;
        let ReplaceConnectionRequestOptions::Saml(ref inner) = saml else {
            return Err(format!("not SAML: {saml:?}").into());
        };
        let mut extra: Vec<&String> = inner.extra.keys().collect();
        extra.sort();
        assert_eq!(extra, ["client_id", "saml_sign_in_url"]);
        assert_eq!(inner.name_id_format, Some(NameIdFormat::Transient));
        Ok(())
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
        Ok(())
    }
}
