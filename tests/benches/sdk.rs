//! idp against hand-written `reqwest` + `serde_json`, side by side in one run, on one loopback
//! server (`idp_tests::bench_server`). `cargo xtask bench` runs this and prints the ratios.
//!
//! Groups (each pairs `idp` with its baseline):
//! - `overhead/<provider>/{idp,raw}`: one `get`, sequential; `overhead64/…`: 64 concurrent gets.
//! - `list/<provider>/{idp,raw}`: listing every item (Okta 100 000 in pages of 500; Authress and
//!   Kinde 10 000).
//! - `decode/<page>/{idp,serde,plain,value}`: decoding one page of bytes through idp's decoder,
//!   with `serde_json` into the same models (the budget's baseline), into plain structs and into
//!   `serde_json::Value`.
//! - `auth/{static,cached}`: a call with a static token vs a cached M2M token.
//!
//! With `cpu` as its first argument the binary runs the client-CPU benchmark instead
//! (`cpu/mod.rs`): client and server in separate pinned processes, CPU time per call and per item,
//! instruction counts under valgrind.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark may abort on a broken setup

use std::hint::black_box;
use std::time::Duration;

use base64::Engine as _;
use criterion::{Criterion, criterion_group};
use idp_tests::bench_server::{BenchServer, authress_connection, kinde_connection, okta_app_user};
use serde::Deserialize;

const TOTAL: usize = 10_000;

