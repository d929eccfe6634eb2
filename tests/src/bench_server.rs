//! A static loopback server for benchmarks and the memory probe.
//!
//! Routes (authentication is not checked: it measures the client, not the server):
//! - `GET /api/v1/apps/{app}/users/{user}`: one Okta app user.
//! - `GET /api/v1/apps/{app}/users?limit=&after=`: Okta pages with `Link` headers; the app id's
//!   digits give the total (`app100000` has 100 000 users).
//! - `GET /v1/connections/{id}`, `GET /v1/connections?limit=&cursor=`: Authress (total from
//!   `BENCH_TOTAL`, default 10 000, set per server).
//! - `GET /api/v1/connections/{id}`, `GET /api/v1/connections?page_size=&starting_after=`: Kinde.
//! - `POST /oauth2/token`: a Kinde-style token (for cached-token benchmarks).
//! - `POST /oauth2/v1/token`: an Okta DPoP-bound token (for token-signing benchmarks).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

/// One Okta app user, shaped like the spec's example.
pub fn okta_app_user(i: usize) -> Value {
    json!({
        "id": format!("00u{i:017}"),
        "externalId": format!("ext{i:017}"),
        "created": "2024-01-31T18:25:01.000Z",
        "lastUpdated": "2024-01-31T18:25:03.000Z",
        "scope": "USER",
        "status": "PROVISIONED",
        "statusChanged": "2024-01-31T18:25:03.000Z",
        "passwordChanged": null,
        "syncState": "SYNCHRONIZED",
        "lastSync": "2024-01-31T18:25:03.000Z",
        "credentials": { "userName": format!("user{i}@example.com") },
        "profile": {
            "secondEmail": null, "lastName": "Test", "mobilePhone": null,
            "displayName": format!("User {i}"), "email": format!("user{i}@example.com"),
            "salesforceGroups": [], "role": "Tester", "firstName": "Bench",
            "streetAddress": null, "profile": "Standard Platform User"
        },
        "_links": {
            "app": { "href": "https://acme.okta.com/api/v1/apps/0oajiqIRNXPPJBNZMGYL" },
            "user": { "href": format!("https://acme.okta.com/api/v1/users/00u{i:017}") }
        }
    })
}

/// One Authress connection.
pub fn authress_connection(i: usize) -> Value {
    json!({
        "connectionId": format!("con_{i:08}"),
        "type": "OAUTH2",
        "authenticationUrl": "https://idp.example.com/authorize",
        "tokenUrl": "https://idp.example.com/token",
        "issuerUrl": "https://idp.example.com",
        "providerCertificate": null,
        "clientId": format!("client-{i}"),
        "data": { "name": format!("Connection {i}"), "supportedContentType": "application/json" },
        "defaultConnectionProperties": { "scope": "openid profile email" },
        "userDataConfiguration": { "enabled": true },
        "createdTime": "2024-01-31T18:25:01.000Z",
        "linkingConfiguration": { "enabled": false, "connectionId": null }
    })
}

/// One Kinde connection (flat list-item shape).
pub fn kinde_connection(i: usize) -> Value {
    json!({
        "id": format!("conn_{i:012}"),
        "name": format!("connection-{i}"),
        "display_name": format!("Connection {i}"),
        "strategy": "oauth2:google"
    })
}

#[derive(Clone)]
struct Canned {
    okta_user: Arc<Vec<u8>>,
    authress_connection: Arc<Vec<u8>>,
    kinde_connection: Arc<Vec<u8>>,
    total: usize,
    base: String,
}

