//! The operations, one file per resource, and the crate's operation table.

pub mod connections;

pub use connections::*;

use idp_core::OperationInfo;

/// Every operation this crate implements: the spec's `operationId`, the HTTP method and the spec's
/// path template, read from each operation's constants. `cargo xtask coverage` compares it with
/// the spec subset.
pub const OPERATIONS: &[OperationInfo] = &[
    OperationInfo::of::<CreateConnection>(),
    OperationInfo::of::<DeleteConnection>(),
    OperationInfo::of::<GetConnection>(),
    OperationInfo::of::<GetConnections>(),
    OperationInfo::of::<ReplaceConnection>(),
    OperationInfo::of::<UpdateConnection>(),
];
