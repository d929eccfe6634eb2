//! Issue 13, item 6: `~/.okta/okta.yaml`, `./okta.yaml` and the environment, later sources
//! winning, as Okta's official SDKs read them (Python `okta/config/config_setter.py`, Go
//! `okta/configuration.go`); the org URL and token checks of Python's `config_validator.py`.
//! Every test uses its own temporary HOME and project directory, and a variable map instead of
//! the process environment, so tests run in parallel without touching the process state.

use std::collections::HashMap;
use std::path::PathBuf;

use idp_okta::{ClientBuilder, EnvVars, ErrorKind};
use idp_testkit::{FakeOkta, ServiceAppKey};

use crate::common::TestResult;

const RSA_PEM: &str = include_str!("keys/test-only-rsa-private.pem");

/// A fresh HOME (with `.okta/`) and project directory under the system temp dir, removed on drop.
struct Dirs {
    root: PathBuf,
}

impl Dirs {
    fn new() -> std::io::Result<Dirs> {
        let root = std::env::temp_dir().join(format!("idp-okta-yaml-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(root.join("home").join(".okta"))?;
        std::fs::create_dir_all(root.join("project"))?;
        Ok(Dirs { root })
    }
    fn home(&self) -> PathBuf {
        self.root.join("home")
    }
    fn project(&self) -> PathBuf {
        self.root.join("project")
    }
    fn home_yaml(&self, text: &str) -> std::io::Result<()> {
        std::fs::write(self.home().join(".okta").join("okta.yaml"), text)
    }
    fn project_yaml(&self, text: &str) -> std::io::Result<()> {
        std::fs::write(self.project().join("okta.yaml"), text)
    }
    fn builder(&self, env: &[(&str, &str)]) -> idp_okta::Result<ClientBuilder> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ClientBuilder::from_okta_yaml_in(
            Some(&self.home()),
            Some(&self.project()),
            EnvVars::from_fn(move |k| env.get(k).cloned()),
        )
    }
}

impl Drop for Dirs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| format!("{pad}{l}\n"))
        .collect::<String>()
}

/// The project file wins over the home file, and the environment over both: the org URL comes
/// from `./okta.yaml`, the token from the environment (the home file's is wrong), and the retry
/// count from the environment under Go's spelling although the file sets it.
#[tokio::test]
async fn project_yaml_beats_home_yaml_and_the_environment_beats_both() -> TestResult {
    let okta = FakeOkta::start().await?;
    let dirs = Dirs::new()?;
    dirs.home_yaml(
        "okta:\n  client:\n    orgUrl: https://home.okta.com\n    authorizationMode: SSWS\n    token: wrong-home-token\n    rateLimit:\n      maxRetries: 5\n",
    )?;
    dirs.project_yaml(&format!(
        "okta:\n  client:\n    orgUrl: {}\n    token: wrong-project-token\n    requestTimeout: 7\n    rateLimit:\n      maxRetries: 4\n",
        okta.base_url()
    ))?;
    let client = dirs
        .builder(&[
            ("OKTA_CLIENT_TOKEN", okta.api_token()),
            ("OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES", "1"),
        ])?
        .build()?;
    assert_eq!(client.core().base_url().as_str(), okta.base_url());
    assert_eq!(client.core().retry_policy().retries(), 1);
    client.hook_keys().list().send().await?;
    let sent = okta.requests().pop().ok_or("the call")?;
    assert_eq!(
        sent.header("authorization"),
        Some(format!("SSWS {}", okta.api_token()).as_str())
    );

    // Without the variables, the project file's values apply over the home file's.
    let client = dirs.builder(&[])?.build()?;
    assert_eq!(client.core().retry_policy().retries(), 4);
    let err = client.hook_keys().list().send().await.err().ok_or("401")?;
    assert!(err.is_unauthorized(), "{err}");
    Ok(())
}

