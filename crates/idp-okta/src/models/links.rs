//! HAL link objects shared by the Okta resources (`_links`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

idp_core::open_enum! {
    /// An HTTP method allowed on a link (`HttpMethod`). Open: the Python SDK's spec copy adds
    /// `PATCH`, and unknown values are kept.
    pub enum HttpMethod {
        /// `DELETE`.
        Delete = "DELETE",
        /// `GET`.
        Get = "GET",
        /// `POST`.
        Post = "POST",
        /// `PUT`.
        Put = "PUT",
        /// `PATCH` (in the Python SDK's spec copy only).
        Patch = "PATCH",
    }
}

/// Allowed HTTP verbs for a link's `href` (`HrefHints`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HrefHints {
    /// The allowed methods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow: Option<Vec<HttpMethod>>,
    /// Fields this version of the SDK does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Allowed HTTP verbs and consent guidance for a link's `href` (`HrefHintsGuidanceObject`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HrefHintsGuidanceObject {
    /// The allowed methods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow: Option<Vec<HttpMethod>>,
    /// URIs to invoke to grant the scope consent an OAuth 2.0 connection needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<Vec<String>>,
    /// Fields this version of the SDK does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A link object (`HrefObject`; also `HrefObjectSelfLink`, `HrefObjectAppLink`, … which only
/// differ in their description).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HrefObject {
    /// The link URI.
    #[serde(default)]
    pub href: String,
    /// Allowed methods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hints: Option<HrefHints>,
    /// The link name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether `href` is a URI template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templated: Option<bool>,
    /// The media type of the link (`application/json` when absent).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Further properties (`additionalProperties: true`), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Link to the resource itself (`HrefObjectSelfLink`).
pub type HrefObjectSelfLink = HrefObject;
/// Link to activate the resource (`HrefObjectActivateLink`).
pub type HrefObjectActivateLink = HrefObject;
/// Link to deactivate the resource (`HrefObjectDeactivateLink`).
pub type HrefObjectDeactivateLink = HrefObject;
/// Link to the app (`HrefObjectAppLink`).
pub type HrefObjectAppLink = HrefObject;
/// Link to the group (`HrefObjectGroupLink`).
pub type HrefObjectGroupLink = HrefObject;
/// Link to the user (`HrefObjectUserLink`).
pub type HrefObjectUserLink = HrefObject;

/// Link to authorize scopes (`HrefObjectAuthorizeLink`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HrefObjectAuthorizeLink {
    /// The link URI.
    #[serde(default)]
    pub href: String,
    /// Allowed methods and guidance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hints: Option<HrefHintsGuidanceObject>,
    /// Fields this version of the SDK does not know (Okta's Office 365 example puts `guidance`
    /// beside `hints`), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `self` link (`LinksSelf`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LinksSelf {
    /// Link to the resource.
    #[serde(default, rename = "self", skip_serializing_if = "Option::is_none")]
    pub self_link: Option<HrefObjectSelfLink>,
    /// Other links, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `self`, `activate` and `deactivate` links (`LinksSelfAndLifecycle`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LinksSelfAndLifecycle {
    /// Link to the resource.
    #[serde(default, rename = "self", skip_serializing_if = "Option::is_none")]
    pub self_link: Option<HrefObjectSelfLink>,
    /// Link to activate the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activate: Option<HrefObjectActivateLink>,
    /// Link to deactivate the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivate: Option<HrefObjectDeactivateLink>,
    /// Other links, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `self`, `activate`, `deactivate` and `authorize` links (`LinksSelfLifecycleAndAuthorize`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LinksSelfLifecycleAndAuthorize {
    /// Link to the resource.
    #[serde(default, rename = "self", skip_serializing_if = "Option::is_none")]
    pub self_link: Option<HrefObjectSelfLink>,
    /// Link to activate the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activate: Option<HrefObjectActivateLink>,
    /// Link to deactivate the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivate: Option<HrefObjectDeactivateLink>,
    /// Link to authorize scopes (OAuth 2.0 connections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorize: Option<HrefObjectAuthorizeLink>,
    /// Other links, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `app`, `group` and `user` links of an application user (`LinksAppAndUser`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LinksAppAndUser {
    /// Link to the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<HrefObjectAppLink>,
    /// Link to the group (group-derived assignments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<HrefObjectGroupLink>,
    /// Link to the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<HrefObjectUserLink>,
    /// Other links, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
