//! Configuration from the environment (through a lookup function; the process env is untouched).

use std::collections::HashMap;
use std::sync::Arc;

use idp_authress::{ClientBuilder, EnvVars, ErrorKind};
use idp_test_support::MockTransport;
use serde_json::json;

use crate::common::{TestResult, test_key};

fn from_lookup(vars: &[(&str, &str)]) -> idp_authress::Result<ClientBuilder> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    ClientBuilder::from_env_vars(EnvVars::from_fn(move |name| map.get(name).cloned()))
}

async fn host_of(
    builder: idp_authress::ClientBuilder,
) -> Result<String, Box<dyn std::error::Error>> {
    let mock = MockTransport::new();
    let client = builder.transport(Arc::new(mock.clone())).build()?;
    mock.push_json(200, &json!({"connections": []}));
    client.connections().list().send().await?;
    let req = mock.last_request().ok_or("no request")?;
    assert!(
        req.header("authorization")
            .is_some_and(|h| h.starts_with("Bearer eyJ"))
    );
    Ok(req.uri.host().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn authress_key_alone_derives_the_account_host() -> TestResult {
    let key = test_key("sc_a", "k", "acc-env")?;
    let builder = from_lookup(&[("AUTHRESS_KEY", &key.access_key)])?;
    assert_eq!(host_of(builder).await?, "acc-env.api.authress.io");
    Ok(())
}

#[tokio::test]
async fn api_url_wins_over_custom_domain_and_fallback_key_name_is_read() -> TestResult {
    let key = test_key("sc_a", "k", "acc-env")?;
    let builder = from_lookup(&[
        ("AUTHRESS_SERVICE_CLIENT_ACCESS_KEY", &key.access_key),
        ("AUTHRESS_API_URL", "login.example.com"),
        ("AUTHRESS_CUSTOM_DOMAIN", "other.example.com"),
    ])?;
    assert_eq!(host_of(builder).await?, "login.example.com");
    let builder = from_lookup(&[
        ("AUTHRESS_KEY", &key.access_key),
        ("AUTHRESS_API_URL", ""),
        ("AUTHRESS_CUSTOM_DOMAIN", "https://auth.example.com/"),
    ])?;
    assert_eq!(host_of(builder).await?, "auth.example.com");
    Ok(())
}

#[test]
fn missing_key_names_the_variables() {
    let err = from_lookup(&[("AUTHRESS_API_URL", "login.example.com")]).err();
    assert_eq!(
        err.as_ref().map(|e| e.kind()),
        Some(ErrorKind::InvalidInput)
    );
    let text = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        text.contains("AUTHRESS_KEY") && text.contains("AUTHRESS_SERVICE_CLIENT_ACCESS_KEY"),
        "{text}"
    );
}
