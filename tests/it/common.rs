//! Clients for the testkit fakes, shared by the workspace tests.

use std::sync::Arc;

use idp::RetryPolicy;
use idp_test_support::RecordingSleeper;
use idp_testkit::{FakeAuthress, FakeKinde, FakeOkta};

/// An Okta client on the fake's API token, with a recording sleeper and the given policy.
pub(crate) fn okta(
    fake: &FakeOkta,
    sleeper: &RecordingSleeper,
    policy: RetryPolicy,
) -> idp::Result<idp::okta::Client> {
    idp::okta::Client::builder()
        .org_url(fake.base_url())
        .api_token(fake.api_token())
        .sleeper(Arc::new(sleeper.clone()))
        .retry_policy(policy)
        .build()
}

/// An Authress client on the fake's access key (signed locally).
pub(crate) fn authress(
    fake: &FakeAuthress,
    sleeper: &RecordingSleeper,
    policy: RetryPolicy,
) -> idp::Result<idp::authress::Client> {
    idp::authress::Client::builder()
        .base_url(fake.base_url())
        .access_key(fake.access_key())
        .sleeper(Arc::new(sleeper.clone()))
        .retry_policy(policy)
        .build()
}

/// A Kinde client on the fake's M2M credentials.
pub(crate) fn kinde(
    fake: &FakeKinde,
    sleeper: &RecordingSleeper,
    policy: RetryPolicy,
) -> idp::Result<idp::kinde::Client> {
    idp::kinde::Client::builder()
        .domain(fake.base_url())
        .client_credentials(fake.client_id(), fake.client_secret())
        .sleeper(Arc::new(sleeper.clone()))
        .retry_policy(policy)
        .build()
}
