//! Authentication challenges sent with 400 (Okta answers a DPoP nonce challenge on an API call
//! with `400` and `WWW-Authenticate`, okta-sdk-python #541 / okta-sdk-nodejs #453): the
//! credentials decide whether a 400 is a challenge; the pipeline retries it at most once per call.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use http::{HeaderMap, Method, StatusCode};
use idp_core::{
    AccessToken, AuthContext, CachedToken, Client, Credentials, ErrorBody, ErrorKind, HttpRequest,
    HttpResponse, OnUnauthorized, Operation, PathParams, Provider, RetryPolicy, SecretString,
    TokenSource,
};
use idp_test_support::{MockTransport, RecordingSleeper};
use serde::Deserialize;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[derive(Debug)]
struct TestApi;

impl Provider for TestApi {
    const NAME: &'static str = "test";
    const USER_AGENT: &'static str = "idp-test/0.0";

    fn parse_error(_status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> ErrorBody {
        #[derive(Deserialize)]
        struct E {
            code: Option<String>,
        }
        match serde_json::from_slice::<E>(body) {
            Ok(e) => ErrorBody::new(e.code, None),
            Err(_) => ErrorBody::default(),
        }
    }

    fn request_id(_headers: &HeaderMap) -> Option<String> {
        None
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
struct Thing {
    id: String,
}

#[derive(Debug, Clone)]
struct GetThing;

impl Operation for GetThing {
    type Provider = TestApi;
    type Output = Thing;
    const ID: &'static str = "getThing";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/things/{thingId}";
    fn path_params(&self) -> PathParams<'_> {
        ["t1"].into()
    }
}

/// A test-only challenge: a 400 with `x-challenge: <value>`; the value is put on the next
/// request as `x-answer` (as a DPoP nonce goes into the next proof).
#[derive(Debug, Default)]
struct ChallengedSource {
    answer: Mutex<Option<String>>,
    fetches: AtomicUsize,
}

#[async_trait]
impl TokenSource for ChallengedSource {
    async fn fetch(&self, _cx: &AuthContext<'_>) -> idp_core::Result<AccessToken> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        Ok(AccessToken::new(SecretString::from("tok"), None))
    }

    fn apply(
        &self,
        _token: &AccessToken,
        request: &mut HttpRequest,
        _cx: &AuthContext<'_>,
    ) -> idp_core::Result<()> {
        if let Some(answer) = self.answer.lock().ok().and_then(|a| a.clone()) {
            if let Ok(value) = http::HeaderValue::from_str(&answer) {
                request.headers_mut().insert("x-answer", value);
            }
        }
        Ok(())
    }

    fn on_challenge(&self, response: &HttpResponse) -> OnUnauthorized {
        match response
            .headers()
            .get("x-challenge")
            .and_then(|v| v.to_str().ok())
        {
            Some(value) => {
                if let Ok(mut answer) = self.answer.lock() {
                    *answer = Some(value.to_owned());
                }
                OnUnauthorized::Retry
            }
            None => OnUnauthorized::GiveUp,
        }
    }
}

fn client(
    mock: &MockTransport,
) -> Result<(Client<TestApi>, Arc<CachedToken<ChallengedSource>>), idp_core::Error> {
    let credentials = Arc::new(CachedToken::new(ChallengedSource::default()));
    let client = Client::<TestApi>::builder()
        .base_url("https://api.example.com")
        .transport(Arc::new(mock.clone()))
        .credentials(credentials.clone())
        .retry_policy(RetryPolicy::none())
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build()?;
    Ok((client, credentials))
}

#[tokio::test]
async fn a_400_challenge_is_retried_once_with_its_answer() -> TestResult {
    let mock = MockTransport::new();
    mock.push(400, &[("x-challenge", "n1")], r#"{"code":"challenge"}"#)
        .push_json(200, &serde_json::json!({"id": "t1"}));
    let (client, credentials) = client(&mock)?;
    let thing = client.execute(&GetThing).await?;
    assert_eq!(thing.id, "t1");
    let requests = mock.requests();
    assert_eq!(requests.len(), 2, "one challenge, one retry");
    assert_eq!(requests[0].header("x-answer"), None);
    assert_eq!(requests[1].header("x-answer"), Some("n1"));
    // `Retry` keeps the token: no second fetch.
    assert_eq!(credentials.source().fetches.load(Ordering::SeqCst), 1);
    Ok(())
}

#[tokio::test]
async fn a_second_400_challenge_in_one_call_is_the_error() -> TestResult {
    let mock = MockTransport::new();
    mock.push(400, &[("x-challenge", "n1")], r#"{"code":"challenge"}"#)
        .push(400, &[("x-challenge", "n2")], r#"{"code":"again"}"#)
        .push_json(200, &serde_json::json!({"id": "t1"}));
    let (client, _) = client(&mock)?;
    let err = client
        .execute(&GetThing)
        .await
        .err()
        .ok_or("expected the second 400")?;
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
    assert_eq!(err.code(), Some("again"));
    assert_eq!(mock.request_count(), 2, "never a third attempt");
    // The second challenge was not offered to the credentials (no retry was left); the next
    // call starts afresh.
    let thing = client.execute(&GetThing).await?;
    assert_eq!(thing.id, "t1");
    Ok(())
}

#[tokio::test]
async fn a_400_that_is_not_a_challenge_is_not_retried() -> TestResult {
    let mock = MockTransport::new();
    mock.push(400, &[], r#"{"code":"invalid"}"#)
        .push_json(200, &serde_json::json!({"id": "t1"}));
    let (client, _) = client(&mock)?;
    let err = client
        .execute(&GetThing)
        .await
        .err()
        .ok_or("expected 400")?;
    assert_eq!(err.code(), Some("invalid"));
    assert_eq!(mock.request_count(), 1);
    Ok(())
}

/// Credentials that keep the default `on_challenge` (every provider but Okta) never retry a 400.
#[tokio::test]
async fn credentials_without_a_challenge_hook_never_retry_a_400() -> TestResult {
    #[derive(Debug)]
    struct Plain;
    #[async_trait]
    impl Credentials for Plain {
        async fn authorize(
            &self,
            _request: &mut HttpRequest,
            _cx: &AuthContext<'_>,
        ) -> idp_core::Result<idp_core::AuthStamp> {
            Ok(idp_core::AuthStamp(0))
        }
    }
    let mock = MockTransport::new();
    mock.push(400, &[("x-challenge", "n1")], r#"{"code":"challenge"}"#)
        .push_json(200, &serde_json::json!({"id": "t1"}));
    let client = Client::<TestApi>::builder()
        .base_url("https://api.example.com")
        .transport(Arc::new(mock.clone()))
        .credentials(Arc::new(Plain))
        .retry_policy(RetryPolicy::none())
        .build()?;
    assert!(client.execute(&GetThing).await.is_err());
    assert_eq!(mock.request_count(), 1);
    Ok(())
}
