//! Connections: list (paged with `starting_after` / `ending_before`), create, get, update
//! (PATCH), replace (PUT) and delete.

use std::ops::Bound;

use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::{Map, Value, json};

use super::{JSON, KindeState, bad_request, not_found};
use crate::server::lock;
use crate::validate::{self, Checks, Problem, Validate, Violation, non_null};
use crate::wire::{json_object, json_response, query_get, query_pairs, random_hex, take_page};

const DEFAULT_PAGE_SIZE: usize = 10;
const MAX_PAGE_SIZE: usize = 500;
const STRATEGIES: [&str; 27] = [
    "oauth2:apple",
    "oauth2:azure_ad",
    "oauth2:bitbucket",
    "oauth2:discord",
    "oauth2:facebook",
    "oauth2:github",
    "oauth2:gitlab",
    "oauth2:google",
    "oauth2:linkedin",
    "oauth2:microsoft",
    "oauth2:patreon",
    "oauth2:slack",
    "oauth2:stripe",
    "oauth2:twitch",
    "oauth2:twitter",
    "oauth2:xero",
    "saml:custom",
    "saml:cloudflare",
    "saml:okta",
    "saml:microsoft",
    "saml:google",
    "wsfed:azure_ad",
    "email:password",
    "email:otp",
    "phone:otp",
    "username:password",
    "username:otp",
];

/// The `k`-th seeded connection (`conn_seed_…`) and its id.
pub(super) fn seeded(k: u64) -> (String, Value) {
    let id = format!("conn_seed_{k:08}");
    let connection = json!({
        "id": id,
        "name": format!("seeded-{k}"),
        "display_name": format!("Seeded {k}"),
        "strategy": "oauth2:google",
        "enabled_applications": [],
        "options": {},
    });
    (id, connection)
}

/// `{"code":"OK","message":"Success"}`, plus the fields of `extra` (a JSON object).
fn success_with(status: StatusCode, extra: Value) -> Response {
    let mut body = json!({ "code": "OK", "message": "Success" });
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    json_response(status, JSON, &body)
}

fn success() -> Response {
    success_with(StatusCode::OK, json!({}))
}

fn connection_not_found() -> Response {
    not_found("CONNECTION_NOT_FOUND", "Connection not found")
}

/// The flat list item / `connection` envelope content.
fn summary(c: &Value) -> Value {
    json!({
        "id": c.get("id"),
        "name": c.get("name"),
        "display_name": c.get("display_name"),
        "strategy": c.get("strategy"),
    })
}

// ---------------------------------------------------------------------------------------------
// Request bodies (`shared/specs/kinde-connections-subset.yaml`: `create_connection_request`,
// `update_connection_request`, `replace_connection_request`).
//
// Types are checked as the schemas declare them; `name`, `display_name` and `strategy` are
// `nullable: false`, so `null` is refused; `organization_code` is `nullable: true`. No schema sets
// `additionalProperties`, so other top-level keys are accepted (kept in the stored connection, never served). A refused body is
// `400` with the spec's `error_response` shape, `{"errors": [{"code", "message"}]}`, one entry per
// violation. Kinde documents no code list for these endpoints: the codes here are the fake's
// (`INVALID_REQUEST_BODY` for a body that is not a JSON object, `INVALID_CONNECTION_DETAILS` for
// a field, `INVALID_STRATEGY`), and SDKs read `errors[].code`/`message` as opaque strings.

// `null` is refused for every field the spec does not mark `nullable: true` (OpenAPI 3.0's
// default is false): `name`, `display_name` and `strategy` say `nullable: false`, and
// `enabled_applications` and `options` (a oneOf of objects) declare no `nullable`; only
// `organization_code` is `nullable: true`. Source: ../shared/specs/kinde-connections-subset.yaml
// `create_connection_request`/`update_connection_request`; a CI schemathesis run sent
// `"options": null` to UpdateConnection as invalid data the fake had accepted.

/// `create_connection_request`. The spec marks nothing required (since Feb 2025); the fake keeps
/// requiring `name`, `display_name` and `strategy`, which the spec required until Nov 2024 and
/// every client sends (notes: kinde.md §5.3).
#[derive(Deserialize)]
#[serde(expecting = "object")]
struct CreateBody {
    #[serde(rename = "name")]
    _name: String,
    #[serde(rename = "display_name")]
    _display_name: String,
    strategy: String,
    #[serde(
        default,
        rename = "enabled_applications",
        deserialize_with = "non_null"
    )]
    _enabled_applications: Option<Vec<String>>,
    #[serde(default, rename = "organization_code")]
    _organization_code: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    options: Option<Map<String, Value>>,
}