/// A service app configured entirely in `okta.yaml`: `PrivateKey` mode, the PEM as a block
/// scalar, `scopes` as a list, `privateKeyId` sent as the assertion's `kid`.
#[tokio::test]
async fn a_private_key_service_app_from_okta_yaml_authenticates() -> TestResult {
    let okta = FakeOkta::start().await?;
    okta.register_service_app("0oaYaml", ServiceAppKey::Pem(RSA_PEM.to_owned()))?;
    let dirs = Dirs::new()?;
    dirs.home_yaml(&format!(
        "okta:\n  client:\n    orgUrl: {}\n    authorizationMode: PrivateKey\n    clientId: 0oaYaml\n    scopes:\n      - okta.inlineHooks.read\n    privateKeyId: kid-from-yaml\n    privateKey: |\n{}",
        okta.base_url(),
        indent(RSA_PEM, 6)
    ))?;
    let client = dirs.builder(&[])?.build()?;
    client.hook_keys().list().send().await?;
    let token = okta
        .requests()
        .into_iter()
        .find(|r| r.operation == Some("token"))
        .ok_or("token request")?;
    let body = String::from_utf8(token.body.to_vec())?;
    let assertion = url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "client_assertion")
        .map(|(_, v)| v.into_owned())
        .ok_or("assertion")?;
    let (header, claims) = crate::common::jwt_parts(&assertion);
    assert_eq!(header["kid"], "kid-from-yaml");
    assert_eq!(claims["iss"], "0oaYaml");
    Ok(())
}

fn invalid(dirs: &Dirs, yaml: &str, env: &[(&str, &str)]) -> String {
    dirs.project_yaml(yaml).expect("write okta.yaml");
    let Err(err) = dirs.builder(env).and_then(ClientBuilder::build) else {
        panic!("refused: {yaml}");
    };
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    err.to_string()
}

/// The org URL and token checks of okta-sdk-python's `config_validator.py`, on values from a
/// file: a placeholder domain, the admin console, a `.com.com` typo, a doubled scheme, plain
/// `http`, and the `{apiToken}` placeholder. No message shows the token.
#[test]
fn okta_yaml_values_are_checked_like_the_official_sdks() -> TestResult {
    let dirs = Dirs::new()?;
    let with_url =
        |url: &str| format!("okta:\n  client:\n    orgUrl: \"{url}\"\n    token: s3cr3t-token\n");
    for (url, needle) in [
        ("https://{yourOktaDomain}", "{yourOktaDomain}"),
        ("https://acme-admin.okta.com", "-admin"),
        ("https://acme.okta.com.com", ".com.com"),
        ("https://https://acme.okta.com", "://"),
        ("http://acme.okta.com", "https"),
    ] {
        let text = invalid(&dirs, &with_url(url), &[]);
        assert!(text.contains(needle), "{url}: {text}");
        assert!(!text.contains("s3cr3t"), "{text}");
    }
    let text = invalid(
        &dirs,
        "okta:\n  client:\n    orgUrl: https://acme.okta.com\n    token: \"{apiToken}\"\n",
        &[],
    );
    assert!(text.contains("{apiToken}"), "{text}");
    // A bad value from the environment is refused the same way, the file notwithstanding.
    let text = invalid(
        &dirs,
        &with_url("https://acme.okta.com"),
        &[("OKTA_CLIENT_ORGURL", "https://acme-admin.okta.com")],
    );
    assert!(text.contains("-admin"), "{text}");
    Ok(())
}

/// A file that is not YAML is named with the line of the problem, never its content; missing
/// files are skipped, and with nothing configured the error names the missing settings.
#[test]
fn broken_and_missing_files() -> TestResult {
    let dirs = Dirs::new()?;
    let text = invalid(
        &dirs,
        "okta:\n  client:\n    token: s3cr3t-token\n   orgUrl: [unclosed\n",
        &[],
    );
    assert!(
        text.contains("okta.yaml") && text.contains("line"),
        "{text}"
    );
    assert!(!text.contains("s3cr3t"), "{text}");

    let empty = Dirs::new()?;
    let err = empty.builder(&[]).err().ok_or("nothing configured")?;
    let text = err.to_string();
    assert!(
        text.contains("OKTA_CLIENT_ORGURL") && text.contains("OKTA_CLIENT_TOKEN"),
        "{text}"
    );
    // An empty file, or one without `okta.client`, sets nothing.
    empty.home_yaml("")?;
    empty.project_yaml("other: 1\n")?;
    let client = empty
        .builder(&[
            ("OKTA_CLIENT_ORGURL", "https://acme.okta.com"),
            ("OKTA_CLIENT_TOKEN", "t"),
        ])?
        .build()?;
    assert_eq!(client.core().base_url().as_str(), "https://acme.okta.com");
    Ok(())
}
