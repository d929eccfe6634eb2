//! The operations, one struct per spec operation, grouped by resource; and the operation table.
//!
//! Every operation is a plain value: build it with `new` and its setters, inspect it (its
//! fields, [`Operation::path`](idp_core::Operation::path),
//! [`Operation::query_pairs`](idp_core::Operation::query_pairs),
//! [`Operation::body`](idp_core::Operation::body)), keep it, and run it with
//! [`Client::execute`](crate::Client::execute) (or [`Client::items`](crate::Client::items) for
//! lists). The resource handles (`okta.application_users()`, …) build the same values.

pub mod application_connections;
pub mod application_users;
pub mod hook_keys;

pub use application_connections::*;
pub use application_users::*;
pub use hook_keys::*;

pub use crate::pagination::ListApplicationUsersAs;

use idp_core::OperationInfo;

/// Every operation this crate implements: the spec's `operationId`, method and path template,
/// read from the operations' own constants.
pub const OPERATIONS: &[OperationInfo] = &[
    OperationInfo::of::<ActivateDefaultProvisioningConnectionForApplication>(),
    OperationInfo::of::<DeactivateDefaultProvisioningConnectionForApplication>(),
    OperationInfo::of::<GetDefaultProvisioningConnectionForApplication>(),
    OperationInfo::of::<UpdateDefaultProvisioningConnectionForApplication>(),
    OperationInfo::of::<AssignUserToApplication>(),
    OperationInfo::of::<GetApplicationUser>(),
    OperationInfo::of::<ListApplicationUsers>(),
    OperationInfo::of::<UnassignUserFromApplication>(),
    OperationInfo::of::<UpdateApplicationUser>(),
    OperationInfo::of::<CreateHookKey>(),
    OperationInfo::of::<DeleteHookKey>(),
    OperationInfo::of::<GetHookKey>(),
    OperationInfo::of::<GetPublicKey>(),
    OperationInfo::of::<ListHookKeys>(),
    OperationInfo::of::<ReplaceHookKey>(),
];