/// `update_connection_request` (PATCH) and `replace_connection_request` (PUT): no `strategy`
/// (it cannot change after creation; the Terraform provider re-creates on a change).
#[derive(Deserialize)]
#[serde(expecting = "object")]
struct UpdateBody {
    #[serde(default, rename = "name", deserialize_with = "non_null")]
    _name: Option<String>,
    #[serde(default, rename = "display_name", deserialize_with = "non_null")]
    _display_name: Option<String>,
    #[serde(
        default,
        rename = "enabled_applications",
        deserialize_with = "non_null"
    )]
    _enabled_applications: Option<Vec<String>>,
    #[serde(default)]
    strategy: Option<IgnoredAny>,
    #[serde(default, deserialize_with = "non_null")]
    options: Option<Map<String, Value>>,
}

/// `name` and `display_name` may be empty strings: the spec sets no `minLength` and no source
/// shows Kinde refusing one (schemathesis sends `""` as schema-valid data).
impl Validate for CreateBody {
    fn validate(&self, _: &mut Checks) {}
}

impl Validate for UpdateBody {
    fn validate(&self, c: &mut Checks) {
        if self.strategy.is_some() {
            c.add(
                "strategy",
                Problem::Rule("cannot be changed after creation".into()),
            );
        }
    }
}

/// Kinde's `400` for a refused body: one `errors[]` entry per violation.
fn invalid(violations: &[Violation]) -> Response {
    let errors: Vec<Value> = violations
        .iter()
        .map(|v| {
            let code = match v.problem {
                Problem::Syntax => "INVALID_REQUEST_BODY",
                _ => "INVALID_CONNECTION_DETAILS",
            };
            json!({ "code": code, "message": kinde_text(v) })
        })
        .collect();
    json_response(StatusCode::BAD_REQUEST, JSON, &json!({ "errors": errors }))
}

fn kinde_text(v: &Violation) -> String {
    let path = &v.path;
    match &v.problem {
        Problem::Syntax => "The request body must be a JSON object.".to_owned(),
        Problem::Type { expected } if expected == &"array" && path.ends_with("domains") => {
            format!("{path} must be an array of strings.")
        }
        Problem::Type { expected } => format!("{path} must be of type {expected}."),
        Problem::Missing => format!("{path} is required."),
        Problem::Unknown => format!("{path} is not allowed."),
        Problem::Length { min, max, .. } => {
            format!("{path} must be {min} to {max} characters long.")
        }
        Problem::Pattern { pattern } => format!("{path} must match {pattern}."),
        Problem::Enum { allowed } => {
            format!("{path} must be one of: {}.", allowed.join(", "))
        }
        Problem::Range { min, max } => format!("{path} must be between {min} and {max}."),
        Problem::Rule(text) => format!("{path} {text}."),
    }
}

// ---------------------------------------------------------------------------------------------
// Options
//
// Unknown option keys are ACCEPTED and stored. Sources: the spec's options variants
// (`create_connection_request_options_{social,azure_ad,saml}` and their update/replace twins in
// kinde-oss/management-api-js `spec/kinde-mgmt-api-specs.yaml`) declare no
// `additionalProperties: false`, so any other key validates; Kinde's own .NET SDK types the update
// options as a free-form object ("The connection's options (varies by strategy)",
// kinde-oss/kinde-dotnet-sdk `docs/UpdateConnectionRequest.md`); and the spec's per-call variants
// lag the API (no `is_auto_join_organization_enabled` on update/replace, no `saml_sign_in_url` on
// replace) while Kinde's dashboard sets them. What IS checked against the connection's strategy:
// a key modelled by the strategy's variant must have that variant's type (booleans, strings,
// string arrays, the `upstream_params` object, the three SAML enums) — else 400
// `INVALID_CONNECTION_DETAILS` naming the field, the way the API refuses a bad `name`.
//
// PATCH merges `options` key by key; PUT replaces the whole configuration. Sources: the spec has
// PATCH "Update Connection" (every field optional) next to PUT "Replace Connection Config", and the
// nxt-fwd/kinde-go docs (used by the Kinde Terraform provider) say PUT overwrites the whole
// configuration so options left out may be reset. No source says PATCH drops option keys it was
// not sent; the fake keeps them (a PATCH of only `client_secret` leaves `client_id`). This is the
// one inferred rule here: if the live API is seen to replace `options` on PATCH, change
// `merge_options`.

