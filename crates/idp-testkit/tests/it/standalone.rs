//! The standalone `idp-fakes` binary: ports, its JSON line, the control API, signals.

// The process helpers below build fixtures; a failure there is a test failure.
#![allow(clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{TestResult, http, json};

/// The running binary; killed on drop if a test fails before stopping it.
struct Fakes {
    child: Child,
    line: Value,
}

impl Drop for Fakes {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Fakes {
    fn start(args: &[&str]) -> Fakes {
        let mut child = Command::new(env!("CARGO_BIN_EXE_idp-fakes"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("idp-fakes starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("reads the JSON line");
        let line = serde_json::from_str(&first).expect("the first line is JSON");
        Fakes { child, line }
    }

    fn url(&self, fake: &str) -> String {
        self.line[fake]["base_url"]
            .as_str()
            .expect("base_url")
            .to_owned()
    }

    /// Sends a signal with the system's `kill` and waits (bounded) for the process to exit.
    fn signal(&mut self, signal: &str) -> ExitStatus {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "idp-fakes ignored SIG{signal}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[test]
fn standalone_listens_on_given_ports_prints_credentials_and_stops_on_sigterm() {
    let (okta, authress, kinde) = (free_port(), free_port(), free_port());
    let mut fakes = Fakes::start(&[
        "--okta-port",
        &okta.to_string(),
        &format!("--authress-port={authress}"),
        "--kinde-port",
        &kinde.to_string(),
    ]);
    let line = fakes.line.clone();
    assert_eq!(fakes.url("okta"), format!("http://127.0.0.1:{okta}"));
    assert_eq!(
        fakes.url("authress"),
        format!("http://127.0.0.1:{authress}")
    );
    assert_eq!(fakes.url("kinde"), format!("http://127.0.0.1:{kinde}"));
    assert!(
        line["okta"]["api_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert!(
        line["authress"]["access_key"]
            .as_str()
            .is_some_and(|k| k.starts_with("sc_"))
    );
    assert!(line["kinde"]["client_id"].is_string());
    assert!(line["kinde"]["client_secret"].is_string());
    assert_eq!(line["kinde"]["domain"], format!("127.0.0.1:{kinde}"));
    let status = fakes.signal("TERM");
    assert!(status.success(), "{status}");
}

#[test]
fn standalone_stops_on_sigint() {
    let mut fakes = Fakes::start(&[]);
    let status = fakes.signal("INT");
    assert!(status.success(), "{status}");
}

#[tokio::test]
async fn standalone_credentials_work_and_seed_creates_data() -> TestResult {
    let fakes = Fakes::start(&["--seed", "3"]);
    let okta = fakes.url("okta");
    let token = fakes.line["okta"]["api_token"].as_str().unwrap_or_default();
    let app = fakes.line["okta"]["app_id"].as_str().unwrap_or_default();
    let (s, users) = json(
        http()
            .get(format!("{okta}/api/v1/apps/{app}/users"))
            .header("authorization", format!("SSWS {token}"))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 200);
    assert_eq!(users.as_array().map(Vec::len), Some(3));

    let kinde = &fakes.line["kinde"];
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", kinde["client_id"].as_str().unwrap_or_default())
        .append_pair(
            "client_secret",
            kinde["client_secret"].as_str().unwrap_or_default(),
        )
        .append_pair("audience", kinde["audience"].as_str().unwrap_or_default())
        .finish();
    let (s, body) = json(
        http()
            .post(format!("{}/oauth2/token", fakes.url("kinde")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 200, "{body}");
    let bearer = format!("Bearer {}", body["access_token"].as_str().unwrap_or(""));
    let (s, list) = json(
        http()
            .get(format!("{}/api/v1/connections", fakes.url("kinde")))
            .header("authorization", bearer)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 200);
    assert_eq!(list["connections"].as_array().map(Vec::len), Some(3));

    let access_key = fakes.line["authress"]["access_key"]
        .as_str()
        .unwrap_or_default();
    let (s, list) = json(
        http()
            .get(format!("{}/v1/connections", fakes.url("authress")))
            .header("authorization", format!("Bearer {access_key}"))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["connections"].as_array().map(Vec::len), Some(3));

    // The control API seeds more, and reset forgets everything.
    let (s, seeded) = json(
        http()
            .post(format!("{}/__testkit/seed", fakes.url("kinde")))
            .body(r#"{"n": 2}"#)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 200);
    assert_eq!(seeded["ids"].as_array().map(Vec::len), Some(2));
    let (s, _) = json(
        http()
            .post(format!("{okta}/__testkit/seed"))
            .body(r#"{"n": 1, "app_id": "0oaother", "users": ["00ufree"]}"#)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 200);
    let (s, _) = json(
        http()
            .post(format!("{okta}/__testkit/reset"))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 200);
    let (s, users) = json(
        http()
            .get(format!("{okta}/api/v1/apps/{app}/users"))
            .header("authorization", format!("SSWS {token}"))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 200, "the API token survives a reset");
    assert_eq!(users, json!([]));
    Ok(())
}

#[tokio::test]
async fn standalone_control_api_injects_faults_and_bounds_the_request_log() -> TestResult {
    let fakes = Fakes::start(&["--request-log-limit", "3"]);
    let base = fakes.url("authress");
    let control = format!("{base}/__testkit");
    let (s, armed) = json(
        http()
            .post(format!("{control}/faults"))
            .body(
                r#"{"fault": "status", "status": 503, "count": 2, "operation": "getConnections"}"#,
            )
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, armed), (200, json!({"pending": 2})));
    for expected in [503, 503, 401, 401, 401] {
        let r = http().get(format!("{base}/v1/connections")).send().await?;
        assert_eq!(r.status().as_u16(), expected);
    }
    let (_, pending) = json(http().get(format!("{control}/faults")).send().await?).await?;
    assert_eq!(pending, json!({"pending": 0}));

    let (s, log) = json(http().get(format!("{control}/requests")).send().await?).await?;
    assert_eq!(s, 200);
    let log = log.as_array().cloned().unwrap_or_default();
    assert_eq!(log.len(), 3, "only the newest 3 requests are kept");
    assert!(log.iter().all(|r| r["path"] == "/v1/connections"
        && r["operation"] == "getConnections"
        && r["fault"].is_null()));

    let (s, _) = json(http().delete(format!("{control}/requests")).send().await?).await?;
    assert_eq!(s, 200);
    let (_, log) = json(http().get(format!("{control}/requests")).send().await?).await?;
    assert_eq!(log, json!([]), "control requests are not logged");

    let (s, body) = json(
        http()
            .post(format!("{control}/faults"))
            .body(r#"{"fault": "nope"}"#)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 400);
    assert!(body["error"].is_string());
    let (s, _) = json(http().get(format!("{control}/nope")).send().await?).await?;
    assert_eq!(s, 404);
    Ok(())
}

// What the providers' official clients send, which the fakes accept as the services do.

#[tokio::test]
async fn okta_accepts_ssws_with_and_without_the_space() -> TestResult {
    let okta = idp_testkit::FakeOkta::start().await?;
    let url = format!("{}/api/v1/hook-keys", okta.base_url());
    // `SSWS <token>` (Okta's docs) and `SSWS<token>` (okta-sdk-python 3.x).
    for value in [
        format!("SSWS {}", okta.api_token()),
        format!("SSWS{}", okta.api_token()),
    ] {
        let r = http()
            .get(&url)
            .header("authorization", &value)
            .send()
            .await?;
        assert_eq!(r.status().as_u16(), 200, "{}", &value[..5]);
    }
    let (s, body) = json(
        http()
            .get(&url)
            .header("authorization", format!("SSWS{}x", okta.api_token()))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 401);
    assert_eq!(body["errorCode"], "E0000011");
    Ok(())
}

async fn kinde_token_status(
    kinde: &idp_testkit::FakeKinde,
    audience: &str,
    host: Option<&str>,
) -> Result<(u16, Value), Box<dyn std::error::Error>> {
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", kinde.client_id())
        .append_pair("client_secret", kinde.client_secret())
        .append_pair("audience", audience)
        .finish();
    let mut request = http()
        .post(format!("{}/oauth2/token", kinde.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form);
    if let Some(host) = host {
        request = request.header("host", host);
    }
    Ok(json(request.send().await?).await?)
}

#[tokio::test]
async fn kinde_accepts_the_https_audience_its_sdks_derive_from_the_domain() -> TestResult {
    let kinde = idp_testkit::FakeKinde::start().await?;
    let host = kinde.base_url().trim_start_matches("http://").to_owned();
    // kinde-python-sdk: f"https://{domain}/api".
    let (s, body) = kinde_token_status(&kinde, &format!("https://{host}/api"), None).await?;
    assert_eq!(s, 200, "{body}");
    let (s, _) = kinde_token_status(&kinde, &kinde.audience(), None).await?;
    assert_eq!(s, 200);
    // Reached under another name (a TLS terminator in front of the fake): that name's audience.
    let (s, body) = kinde_token_status(
        &kinde,
        "https://biz.kinde.test:8443/api",
        Some("biz.kinde.test:8443"),
    )
    .await?;
    assert_eq!(s, 200, "{body}");
    for wrong in [
        "https://other.kinde.test/api",
        &format!("https://{host}/api/"),
        &format!("https://{host}"),
        "https:///api",
    ] {
        let (s, body) = kinde_token_status(&kinde, wrong, None).await?;
        assert_eq!(
            (s, &body["error"]),
            (400, &json!("unauthorized_client")),
            "{wrong}"
        );
    }
    Ok(())
}
