//! The operations, one file per resource, and the crate's operation table.

pub mod connections;

pub use connections::*;

use idp_core::OperationInfo;

/// Every operation this crate implements: the spec's `operationId`, the HTTP method and the spec's
/// path template. `cargo xtask coverage` compares it with the spec subset.
pub const OPERATIONS: &[OperationInfo] = &[
    OperationInfo {
        id: "CreateConnection",
        method: "POST",
        path: "/api/v1/connections",
    },
    OperationInfo {
        id: "deleteConnection",
        method: "DELETE",
        path: "/api/v1/connections/{connection_id}",
    },
    OperationInfo {
        id: "GetConnection",
        method: "GET",
        path: "/api/v1/connections/{connection_id}",
    },
    OperationInfo {
        id: "GetConnections",
        method: "GET",
        path: "/api/v1/connections",
    },
    OperationInfo {
        id: "ReplaceConnection",
        method: "PUT",
        path: "/api/v1/connections/{connection_id}",
    },
    OperationInfo {
        id: "UpdateConnection",
        method: "PATCH",
        path: "/api/v1/connections/{connection_id}",
    },
];
