//! The nested settings of a [`super::Connection`]: user data location, details, default login
//! properties, conditions, tenant assignment and identity linking. Each is built with
//! `Type::default()` and setters named after its fields.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{DataLocation, LinkingType, Nullable, SupportedContentType, TenantAssignmentType};

/// Where a connection's user data is stored (`ConnectionUserDataConfiguration`).
///
/// ```
/// use idp_authress::models::{ConnectionUserDataConfiguration, DataLocation, Nullable};
/// let eu = ConnectionUserDataConfiguration::default().location(DataLocation::Deu);
/// let global = ConnectionUserDataConfiguration::default().location(Nullable::Null);
/// # let _ = (eu, global);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConnectionUserDataConfiguration {
    /// The region; `null` replicates globally (recommended).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub location: Nullable<DataLocation>,
    /// Fields this version of the SDK does not know, kept and sent back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ConnectionUserDataConfiguration {
    /// The region (`location`); [`Nullable::Null`] replicates globally.
    #[must_use]
    pub fn location(mut self, location: impl Into<Nullable<DataLocation>>) -> Self {
        self.location = location.into();
        self
    }
}

/// Details of a connection (`ConnectionData`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConnectionData {
    /// The tenant the connection belongs to (absent from the newest docs; kept for older accounts).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub tenant_id: Nullable<String>,
    /// The developer account id at the provider (Apple login needs it).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub developer_account_id: Nullable<String>,
    /// The display name in the Authress portal.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub name: Nullable<String>,
    /// How token-exchange parameters are sent to the provider.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub supported_content_type: Nullable<SupportedContentType>,
    /// A user-info endpoint for providers that are not OpenID compliant.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub oidc_user_endpoint_url: Nullable<String>,
    /// How the user id is derived from the provider's claims (default `{sub}`).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub user_id_expression: Nullable<String>,
    /// Reuse the provider's user id instead of a generated one.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub trust_identity_user_id: Nullable<bool>,
    /// Fields this version of the SDK does not know, kept and sent back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ConnectionData {
    /// The tenant the connection belongs to (`tenantId`).
    #[must_use]
    pub fn tenant_id(mut self, tenant_id: impl Into<Nullable<String>>) -> Self {
        self.tenant_id = tenant_id.into();
        self
    }

    /// The developer account id at the provider (`developerAccountId`).
    #[must_use]
    pub fn developer_account_id(mut self, id: impl Into<Nullable<String>>) -> Self {
        self.developer_account_id = id.into();
        self
    }

    /// The display name in the Authress portal (`name`).
    #[must_use]
    pub fn name(mut self, name: impl Into<Nullable<String>>) -> Self {
        self.name = name.into();
        self
    }

    /// How token-exchange parameters are sent to the provider (`supportedContentType`).
    #[must_use]
    pub fn supported_content_type(
        mut self,
        content_type: impl Into<Nullable<SupportedContentType>>,
    ) -> Self {
        self.supported_content_type = content_type.into();
        self
    }

    /// A user-info endpoint for providers that are not OpenID compliant (`oidcUserEndpointUrl`).
    #[must_use]
    pub fn oidc_user_endpoint_url(mut self, url: impl Into<Nullable<String>>) -> Self {
        self.oidc_user_endpoint_url = url.into();
        self
    }

    /// How the user id is derived from the provider's claims (`userIdExpression`).
    #[must_use]
    pub fn user_id_expression(mut self, expression: impl Into<Nullable<String>>) -> Self {
        self.user_id_expression = expression.into();
        self
    }

    /// Reuse the provider's user id instead of a generated one (`trustIdentityUserId`).
    #[must_use]
    pub fn trust_identity_user_id(mut self, trust: impl Into<Nullable<bool>>) -> Self {
        self.trust_identity_user_id = trust.into();
        self
    }
}

/// Default properties of every login through a connection
/// (`ConnectionDefaultConnectionProperties`). Any other key is a provider parameter, kept in
/// [`ConnectionDefaultConnectionProperties::extra`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConnectionDefaultConnectionProperties {
    /// Space-separated default scopes (default `profile email openid`).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub scope: Nullable<String>,
    /// Further properties (string values of at most 128 characters).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ConnectionDefaultConnectionProperties {
    /// Space-separated default scopes (`scope`).
    #[must_use]
    pub fn scope(mut self, scope: impl Into<Nullable<String>>) -> Self {
        self.scope = scope.into();
        self
    }

    /// Sets a further provider parameter (`prompt`, `access_type`, …), kept in
    /// [`ConnectionDefaultConnectionProperties::extra`].
    #[must_use]
    pub fn extra(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(name.into(), value.into());
        self
    }
}

/// Restrictions on when a connection may be used (`ConnectionConditions`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConnectionConditions {
    /// Require a business account.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub require_business_account: Nullable<bool>,
    /// Longest time between starting and completing a login, as an ISO-8601 duration (`PT5M`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_leeway_duration: Option<String>,
    /// Fields this version of the SDK does not know, kept and sent back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ConnectionConditions {
    /// Require a business account (`requireBusinessAccount`).
    #[must_use]
    pub fn require_business_account(mut self, require: impl Into<Nullable<bool>>) -> Self {
        self.require_business_account = require.into();
        self
    }

    /// Longest time between starting and completing a login, as an ISO-8601 duration
    /// (`authenticationLeewayDuration`, e.g. `PT5M`).
    #[must_use]
    pub fn authentication_leeway_duration(mut self, duration: impl Into<String>) -> Self {
        self.authentication_leeway_duration = Some(duration.into());
        self
    }
}

/// How logins through a connection are associated with tenants (`ConnectionTenantConfiguration`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConnectionTenantConfiguration {
    /// The assignment rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_type: Option<TenantAssignmentType>,
    /// Fields this version of the SDK does not know, kept and sent back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ConnectionTenantConfiguration {
    /// The assignment rule (`assignmentType`).
    #[must_use]
    pub fn assignment_type(mut self, assignment_type: TenantAssignmentType) -> Self {
        self.assignment_type = Some(assignment_type);
        self
    }
}

/// Identity linking of a connection (`ConnectionLinkingConfiguration`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConnectionLinkingConfiguration {
    /// The linking mode; `null` disables linking.
    #[serde(rename = "type", default, skip_serializing_if = "Nullable::is_absent")]
    pub linking_type: Nullable<LinkingType>,
    /// Fields this version of the SDK does not know, kept and sent back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ConnectionLinkingConfiguration {
    /// The linking mode (`type`); [`Nullable::Null`] disables linking.
    #[must_use]
    pub fn linking_type(mut self, linking_type: impl Into<Nullable<LinkingType>>) -> Self {
        self.linking_type = linking_type.into();
        self
    }
}