/// The plain struct a hand-written client would decode an Okta app user into.
#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainAppUser {
    id: Option<String>,
    external_id: Option<String>,
    created: Option<String>,
    last_updated: Option<String>,
    scope: Option<String>,
    status: Option<String>,
    status_changed: Option<String>,
    password_changed: Option<String>,
    sync_state: Option<String>,
    last_sync: Option<String>,
    credentials: Option<serde_json::Map<String, serde_json::Value>>,
    profile: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(rename = "_links")]
    links: Option<serde_json::Map<String, serde_json::Value>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainAuthressConnection {
    connection_id: Option<String>,
    r#type: Option<String>,
    authentication_url: Option<String>,
    token_url: Option<String>,
    issuer_url: Option<String>,
    provider_certificate: Option<String>,
    client_id: Option<String>,
    data: Option<serde_json::Map<String, serde_json::Value>>,
    default_connection_properties: Option<serde_json::Map<String, serde_json::Value>>,
    user_data_configuration: Option<serde_json::Map<String, serde_json::Value>>,
    created_time: Option<String>,
    linking_configuration: Option<serde_json::Map<String, serde_json::Value>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct PlainAuthressPage {
    connections: Vec<PlainAuthressConnection>,
    pagination: Option<PlainPagination>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct PlainPagination {
    next: Option<PlainNext>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct PlainNext {
    cursor: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct PlainKindeConnection {
    id: Option<String>,
    name: Option<String>,
    display_name: Option<String>,
    strategy: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct PlainKindeEnvelope {
    code: Option<String>,
    message: Option<String>,
    connection: Option<PlainKindeConnection>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct PlainKindePage {
    code: Option<String>,
    message: Option<String>,
    connections: Vec<PlainKindeConnection>,
    has_more: Option<bool>,
}

struct Setup {
    rt: tokio::runtime::Runtime,
    base: String,
    raw: reqwest::Client,
    okta: idp::okta::Client,
    authress: idp::authress::Client,
    kinde: idp::kinde::Client,
    kinde_m2m: idp::kinde::Client,
}

fn setup() -> Result<Setup, Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let server = rt.block_on(BenchServer::start(TOTAL))?;
    let base = server.base_url();
    let _enter = rt.enter();
    // One reqwest client (one connection pool) shared by idp and the hand-written baseline.
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let shared: std::sync::Arc<dyn idp_core::Transport> =
        std::sync::Arc::new(idp_core::ReqwestTransport::from_client(
            raw.clone(),
            idp_core::transport::DEFAULT_MAX_RESPONSE_BYTES,
        ));
    let okta = idp::okta::Client::builder()
        .org_url(&base)
        .api_token("bench-token")
        .transport(shared.clone())
        .build()?;
    let authress = idp::authress::Client::builder()
        .base_url(&base)
        .user_token("bench-token")
        .transport(shared.clone())
        .build()?;
    let kinde = idp::kinde::Client::builder()
        .domain(&base)
        .access_token("bench-token")
        .transport(shared.clone())
        .build()?;
    let kinde_m2m = idp::kinde::Client::builder()
        .domain(&base)
        .client_credentials("bench-client", "bench-secret")
        .transport(shared)
        .build()?;
    Ok(Setup {
        rt,
        base,
        raw,
        okta,
        authress,
        kinde,
        kinde_m2m,
    })
}

async fn raw_get<T: serde::de::DeserializeOwned>(raw: &reqwest::Client, url: &str) -> T {
    let resp = raw
        .get(url)
        .header("authorization", "SSWS bench-token")
        .header("accept", "application/json")
        .send()
        .await
        .expect("raw send");
    let bytes = resp.bytes().await.expect("raw body");
    serde_json::from_slice(&bytes).expect("raw decode")
}

fn overhead(c: &mut Criterion, s: &Setup) {
    let okta_url = format!("{}/api/v1/apps/0oa1/users/00u1", s.base);
    let authress_url = format!("{}/v1/connections/con_1", s.base);
    let kinde_url = format!("{}/api/v1/connections/conn_1", s.base);
    let mut g = c.benchmark_group("overhead");
    g.bench_function("okta/idp", |b| {
        b.to_async(&s.rt).iter(|| async {
            black_box(
                s.okta
                    .application_users()
                    .get("0oa1", "00u1")
                    .send()
                    .await
                    .expect("okta get"),
            )
        })
    });
    g.bench_function("okta/raw", |b| {
        b.to_async(&s.rt)
            .iter(|| async { black_box(raw_get::<PlainAppUser>(&s.raw, &okta_url).await) })
    });
    g.bench_function("authress/idp", |b| {
        b.to_async(&s.rt).iter(|| async {
            black_box(
                s.authress
                    .connections()
                    .get("con_1")
                    .send()
                    .await
                    .expect("authress get"),
            )
        })
    });
    g.bench_function("authress/raw", |b| {
        b.to_async(&s.rt).iter(|| async {
            black_box(raw_get::<PlainAuthressConnection>(&s.raw, &authress_url).await)
        })
    });
    g.bench_function("kinde/idp", |b| {
        b.to_async(&s.rt).iter(|| async {
            black_box(
                s.kinde
                    .connections()
                    .get("conn_1")
                    .send()
                    .await
                    .expect("kinde get"),
            )
        })
    });
    g.bench_function("kinde/raw", |b| {
        b.to_async(&s.rt)
            .iter(|| async { black_box(raw_get::<PlainKindeEnvelope>(&s.raw, &kinde_url).await) })
    });
    g.finish();

    let mut g = c.benchmark_group("overhead64");
    g.sample_size(20);
    g.bench_function("okta/idp", |b| {
        b.to_async(&s.rt).iter(|| async {
            let calls = (0..64).map(|_| s.okta.application_users().get("0oa1", "00u1").send());
            for r in futures_util::future::join_all(calls).await {
                black_box(r.expect("okta get"));
            }
        })
    });
    g.bench_function("okta/raw", |b| {
        b.to_async(&s.rt).iter(|| async {
            let calls = (0..64).map(|_| raw_get::<PlainAppUser>(&s.raw, &okta_url));
            black_box(futures_util::future::join_all(calls).await);
        })
    });
    g.finish();
}

fn listing(c: &mut Criterion, s: &Setup) {
    let mut g = c.benchmark_group("list");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(8));
    g.bench_function("okta100k/idp", |b| {
        b.to_async(&s.rt).iter(|| async {
            let mut items = s
                .okta
                .application_users()
                .list("app100000")
                .limit(500)
                .items();
            let mut n = 0usize;
            while let Some(u) = items.try_next().await.expect("okta list") {
                black_box(u);
                n += 1;
            }
            assert_eq!(n, 100_000);
        })
    });
    g.bench_function("okta100k/raw", |b| {
        b.to_async(&s.rt).iter(|| async {
            let mut after = 0usize;
            let mut n = 0usize;
            loop {
                let url = format!(
                    "{}/api/v1/apps/app100000/users?after={after}&limit=500",
                    s.base
                );
                let resp = s
                    .raw
                    .get(&url)
                    .header("authorization", "SSWS bench-token")
                    .send()
                    .await
                    .expect("send");
                let has_next = resp
                    .headers()
                    .get_all("link")
                    .iter()
                    .any(|v| v.to_str().is_ok_and(|v| v.contains("rel=\"next\"")));
                let page: Vec<PlainAppUser> =
                    serde_json::from_slice(&resp.bytes().await.expect("body")).expect("decode");
                n += page.len();
                after += page.len();
                black_box(page);
                if !has_next {
                    break;
                }
            }
            assert_eq!(n, 100_000);
        })
    });
    g.bench_function("authress10k/idp", |b| {
        b.to_async(&s.rt).iter(|| async {
            let all = s
                .authress
                .connections()
                .list()
                .limit(1000)
                .collect_all()
                .await
                .expect("list");
            assert_eq!(all.len(), TOTAL);
        })
    });
    g.bench_function("authress10k/raw", |b| {
        b.to_async(&s.rt).iter(|| async {
            let mut cursor: Option<String> = None;
            let mut n = 0usize;
            loop {
                let mut url = format!("{}/v1/connections?limit=1000", s.base);
                if let Some(c) = &cursor {
                    url.push_str(&format!("&cursor={c}"));
                }
                let page: PlainAuthressPage = raw_get(&s.raw, &url).await;
                n += page.connections.len();
                cursor = page.pagination.and_then(|p| p.next).and_then(|n| n.cursor);
                if cursor.is_none() {
                    break;
                }
            }
            assert_eq!(n, TOTAL);
        })
    });
    g.bench_function("kinde10k/idp", |b| {
        b.to_async(&s.rt).iter(|| async {
            let all = s
                .kinde
                .connections()
                .list()
                .page_size(500)
                .collect_all()
                .await
                .expect("list");
            assert_eq!(all.len(), TOTAL);
        })
    });
    g.bench_function("kinde10k/raw", |b| {
        b.to_async(&s.rt).iter(|| async {
            let mut after: Option<String> = None;
            let mut n = 0usize;
            loop {
                let mut url = format!("{}/api/v1/connections?page_size=500", s.base);
                if let Some(a) = &after {
                    url.push_str(&format!("&starting_after={a}"));
                }
                let page: PlainKindePage = raw_get(&s.raw, &url).await;
                n += page.connections.len();
                after = page.connections.last().and_then(|c| c.id.clone());
                if page.has_more != Some(true) {
                    break;
                }
            }
            assert_eq!(n, TOTAL);
        })
    });
    g.finish();
}

fn decode(c: &mut Criterion) {
    let okta_page =
        serde_json::to_vec(&(0..500).map(okta_app_user).collect::<Vec<_>>()).expect("okta page");
    let authress_page = serde_json::to_vec(&serde_json::json!({
        "connections": (0..1000).map(authress_connection).collect::<Vec<_>>(),
        "pagination": { "next": null }
    }))
    .expect("authress page");
    let kinde_page = serde_json::to_vec(&serde_json::json!({
        "code": "OK", "message": "Success",
        "connections": (0..1000).map(kinde_connection).collect::<Vec<_>>(),
        "has_more": false
    }))
    .expect("kinde page");
    let mut g = c.benchmark_group("decode");
    g.bench_function("okta500/idp", |b| {
        b.iter(|| {
            black_box(
                idp_core::decode_json::<Vec<idp::okta::models::AppUser>>(&okta_page)
                    .expect("decode"),
            )
        })
    });
    g.bench_function("okta500/serde", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<Vec<idp::okta::models::AppUser>>(&okta_page)
                    .expect("decode"),
            )
        })
    });
    g.bench_function("okta500/plain", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<Vec<PlainAppUser>>(&okta_page).expect("decode"))
        })
    });
    g.bench_function("okta500/value", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<serde_json::Value>(&okta_page).expect("decode"))
        })
    });
    g.bench_function("authress1000/idp", |b| {
        b.iter(|| {
            black_box(
                idp_core::decode_json::<idp::authress::models::ConnectionCollection>(
                    &authress_page,
                )
                .expect("decode"),
            )
        })
    });
    g.bench_function("authress1000/serde", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<idp::authress::models::ConnectionCollection>(
                    &authress_page,
                )
                .expect("decode"),
            )
        })
    });
    g.bench_function("authress1000/plain", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<PlainAuthressPage>(&authress_page).expect("decode"))
        })
    });
    g.bench_function("authress1000/value", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<serde_json::Value>(&authress_page).expect("decode"))
        })
    });
    g.bench_function("kinde1000/idp", |b| {
        b.iter(|| {
            black_box(
                idp_core::decode_json::<idp::kinde::models::GetConnectionsResponse>(&kinde_page)
                    .expect("decode"),
            )
        })
    });
    g.bench_function("kinde1000/serde", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<idp::kinde::models::GetConnectionsResponse>(&kinde_page)
                    .expect("decode"),
            )
        })
    });
    g.bench_function("kinde1000/plain", |b| {
        b.iter(|| black_box(serde_json::from_slice::<PlainKindePage>(&kinde_page).expect("decode")))
    });
    g.bench_function("kinde1000/value", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<serde_json::Value>(&kinde_page).expect("decode"))
        })
    });
    g.finish();
}

