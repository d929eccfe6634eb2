//! The workspace's own test tooling, kept out of the published crates: a recording and replaying
//! [`MockTransport`], a sleeper that records waits instead of waiting, a clock the test sets,
//! [`streams`] (lists walked through the `Stream` impls with `futures`' combinators), and the
//! `shared/` spec helpers (folder walker, YAML loader, operation list, JSON-schema validator).

pub mod streams;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, Uri};

use idp_core::{Clock, HttpRequest, HttpResponse, Sleeper, Transport, TransportError};

/// A request the [`MockTransport`] received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The full URI.
    pub uri: Uri,
    /// The headers (auth headers included: this is for tests).
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl RecordedRequest {
    /// The path, still percent-encoded.
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// The raw query string.
    pub fn query(&self) -> Option<&str> {
        self.uri.query()
    }

    /// The decoded query pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect()
    }

    /// A header value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body parsed as JSON (`Value::Null` when empty or not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

#[derive(Debug, Default)]
struct State {
    responses: VecDeque<Result<HttpResponse, TransportError>>,
    requests: Vec<RecordedRequest>,
}

/// A transport that records every request and answers from a queue of canned responses. With
/// the queue empty it answers with a non-retryable `InvalidRequest` transport error.
#[derive(Debug, Clone, Default)]
pub struct MockTransport {
    state: Arc<Mutex<State>>,
}

impl MockTransport {
    /// An empty mock.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a response with a status, headers and body.
    pub fn push(&self, status: u16, headers: &[(&str, &str)], body: impl Into<Bytes>) -> &Self {
        let mut builder = http::Response::builder()
            .status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK));
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let resp = builder.body(body.into()).unwrap_or_default();
        self.lock().responses.push_back(Ok(resp));
        self
    }

    /// Queues a JSON response.
    pub fn push_json(&self, status: u16, body: &serde_json::Value) -> &Self {
        self.push(
            status,
            &[("content-type", "application/json")],
            body.to_string(),
        )
    }

    /// Queues a transport failure.
    pub fn push_error(&self, err: TransportError) -> &Self {
        self.lock().responses.push_back(Err(err));
        self
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// The last request received.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.lock().requests.last().cloned()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }
}

#[async_trait]
impl Transport for MockTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let (parts, body) = request.into_parts();
        let mut state = self.lock();
        state.requests.push(RecordedRequest {
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            body,
        });
        state.responses.pop_front().unwrap_or_else(|| {
            Err(TransportError::InvalidRequest(
                "MockTransport: no response queued".into(),
            ))
        })
    }
}

/// Records every requested sleep and returns at once.
#[derive(Debug, Clone, Default)]
pub struct RecordingSleeper {
    waits: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleeper {
    /// A new sleeper.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every wait requested so far.
    pub fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(
        &self,
        duration: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        self.waits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(duration);
        Box::pin(std::future::ready(()))
    }
}

/// A sleeper that records every wait and moves a [`ManualClock`] forward by it, so that time
/// passes for the client (deadlines, token expiry) without the test waiting.
#[derive(Debug, Clone)]
pub struct AdvancingSleeper {
    clock: ManualClock,
    record: RecordingSleeper,
}

impl AdvancingSleeper {
    /// A sleeper that advances `clock`.
    pub fn new(clock: &ManualClock) -> Self {
        AdvancingSleeper {
            clock: clock.clone(),
            record: RecordingSleeper::new(),
        }
    }

    /// Every wait requested so far.
    pub fn waits(&self) -> Vec<Duration> {
        self.record.waits()
    }
}

impl Sleeper for AdvancingSleeper {
    fn sleep(
        &self,
        duration: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        self.clock.advance(duration);
        self.record.sleep(duration)
    }
}

/// A clock the test sets and advances.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<SystemTime>>,
}

impl ManualClock {
    /// A clock at `now`.
    pub fn new(now: SystemTime) -> Self {
        ManualClock {
            now: Arc::new(Mutex::new(now)),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }

    /// Sets the clock.
    pub fn set(&self, to: SystemTime) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The `shared/` folder beside the checkout (holding `specs/`, `seeds/`, `notes/`), found by
/// walking up from `start` (pass `env!("CARGO_MANIFEST_DIR")`). `IDP_SHARED_DIR` overrides it.
pub fn shared_dir(start: &str) -> Option<std::path::PathBuf> {
    if let Ok(dir) = std::env::var("IDP_SHARED_DIR") {
        let p = std::path::PathBuf::from(dir);
        return p.join("specs").is_dir().then_some(p);
    }
    let mut dir = Some(std::path::Path::new(start));
    while let Some(d) = dir {
        let candidate = d.join("shared");
        if candidate.join("specs").is_dir() {
            return Some(candidate);
        }
        let sibling = d.parent().map(|p| p.join("shared"));
        if let Some(s) = sibling.filter(|s| s.join("specs").is_dir()) {
            return Some(s);
        }
        dir = d.parent();
    }
    None
}

/// Loads `shared/specs/<file>` as JSON. `None` (with a loud message on stderr) when `shared/` is
/// not beside the checkout: spec tests then skip, and say so.
pub fn load_spec(start: &str, file: &str) -> Option<serde_json::Value> {
    let Some(dir) = shared_dir(start) else {
        eprintln!(
            "!!! shared/ not found beside the checkout: spec conformance tests are SKIPPED !!!"
        );
        return None;
    };
    let text = std::fs::read_to_string(dir.join("specs").join(file)).ok()?;
    serde_yaml_ng::from_str(&text).ok()
}

/// Resolves a local `$ref` (`#/components/schemas/X`) in a spec, or returns the value itself.
pub fn resolve_ref<'a>(
    spec: &'a serde_json::Value,
    value: &'a serde_json::Value,
) -> &'a serde_json::Value {
    match value.get("$ref").and_then(|r| r.as_str()) {
        Some(r) => spec.pointer(r.trim_start_matches('#')).unwrap_or(value),
        None => value,
    }
}

