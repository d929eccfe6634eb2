//! The open enums of the connection models: known values as variants, anything else kept as
//! `Unknown` and sent back unchanged.

idp_core::open_enum! {
    /// The protocol of a connection (`type`). New values decode as `Unknown` and are sent back unchanged.
    pub enum ConnectionType {
        /// OAuth 2.0 / OpenID Connect (the default).
        Oauth2 = "OAUTH2",
        /// SAML 2.0.
        Saml2 = "SAML2",
        /// WebAuthn (passkeys). Note the wire spelling `WebAuthN`.
        WebAuthn = "WebAuthN",
        /// Username and password (since 2024).
        Password = "PASSWORD",
        /// Legacy OpenID (since 2024).
        OpenidLegacy = "OPENID-LEGACY",
    }
}

idp_core::open_enum! {
    /// How token-exchange parameters are sent to the provider (`data.supportedContentType`).
    pub enum SupportedContentType {
        /// JSON body (the default).
        Json = "application/json",
        /// URL-encoded form body.
        FormUrlEncoded = "application/x-www-form-urlencoded",
    }
}

idp_core::open_enum! {
    /// Where user data is stored (`userDataConfiguration.location`); `null` replicates globally.
    pub enum DataLocation {
        /// South Africa.
        Zaf = "ZAF",
        /// Hong Kong.
        Hkg = "HKG",
        /// India.
        Ind = "IND",
        /// Japan.
        Jpn = "JPN",
        /// South Korea.
        Kor = "KOR",
        /// Singapore.
        Sgp = "SGP",
        /// Australia.
        Aus = "AUS",
        /// Indonesia.
        Idn = "IDN",
        /// Canada.
        Can = "CAN",
        /// Germany.
        Deu = "DEU",
        /// Switzerland.
        Che = "CHE",
        /// Sweden.
        Swe = "SWE",
        /// Italy.
        Ita = "ITA",
        /// Ireland.
        Irl = "IRL",
        /// United Kingdom.
        Gbr = "GBR",
        /// France.
        Fra = "FRA",
        /// Israel.
        Isr = "ISR",
        /// Bahrain.
        Bhr = "BHR",
        /// United Arab Emirates.
        Are = "ARE",
        /// Brazil.
        Bra = "BRA",
        /// United States.
        Usa = "USA",
    }
}

idp_core::open_enum! {
    /// How users are associated with tenants (`tenantConfiguration.assignmentType`).
    pub enum TenantAssignmentType {
        /// Only when the tenant is given in the login flow (the default).
        Default = "DEFAULT",
        /// Also look the tenant up by the user's verified email domain.
        TrustedDomainFallback = "TRUSTED_DOMAIN_FALLBACK",
    }
}

idp_core::open_enum! {
    /// Identity linking mode (`linkingConfiguration.type`); `null` disables linking.
    pub enum LinkingType {
        /// Link through the linking API.
        Explicit = "EXPLICIT",
        /// Link automatically when the verified email matches an existing account.
        Automatic = "AUTOMATIC",
    }
}
