//! The operations of the Authress API this crate implements, one file per resource. Every
//! operation is a public value (`GetConnection::new(id)`) that a client runs with
//! [`crate::Client::execute`] / [`crate::Client::items`].

pub mod connections;

pub use connections::{
    Connections, CreateConnection, DeleteConnection, GetConnection, GetConnectionCredentials,
    GetConnections, UpdateConnection,
};

use idp_core::OperationInfo;

/// Every operation this crate implements: the spec's `operationId`, method and path template,
/// read from the operations themselves.
pub const OPERATIONS: &[OperationInfo] = &[
    OperationInfo::of::<CreateConnection>(),
    OperationInfo::of::<DeleteConnection>(),
    OperationInfo::of::<GetConnection>(),
    OperationInfo::of::<GetConnectionCredentials>(),
    OperationInfo::of::<GetConnections>(),
    OperationInfo::of::<UpdateConnection>(),
];