fn json_bytes(bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

fn digits(s: &str) -> Option<usize> {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    d.parse().ok()
}

#[derive(Deserialize)]
struct OktaList {
    limit: Option<usize>,
    after: Option<usize>,
}

async fn okta_list(
    State(c): State<Canned>,
    Path(app): Path<String>,
    Query(q): Query<OktaList>,
) -> Response {
    let total = digits(&app).unwrap_or(1000);
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let start = q.after.unwrap_or(0);
    let end = (start + limit).min(total);
    let page: Vec<Value> = (start..end).map(okta_app_user).collect();
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let self_link = format!(
        "<{}/api/v1/apps/{app}/users?limit={limit}>; rel=\"self\"",
        c.base
    );
    if let Ok(v) = HeaderValue::from_str(&self_link) {
        headers.append(header::LINK, v);
    }
    if end < total {
        let next = format!(
            "<{}/api/v1/apps/{app}/users?after={end}&limit={limit}>; rel=\"next\"",
            c.base
        );
        if let Ok(v) = HeaderValue::from_str(&next) {
            headers.append(header::LINK, v);
        }
    }
    (headers, serde_json::to_vec(&page).unwrap_or_default()).into_response()
}

#[derive(Deserialize)]
struct CursorList {
    limit: Option<usize>,
    cursor: Option<usize>,
}

async fn authress_list(State(c): State<Canned>, Query(q): Query<CursorList>) -> Response {
    let limit = q.limit.unwrap_or(20).clamp(1, 1000);
    let start = q.cursor.unwrap_or(0);
    let end = (start + limit).min(c.total);
    let next = if end < c.total {
        json!({ "cursor": end.to_string() })
    } else {
        Value::Null
    };
    let body = json!({
        "connections": (start..end).map(authress_connection).collect::<Vec<_>>(),
        "pagination": { "next": next },
        "links": { "self": { "href": format!("{}/v1/connections", c.base) } }
    });
    json_bytes(serde_json::to_vec(&body).unwrap_or_default())
}

#[derive(Deserialize)]
struct KindeList {
    page_size: Option<usize>,
    starting_after: Option<String>,
}

async fn kinde_list(State(c): State<Canned>, Query(q): Query<KindeList>) -> Response {
    let size = q.page_size.unwrap_or(10).clamp(1, 500);
    let start = q
        .starting_after
        .as_deref()
        .and_then(digits)
        .map_or(0, |n| n + 1);
    let end = (start + size).min(c.total);
    let body = json!({
        "code": "OK",
        "message": "Success",
        "connections": (start..end).map(kinde_connection).collect::<Vec<_>>(),
        "has_more": end < c.total
    });
    json_bytes(serde_json::to_vec(&body).unwrap_or_default())
}

async fn token() -> Response {
    json_bytes(
        serde_json::to_vec(
            &json!({"access_token": "bench-token", "token_type": "bearer", "expires_in": 86400}),
        )
        .unwrap_or_default(),
    )
}

async fn dpop_token() -> Response {
    json_bytes(
        serde_json::to_vec(
            &json!({"access_token": "bench-dpop-token", "token_type": "DPoP", "expires_in": 3600}),
        )
        .unwrap_or_default(),
    )
}

/// A running static server; it stops when its runtime is dropped.
#[derive(Debug)]
pub struct BenchServer {
    addr: SocketAddr,
}

impl BenchServer {
    /// Starts the server on `127.0.0.1:0` inside the current tokio runtime. `total` is the number
    /// of Authress and Kinde connections it lists.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start(total: usize) -> std::io::Result<BenchServer> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let base = format!("http://{addr}");
        let kinde_one =
            json!({"code": "OK", "message": "Success", "connection": kinde_connection(1)});
        let canned = Canned {
            okta_user: Arc::new(serde_json::to_vec(&okta_app_user(1)).unwrap_or_default()),
            authress_connection: Arc::new(
                serde_json::to_vec(&authress_connection(1)).unwrap_or_default(),
            ),
            kinde_connection: Arc::new(serde_json::to_vec(&kinde_one).unwrap_or_default()),
            total,
            base,
        };
        let app =
            Router::new()
                .route(
                    "/api/v1/apps/{app}/users/{user}",
                    get(|State(c): State<Canned>| async move { json_bytes(c.okta_user.to_vec()) }),
                )
                .route("/api/v1/apps/{app}/users", get(okta_list))
                .route(
                    "/v1/connections/{id}",
                    get(|State(c): State<Canned>| async move {
                        json_bytes(c.authress_connection.to_vec())
                    }),
                )
                .route("/v1/connections", get(authress_list))
                .route(
                    "/api/v1/connections/{id}",
                    get(|State(c): State<Canned>| async move {
                        json_bytes(c.kinde_connection.to_vec())
                    }),
                )
                .route("/api/v1/connections", get(kinde_list))
                .route("/oauth2/token", post(token))
                .route("/oauth2/v1/token", post(dpop_token))
                .with_state(canned);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(BenchServer { addr })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}