const SIGN_REQUEST_ALGORITHMS: &[&str] = &["RSA-SHA256", "RSA-SHA1"];
const PROTOCOL_BINDINGS: &[&str] = &["HTTP-REDIRECT", "HTTP-POST"];
const NAME_ID_FORMATS: &[&str] = &["Persistent", "Transient", "Email address", "Unspecified"];

// The options variants' fields are typed and not nullable (the spec declares no option
// `nullable`): `null` is refused like a wrong type, as for the top-level fields.

/// `create_connection_request_options_social` (the same for update and replace).
#[derive(Deserialize)]
#[serde(expecting = "object")]
#[allow(dead_code)]
struct SocialOptions {
    #[serde(default, deserialize_with = "non_null")]
    client_id: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    client_secret: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    is_use_custom_domain: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    is_trusted: Option<bool>,
}

/// `create_connection_request_options_azure_ad` (update/replace lack the auto-join flag; it is
/// accepted there as an unknown key).
#[derive(Deserialize)]
#[serde(expecting = "object")]
#[allow(dead_code)]
struct AzureAdOptions {
    #[serde(default, deserialize_with = "non_null")]
    client_id: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    client_secret: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    home_realm_domains: Option<Vec<String>>,
    #[serde(default, deserialize_with = "non_null")]
    entra_id_domain: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    is_use_common_endpoint: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    is_sync_user_profile_on_login: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    is_retrieve_provider_user_groups: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    is_extended_attributes_required: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    is_auto_join_organization_enabled: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    is_create_missing_user: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    is_force_show_sso_button: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    upstream_params: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "non_null")]
    is_use_custom_domain: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    is_trusted: Option<bool>,
}

/// `create_connection_request_options_saml`.
#[derive(Deserialize)]
#[serde(expecting = "object")]
#[allow(dead_code)]
struct SamlOptions {
    #[serde(default, deserialize_with = "non_null")]
    home_realm_domains: Option<Vec<String>>,
    #[serde(default, deserialize_with = "non_null")]
    saml_entity_id: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    saml_idp_metadata_url: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    saml_idp_metadata_xml: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    saml_sign_in_url: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    sign_request_algorithm: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    protocol_binding: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    name_id_format: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    saml_email_key_attr: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    saml_user_id_key_attr: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    saml_first_name_key_attr: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    saml_last_name_key_attr: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    is_create_missing_user: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    is_force_show_sso_button: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    upstream_params: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "non_null")]
    saml_signing_certificate: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    saml_signing_private_key: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    is_auto_join_organization_enabled: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    is_use_custom_domain: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    is_trusted: Option<bool>,
}

impl Validate for SocialOptions {
    fn validate(&self, _: &mut Checks) {}
}

impl Validate for AzureAdOptions {
    fn validate(&self, _: &mut Checks) {}
}

impl Validate for SamlOptions {
    fn validate(&self, c: &mut Checks) {
        let algorithm = self.sign_request_algorithm.as_deref();
        c.one_of("sign_request_algorithm", algorithm, SIGN_REQUEST_ALGORITHMS);
        let binding = self.protocol_binding.as_deref();
        c.one_of("protocol_binding", binding, PROTOCOL_BINDINGS);
        c.one_of(
            "name_id_format",
            self.name_id_format.as_deref(),
            NAME_ID_FORMATS,
        );
    }
}

/// The options variant a strategy uses (the spec's variant descriptions): Entra ID for
/// `oauth2:azure_ad` / `wsfed:azure_ad`, SAML for `saml:*`, social for other `oauth2:*`.
#[derive(Clone, Copy)]
enum Variant {
    Social,
    AzureAd,
    Saml,
    /// The built-in strategies (`email:password`, …): no variant, options not checked.
    None,
}

fn variant(strategy: &str) -> Variant {
    match strategy {
        "oauth2:azure_ad" | "wsfed:azure_ad" => Variant::AzureAd,
        s if s.starts_with("saml:") => Variant::Saml,
        s if s.starts_with("oauth2:") => Variant::Social,
        _ => Variant::None,
    }
}

