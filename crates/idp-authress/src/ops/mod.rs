//! The operations of the Authress API this crate implements, one file per resource.

pub mod connections;

pub use connections::{
    Connections, CreateConnection, DeleteConnection, GetConnection, GetConnectionCredentials,
    GetConnections, UpdateConnection,
};

use idp_core::OperationInfo;

/// Every operation this crate implements: the spec's `operationId`, method and path template.
pub const OPERATIONS: &[OperationInfo] = &[
    OperationInfo {
        id: "createConnection",
        method: "POST",
        path: "/v1/connections",
    },
    OperationInfo {
        id: "deleteConnection",
        method: "DELETE",
        path: "/v1/connections/{connectionId}",
    },
    OperationInfo {
        id: "getConnection",
        method: "GET",
        path: "/v1/connections/{connectionId}",
    },
    OperationInfo {
        id: "getConnectionCredentials",
        method: "GET",
        path: "/v1/connections/{connectionId}/users/{userId}/credentials",
    },
    OperationInfo {
        id: "getConnections",
        method: "GET",
        path: "/v1/connections",
    },
    OperationInfo {
        id: "updateConnection",
        method: "PUT",
        path: "/v1/connections/{connectionId}",
    },
];