fn auth(c: &mut Criterion, s: &Setup) {
    let mut g = c.benchmark_group("auth");
    g.bench_function("kinde/static", |b| {
        b.to_async(&s.rt).iter(|| async {
            black_box(
                s.kinde
                    .connections()
                    .get("conn_1")
                    .send()
                    .await
                    .expect("get"),
            )
        })
    });
    g.bench_function("kinde/cached", |b| {
        b.to_async(&s.rt).iter(|| async {
            black_box(
                s.kinde_m2m
                    .connections()
                    .get("conn_1")
                    .send()
                    .await
                    .expect("get"),
            )
        })
    });
    g.finish();
}

fn signing(c: &mut Criterion, s: &Setup) {
    use idp_core::{AccessToken, AuthContext, SecretString, SystemClock, TokenSource};
    let ua = idp_core::http::HeaderValue::from_static("bench");
    let transport = idp_core::ReqwestTransport::new().expect("transport");
    let cx = AuthContext::new(&transport, &SystemClock, None, &ua);
    let mut g = c.benchmark_group("sign");

    // Authress: an EdDSA access token signed locally from the access key.
    let seed = [7u8; 32];
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&seed);
    let key = format!(
        "sc_bench.kid1.acc-bench.{}",
        base64::engine::general_purpose::STANDARD.encode(&der)
    );
    let access_key = idp::authress::auth::AccessKey::parse(&key).expect("access key");
    let base = idp_core::BaseUrl::parse("https://acc-bench.api.authress.io").expect("base url");
    let tokens = idp::authress::auth::AccessKeyTokens::new(access_key, &base).expect("tokens");
    g.bench_function("authress/eddsa_token", |b| {
        b.iter(|| black_box(tokens.sign(std::time::SystemTime::now()).expect("sign")))
    });

    // Okta: RS256 client assertion + ES256 DPoP proof + loopback token request, and the ES256
    // DPoP proof each resource call carries.
    let pem = include_str!("../../crates/idp-okta/tests/it/keys/test-only-rsa-private.pem");
    let oauth = idp::okta::auth::OktaOAuth::new(idp::okta::auth::OktaOAuthConfig {
        org_url: idp_core::BaseUrl::parse(&s.base).expect("org url"),
        client_id: "0oabench".into(),
        private_key_pem: SecretString::from(pem),
        scopes: vec!["okta.apps.read".into()],
        key_id: None,
        dpop: true,
    })
    .expect("oauth");
    g.bench_function("okta/rs256_assertion_dpop_token_fetch", |b| {
        b.to_async(&s.rt)
            .iter(|| async { black_box(oauth.fetch(&cx).await.expect("fetch")) })
    });
    let token =
        AccessToken::new(SecretString::from("bench-dpop-token"), None).with_token_type("DPoP");
    g.bench_function("okta/es256_dpop_proof", |b| {
        b.iter(|| {
            let mut req = idp_core::HttpRequest::new(bytes::Bytes::new());
            *req.uri_mut() =
                idp_core::http::Uri::from_static("https://acme.okta.com/api/v1/apps/0oa1/users");
            oauth.apply(&token, &mut req, &cx).expect("apply");
            black_box(req)
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let s = setup().expect("bench setup");
    overhead(c, &s);
    listing(c, &s);
    decode(c);
    auth(c, &s);
    signing(c, &s);
}

mod cpu;

criterion_group! {
    name = sdk;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = benches
}
/// The criterion groups, or with `cpu…` as the first argument the client-CPU benchmark
/// (`cpu/mod.rs`; `cargo xtask bench cpu`).
fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.first().is_some_and(|a| a.starts_with("cpu")) {
        std::process::exit(cpu::main(&args));
    }
    sdk();
    Criterion::default().configure_from_args().final_summary();
}