fn check_variant<T: DeserializeOwned + Validate>(options: &Value) -> Vec<Violation> {
    match validate::decode_value::<T>(options) {
        Err(v) => vec![v.under("options")],
        Ok(typed) => {
            let mut c = Checks::default();
            typed.validate(&mut c);
            c.finish()
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|v| v.under("options"))
                .collect()
        }
    }
}

/// The sent `options` checked against `strategy`'s variant: modelled keys must have their type;
/// other keys are accepted (see the notes above).
fn check_options(strategy: &str, options: Option<&Map<String, Value>>) -> Result<(), Response> {
    let Some(options) = options else {
        return Ok(());
    };
    let options = Value::Object(options.clone());
    let violations = match variant(strategy) {
        Variant::Social => check_variant::<SocialOptions>(&options),
        Variant::AzureAd => check_variant::<AzureAdOptions>(&options),
        Variant::Saml => check_variant::<SamlOptions>(&options),
        Variant::None => Vec::new(),
    };
    if violations.is_empty() {
        Ok(())
    } else {
        Err(invalid(&violations))
    }
}

/// PATCH: the sent option keys replace the stored ones, the others are kept.
fn merge_options(stored: &mut Value, sent: &Value) {
    match (stored.as_object_mut(), sent.as_object()) {
        (Some(stored), Some(sent)) => {
            for (k, v) in sent {
                stored.insert(k.clone(), v.clone());
            }
        }
        _ => *stored = sent.clone(),
    }
}

/// The body as a JSON object (after the typed checks passed).
fn object(body: &[u8]) -> Result<Map<String, Value>, Response> {
    json_object(body).ok_or_else(|| invalid(&[Violation::new("", Problem::Syntax)]))
}

/// A valid create body: the typed checks, a known `strategy`, options of its variant.
fn parse_create(body: &[u8]) -> Result<Map<String, Value>, Response> {
    let typed = validate::parse::<CreateBody>(body).map_err(|v| invalid(&v))?;
    if !STRATEGIES.contains(&typed.strategy.as_str()) {
        return Err(bad_request(
            "INVALID_STRATEGY",
            "The strategy is not supported.",
        ));
    }
    check_options(&typed.strategy, typed.options.as_ref())?;
    object(body)
}

