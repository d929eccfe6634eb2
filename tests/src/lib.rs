//! Shared pieces of the workspace tests and benchmarks: a static loopback server that answers the
//! three providers' `get` and `list` calls with canned, realistic bodies, so that the SDK and a
//! hand-written `reqwest` call can be measured against the same server in one run.

pub mod bench_server;
pub mod raw_server;
