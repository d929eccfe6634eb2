//! Clients for the testkit fakes, shared by the workspace tests.

use std::sync::Arc;

use idp::RetryPolicy;
use idp_test_support::{MockTransport, RecordingSleeper};
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

/// An Okta client on `base` with an API token, no retries.
pub(crate) fn okta_at(base: &str) -> idp::Result<idp::okta::Client> {
    idp::okta::Client::builder()
        .org_url(base)
        .api_token("hostile-okta-token")
        .sleeper(Arc::new(RecordingSleeper::new()))
        .retry_policy(RetryPolicy::none())
        .build()
}

/// An Authress client on `base` with a user token, no retries.
pub(crate) fn authress_at(base: &str) -> idp::Result<idp::authress::Client> {
    idp::authress::Client::builder()
        .base_url(base)
        .user_token("hostile-authress-token")
        .sleeper(Arc::new(RecordingSleeper::new()))
        .retry_policy(RetryPolicy::none())
        .build()
}

/// A Kinde client on `base` with a bearer token, no retries.
pub(crate) fn kinde_at(base: &str) -> idp::Result<idp::kinde::Client> {
    idp::kinde::Client::builder()
        .domain(base)
        .access_token("hostile-kinde-token")
        .sleeper(Arc::new(RecordingSleeper::new()))
        .retry_policy(RetryPolicy::none())
        .build()
}

/// An Okta client over a recording transport, no retries.
pub(crate) fn okta_mock(mock: &MockTransport) -> idp::Result<idp::okta::Client> {
    idp::okta::Client::builder()
        .org_url("https://acme.okta.com")
        .api_token("hostile-okta-token")
        .transport(Arc::new(mock.clone()))
        .retry_policy(RetryPolicy::none())
        .build()
}

/// An Authress client over a recording transport, no retries.
pub(crate) fn authress_mock(mock: &MockTransport) -> idp::Result<idp::authress::Client> {
    idp::authress::Client::builder()
        .base_url("https://login.example.com")
        .user_token("hostile-authress-token")
        .transport(Arc::new(mock.clone()))
        .retry_policy(RetryPolicy::none())
        .build()
}

/// A Kinde client over a recording transport, no retries.
pub(crate) fn kinde_mock(mock: &MockTransport) -> idp::Result<idp::kinde::Client> {
    idp::kinde::Client::builder()
        .domain("https://acme.kinde.com")
        .access_token("hostile-kinde-token")
        .transport(Arc::new(mock.clone()))
        .retry_policy(RetryPolicy::none())
        .build()
}
