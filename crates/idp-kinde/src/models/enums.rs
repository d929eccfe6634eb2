//! The enums of connections: the strategy (identity provider) and the SAML settings. All are open:
//! a value this SDK does not know is kept as `Unknown` and sent back unchanged.

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
}