/// `CreateConnection`: answers `201` with only the new id in the envelope.
pub(super) fn create(state: &KindeState, body: &[u8]) -> Response {
    let mut stored = match parse_create(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let id = format!("conn_{}", random_hex());
    stored.insert("id".into(), json!(id));
    stored
        .entry("enabled_applications")
        .or_insert_with(|| json!([]));
    stored.entry("options").or_insert_with(|| json!({}));
    lock(&state.data)
        .connections
        .insert(id.clone(), Value::Object(stored));
    success_with(StatusCode::CREATED, json!({ "connection": { "id": id } }))
}

/// `GetConnection`: the summary in a `connection` envelope.
pub(super) fn get(state: &KindeState, id: &str) -> Response {
    match lock(&state.data).connections.get(id) {
        Some(c) => success_with(StatusCode::OK, json!({ "connection": summary(c) })),
        None => connection_not_found(),
    }
}

/// `deleteConnection`.
pub(super) fn delete(state: &KindeState, id: &str) -> Response {
    match lock(&state.data).connections.remove(id) {
        Some(_) => success(),
        None => connection_not_found(),
    }
}

/// A valid update body (typed checks). Returns the body and its options, to be checked against
/// the stored strategy. `replace_connection_request` marks nothing required (the spec), so a
/// PUT without `name` or `display_name` keeps them; it resets the rest (`update`).
fn parse_update(body: &[u8]) -> Result<(Map<String, Value>, UpdateBody), Response> {
    let typed = validate::parse::<UpdateBody>(body).map_err(|v| invalid(&v))?;
    Ok((object(body)?, typed))
}

/// `UpdateConnection` (PATCH, `replace` false: `options` merged key by key) and
/// `ReplaceConnection` (PUT, which also resets `enabled_applications` and `options`). Options are
/// checked against the stored connection's strategy.
pub(super) fn update(state: &KindeState, id: &str, body: &[u8], replace: bool) -> Response {
    let (map, typed) = match parse_update(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut data = lock(&state.data);
    let Some(stored) = data.connections.get_mut(id) else {
        return connection_not_found();
    };
    let strategy = stored
        .get("strategy")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if let Err(response) = check_options(&strategy, typed.options.as_ref()) {
        return response;
    }
    if replace {
        stored["enabled_applications"] = json!([]);
        stored["options"] = json!({});
    }
    for field in ["name", "display_name", "enabled_applications"] {
        if let Some(v) = map.get(field) {
            stored[field] = v.clone();
        }
    }
    if let Some(sent) = map.get("options") {
        if replace {
            stored["options"] = sent.clone();
        } else {
            merge_options(&mut stored["options"], sent);
        }
    }
    success()
}

/// The query of a list call.
struct ListQuery<'q> {
    page_size: usize,
    after: Option<&'q str>,
    before: Option<&'q str>,
    domain: Option<&'q str>,
}

/// `page_size` is an `integer` with no minimum, maximum or `format` (the spec), so any integer
/// literal is schema-valid, however long: a value below 1 is taken like an absent one (the
/// default, 10), as no source shows Kinde refusing it; above 500 it is capped (kinde.md §6),
/// also past `u64` (a CI schemathesis run sent `page_size=-11428398923678936572199677460480`
/// as valid data). Only a value that is not an integer is refused (`None`), the empty
/// `page_size=` too. No source shows Kinde's answer to an empty value: the fake follows the
/// spec's `type: integer` (schemathesis sends `page_size=` as invalid data). Ours leaves an unset
/// `page_size` out, and the Kinde Python SDK's calls in `conformance/run-official.sh` pass with
/// this rule, so no client in use sends one.
fn kinde_page_size(raw: Option<&str>) -> Option<usize> {
    let Some(raw) = raw else {
        return Some(DEFAULT_PAGE_SIZE);
    };
    let (negative, digits) = match raw.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if negative || digits.bytes().all(|b| b == b'0') {
        return Some(DEFAULT_PAGE_SIZE);
    }
    Some(
        digits
            .parse::<usize>()
            .map_or(MAX_PAGE_SIZE, |n| n.min(MAX_PAGE_SIZE)),
    )
}

fn parse_list_query(query: &[(String, String)]) -> Result<ListQuery<'_>, Response> {
    let non_empty = |key: &str| query_get(query, key).filter(|s| !s.is_empty());
    let Some(page_size) = kinde_page_size(query_get(query, "page_size")) else {
        return Err(bad_request(
            "INVALID_PAGE_SIZE",
            "page_size must be a positive integer.",
        ));
    };
    let after = non_empty("starting_after");
    let before = non_empty("ending_before");
    Ok(ListQuery {
        page_size,
        after,
        before,
        domain: non_empty("home_realm_domain"),
    })
}

/// `GetConnections`: `page_size`, the cursors `starting_after` / `ending_before`, and
/// `home_realm_domain`; `has_more` says whether the walk can go on.
///
/// Both cursors together are schema-valid (the spec declares each as a plain optional string)
/// and nothing documents a refusal (kinde.md §6: "combining both cursors is undocumented"), so
/// the fake answers the connections strictly between them, walking forward; the SDK's builder
/// refuses the combination before sending.
pub(super) fn list(state: &KindeState, query: Option<&str>) -> Response {
    let query = query_pairs(query);
    let q = match parse_list_query(&query) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let data = lock(&state.data);
    let matches = |c: &Value| -> bool {
        let Some(d) = q.domain else { return true };
        c.pointer("/options/home_realm_domains")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(d)))
    };
    let (page, has_more) = if let (Some(after), Some(before)) = (q.after, q.before) {
        // `BTreeMap::range` panics on an empty or inverted range: nothing lies between them.
        if after >= before {
            (Vec::new(), false)
        } else {
            let range = data
                .connections
                .range::<str, _>((Bound::Excluded(after), Bound::Excluded(before)));
            take_page(range.map(|(_, c)| c), q.page_size, matches, summary)
        }
    } else if let Some(before) = q.before {
        // Walk backwards from the cursor, then restore ascending order.
        let range = data
            .connections
            .range::<str, _>((Bound::Unbounded, Bound::Excluded(before)));
        let (mut page, more) =
            take_page(range.rev().map(|(_, c)| c), q.page_size, matches, summary);
        page.reverse();
        (page, more)
    } else {
        let lower = q.after.map_or(Bound::Unbounded, Bound::Excluded);
        let range = data.connections.range::<str, _>((lower, Bound::Unbounded));
        take_page(range.map(|(_, c)| c), q.page_size, matches, summary)
    };
    success_with(
        StatusCode::OK,
        json!({ "connections": page, "has_more": has_more }),
    )
}
