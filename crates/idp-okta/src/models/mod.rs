//! One Rust type per schema of Okta's spec subset, named after it.
//!
//! Enums are open (unknown values are kept and round-trip); unknown fields never fail decoding,
//! and on the types you read, edit and send back they are kept in `extra`.
//!
//! Timestamps are kept as the strings Okta sent (`2014-06-24T15:27:59.000Z`); their accessors
//! (`created()`, `last_updated()`, …) parse them as RFC 3339 into an [`OffsetDateTime`] (from the
//! `time` crate, re-exported here), `None` when absent or not RFC 3339.

pub mod application_connections;
pub mod application_users;
pub mod error;
pub mod hook_keys;
pub mod links;

pub use application_connections::*;
pub use application_users::*;
pub use error::{Error, ErrorCause};
pub use hook_keys::{DetailedHookKeyInstance, Embedded, HookKey, KeyRequest, PublicKey};
pub use links::*;

pub use time::OffsetDateTime;

/// An RFC 3339 timestamp as Okta sends it, parsed; `None` when absent or unparsable.
pub(crate) fn timestamp(raw: Option<&str>) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(raw?.trim(), &time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn okta_timestamps_parse_as_rfc3339() {
        let t = timestamp(Some("2014-06-24T15:27:59.000Z"));
        assert_eq!(t.map(OffsetDateTime::unix_timestamp), Some(1_403_623_679));
        let offset = timestamp(Some("2024-01-01T01:00:00.5+01:00"));
        assert_eq!(
            offset.map(OffsetDateTime::unix_timestamp),
            Some(1_704_067_200)
        );
        assert_eq!(timestamp(Some("yesterday")), None);
        assert_eq!(timestamp(None), None);
    }
}