/// Every `(method, path, operationId)` of a spec, method upper case, sorted.
pub fn spec_operations(spec: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    if let Some(paths) = spec.get("paths").and_then(|p| p.as_object()) {
        for (path, item) in paths {
            if let Some(methods) = item.as_object() {
                for (method, op) in methods {
                    if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                        out.push((method.to_uppercase(), path.clone(), id.to_owned()));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// Validation errors of a request body `value` against an OpenAPI 3.0 `schema` of `spec` (empty:
/// valid). It follows `$ref`, `oneOf`/`anyOf` (some variant matches), `allOf` (merged), `nullable`,
/// `enum`, `type`, `required` and `items`, and is stricter than OpenAPI on two points that catch
/// SDK bugs: properties the schema does not declare are errors (a misspelt wire name), unless
/// `additionalProperties` allows them, and `readOnly` properties are errors (a request must not
/// send them).
pub fn validate_schema(
    spec: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
) -> Vec<String> {
    let mut errors = Vec::new();
    validate_at(spec, schema, value, "$", &mut errors);
    errors
}

fn merged_object(spec: &serde_json::Value, schema: &serde_json::Value) -> serde_json::Value {
    let schema = resolve_ref(spec, schema);
    let Some(parts) = schema.get("allOf").and_then(|a| a.as_array()) else {
        return schema.clone();
    };
    let mut merged = serde_json::Map::new();
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for part in parts {
        let part = merged_object(spec, part);
        if let Some(p) = part.get("properties").and_then(|p| p.as_object()) {
            properties.extend(p.clone());
        }
        if let Some(r) = part.get("required").and_then(|r| r.as_array()) {
            required.extend(r.iter().cloned());
        }
        for key in [
            "type",
            "additionalProperties",
            "nullable",
            "enum",
            "readOnly",
            "items",
        ] {
            if let Some(v) = part.get(key) {
                merged.insert(key.to_owned(), v.clone());
            }
        }
    }
    if !properties.is_empty() {
        merged.insert("properties".into(), serde_json::Value::Object(properties));
    }
    if !required.is_empty() {
        merged.insert("required".into(), serde_json::Value::Array(required));
    }
    serde_json::Value::Object(merged)
}

fn validate_at(
    spec: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
    path: &str,
    errors: &mut Vec<String>,
) {
    use serde_json::Value;
    let schema = merged_object(spec, schema);
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = schema.get(key).and_then(Value::as_array) {
            if !variants
                .iter()
                .any(|v| validate_schema(spec, v, value).is_empty())
            {
                errors.push(format!("{path}: matches no {key} variant"));
            }
            return;
        }
    }
    if value.is_null() {
        if !schema
            .get("nullable")
            .and_then(Value::as_bool)
            .unwrap_or(false)
        {
            errors.push(format!("{path}: null is not allowed"));
        }
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            errors.push(format!("{path}: {value} is not one of the enum values"));
        }
    }
    let type_ok = match schema.get("type").and_then(Value::as_str) {
        Some("string") => value.is_string(),
        Some("boolean") => value.is_boolean(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        _ => true,
    };
    if !type_ok {
        errors.push(format!("{path}: not of type {}", schema["type"]));
        return;
    }
    if let Some(items) = value.as_array() {
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                validate_at(spec, item_schema, item, &format!("{path}[{i}]"), errors);
            }
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        let free = match schema.get("additionalProperties") {
            Some(Value::Bool(b)) => *b,
            Some(Value::Object(_)) => true,
            _ => properties.is_none(),
        };
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = name.as_str() {
                if !object.contains_key(name) {
                    errors.push(format!("{path}.{name}: required but missing"));
                }
            }
        }
        for (key, v) in object {
            match properties.and_then(|p| p.get(key)) {
                Some(prop) => {
                    let prop_schema = merged_object(spec, prop);
                    if prop_schema
                        .get("readOnly")
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                    {
                        errors.push(format!("{path}.{key}: read-only, must not be sent"));
                    } else {
                        validate_at(spec, prop, v, &format!("{path}.{key}"), errors);
                    }
                }
                None if free => {}
                None => errors.push(format!("{path}.{key}: not declared by the schema")),
            }
        }
    }
}

/// A header map from `(name, value)` pairs, repeated names appended (names lower-case).
pub fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in pairs {
        h.append(*name, http::HeaderValue::from_static(value));
    }
    h
}

/// The time `secs` seconds after the Unix epoch.
pub fn epoch(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}
