//! The operations, one struct per spec operation, grouped by resource; and the operation table.

pub mod application_connections;
pub mod application_users;
pub mod hook_keys;

pub use application_connections::*;
pub use application_users::*;
pub use hook_keys::*;

use idp_core::OperationInfo;

const fn row(id: &'static str, method: &'static str, path: &'static str) -> OperationInfo {
    OperationInfo { id, method, path }
}

/// Every operation this crate implements: the spec's `operationId`, method and path template.
pub const OPERATIONS: &[OperationInfo] = &[
    row(
        "activateDefaultProvisioningConnectionForApplication",
        "POST",
        "/api/v1/apps/{appId}/connections/default/lifecycle/activate",
    ),
    row(
        "deactivateDefaultProvisioningConnectionForApplication",
        "POST",
        "/api/v1/apps/{appId}/connections/default/lifecycle/deactivate",
    ),
    row(
        "getDefaultProvisioningConnectionForApplication",
        "GET",
        "/api/v1/apps/{appId}/connections/default",
    ),
    row(
        "updateDefaultProvisioningConnectionForApplication",
        "POST",
        "/api/v1/apps/{appId}/connections/default",
    ),
    row(
        "assignUserToApplication",
        "POST",
        "/api/v1/apps/{appId}/users",
    ),
    row(
        "getApplicationUser",
        "GET",
        "/api/v1/apps/{appId}/users/{userId}",
    ),
    row("listApplicationUsers", "GET", "/api/v1/apps/{appId}/users"),
    row(
        "unassignUserFromApplication",
        "DELETE",
        "/api/v1/apps/{appId}/users/{userId}",
    ),
    row(
        "updateApplicationUser",
        "POST",
        "/api/v1/apps/{appId}/users/{userId}",
    ),
    row("createHookKey", "POST", "/api/v1/hook-keys"),
    row("deleteHookKey", "DELETE", "/api/v1/hook-keys/{id}"),
    row("getHookKey", "GET", "/api/v1/hook-keys/{id}"),
    row("getPublicKey", "GET", "/api/v1/hook-keys/public/{keyId}"),
    row("listHookKeys", "GET", "/api/v1/hook-keys"),
    row("replaceHookKey", "PUT", "/api/v1/hook-keys/{id}"),
];
