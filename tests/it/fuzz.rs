//! Fuzzing every provider's response decoding and the `Link` parser with proptest (bounded:
//! 256 cases per property, well under a second each), plus a deterministic seed corpus: every
//! spec-shaped sample payload, truncated at every byte offset.
//!
//! The guarantee: no input from a server — random, truncated, mutated, deeply nested — makes the
//! SDK panic; a bad success body is a `Decode` error and a bad error body still gives an `Api`
//! error that names the operation and keeps the raw bytes.

use std::sync::Arc;

use idp::authress::models as authress;
use idp::kinde::models as kinde;
use idp::okta::models as okta;
use idp_core::{ErrorKind, RetryPolicy, decode_json};
use idp_test_support::MockTransport;
use proptest::prelude::*;
use serde::de::DeserializeOwned;

use crate::TestResult;

// ---- spec-shaped samples (written after the providers' spec examples) ----

const OKTA_APP_USER: &str = r#"{"created":"2014-06-24T15:27:59.000Z","credentials":{"userName":"saml.jackson@example.com"},"externalId":"00u1dnq5S0CfoDlsm0g4","id":"00u1dnq5S0CfoDlsm0g4","lastSync":"2014-06-24T15:27:59.000Z","lastUpdated":"2014-06-24T15:28:14.000Z","passwordChanged":null,"profile":{"email":"saml.jackson@example.com","firstName":"Saml","lastName":"Jackson","salary":95000.5},"scope":"USER","status":"ACTIVE","statusChanged":"2014-06-24T15:28:14.000Z","syncState":"SYNCHRONIZED","_links":{"app":{"href":"https://acme.okta.com/api/v1/apps/0oa1gjh63g214q0Hq0g4"},"user":{"href":"https://acme.okta.com/api/v1/users/00u1dnq5S0CfoDlsm0g4"}}}"#;

const OKTA_HOOK_KEY: &str = r#"{"id":"HKY1p7jWLndGQV9M60g4","keyId":"7fbc27fd-e3df-4522-86bf-1930110256ad","name":"My Key","created":"2022-08-31T18:09:58.000Z","lastUpdated":"2022-08-31T18:09:58.000Z","isUsed":"false"}"#;

const OKTA_PROVISIONING_CONNECTION: &str = r#"{"authScheme":"TOKEN","baseUrl":"https://scim.example.com/scim/v2","profile":{"authScheme":"TOKEN"},"status":"ENABLED","_links":{"self":{"href":"https://acme.okta.com/api/v1/apps/0oa1/connections/default","hints":{"allow":["GET","POST"]}},"activate":{"href":"https://acme.okta.com/api/v1/apps/0oa1/connections/default/lifecycle/activate","hints":{"allow":["POST"]}},"deactivate":{"href":"https://acme.okta.com/api/v1/apps/0oa1/connections/default/lifecycle/deactivate","hints":{"allow":["POST"]}}}}"#;

const OKTA_ERROR: &str = r#"{"errorCode":"E0000001","errorSummary":"Api validation failed: name","errorLink":"E0000001","errorId":"oaeXW7mK3g8Qe2Gg9XxwTkyQA","errorCauses":[{"errorSummary":"name: The field cannot be left blank"}]}"#;

const AUTHRESS_CONNECTION: &str = r#"{"type":"OAUTH2","connectionId":"google","authenticationUrl":"https://accounts.google.com/o/oauth2/v2/auth","tokenUrl":"https://oauth2.googleapis.com/token","issuerUrl":"https://accounts.google.com","providerCertificate":null,"clientId":"google-client","clientSecret":null,"data":{"name":"Google","tenantId":null,"trustIdentityUserId":false},"defaultConnectionProperties":{"scope":"openid profile email"},"conditions":{"requireBusinessAccount":true,"authenticationLeewayDuration":"PT1H"},"createdTime":"2024-01-01T00:00:00.000Z","lastUpdated":"2024-02-01T00:00:00.000Z","isActiveConnection":true,"tags":{"team":"identity"}}"#;

const KINDE_CONNECTIONS: &str = r#"{"code":"OK","message":"Success","connections":[{"id":"conn_0192c16abb53b44277e597d31877ba5b","name":"ConnectionA","display_name":"Connection A","strategy":"oauth2:apple"},{"id":"conn_0192c16abb53b44277e597d31877ba5c","name":"ConnectionB","display_name":"Connection B","strategy":"saml:custom"}],"has_more":true}"#;

const KINDE_CONNECTION: &str = r#"{"code":"OK","message":"Success","connection":{"id":"conn_0192c16abb53b44277e597d31877ba5b","name":"github","display_name":"GitHub","strategy":"oauth2:github","options":{"client_id":"gh-client"}}}"#;

const KINDE_ERRORS: &str = r#"{"errors":[{"code":"INVALID_REQUEST","message":"Invalid request."},{"code":"MISSING","message":"strategy"}]}"#;

const KINDE_NOT_FOUND: &str =
    r#"{"errors":{"code":"ROUTE_NOT_FOUND","message":"The requested API route does not exist"}}"#;

fn okta_app_users() -> String {
    format!("[{OKTA_APP_USER},{OKTA_APP_USER}]")
}

fn authress_collection() -> String {
    format!(
        r#"{{"connections":[{AUTHRESS_CONNECTION},{AUTHRESS_CONNECTION}],"pagination":{{"next":{{"cursor":"eyJsYXN0IjoiZ29vZ2xlIn0"}}}},"links":{{"self":{{"href":"https://login.example.com/v1/connections"}}}}}}"#
    )
}

/// One decoder under test: a name and a function decoding bytes into the model.
type Decoder = (&'static str, fn(&[u8]) -> idp_core::Result<()>);

fn decode<T: DeserializeOwned + 'static>(bytes: &[u8]) -> idp_core::Result<()> {
    decode_json::<T>(bytes).map(|_| ())
}

fn decoders() -> Vec<Decoder> {
    vec![
        ("okta Vec<AppUser>", decode::<Vec<okta::AppUser>>),
        ("okta AppUser", decode::<okta::AppUser>),
        ("okta HookKey", decode::<okta::HookKey>),
        (
            "okta ProvisioningConnectionResponse",
            decode::<okta::ProvisioningConnectionResponse>,
        ),
        ("okta Error", decode::<okta::Error>),
        ("authress Connection", decode::<authress::Connection>),
        (
            "authress ConnectionCollection",
            decode::<authress::ConnectionCollection>,
        ),
        (
            "kinde GetConnectionsResponse",
            decode::<kinde::GetConnectionsResponse>,
        ),
        ("kinde Connection", decode::<kinde::Connection>),
        ("kinde ErrorResponse", decode::<kinde::ErrorResponse>),
        ("kinde NotFoundResponse", decode::<kinde::NotFoundResponse>),
    ]
}

/// Each decoder with its own spec-shaped sample.
fn corpus() -> Vec<(Decoder, String)> {
    let samples = [
        okta_app_users(),
        OKTA_APP_USER.to_owned(),
        OKTA_HOOK_KEY.to_owned(),
        OKTA_PROVISIONING_CONNECTION.to_owned(),
        OKTA_ERROR.to_owned(),
        AUTHRESS_CONNECTION.to_owned(),
        authress_collection(),
        KINDE_CONNECTIONS.to_owned(),
        KINDE_CONNECTION.to_owned(),
        KINDE_ERRORS.to_owned(),
        KINDE_NOT_FOUND.to_owned(),
    ];
    decoders().into_iter().zip(samples).collect()
}

/// A failed decode must be a `Decode` error (never a panic, never another kind).
fn assert_decode_error(name: &str, result: idp_core::Result<()>, input: &[u8]) {
    if let Err(err) = result {
        assert_eq!(
            err.kind(),
            ErrorKind::Decode,
            "{name} on {:?}: {err}",
            String::from_utf8_lossy(&input[..input.len().min(80)])
        );
    }
}

#[test]
fn every_sample_decodes_into_its_model() -> TestResult {
    for ((name, decoder), sample) in corpus() {
        decoder(sample.as_bytes()).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

#[test]
fn seed_corpus_every_truncation_of_every_sample_is_an_error_or_a_value_never_a_panic() {
    for ((name, decoder), sample) in corpus() {
        let bytes = sample.as_bytes();
        let mut errors = 0;
        for cut in 0..bytes.len() {
            let prefix = &bytes[..cut];
            let result = decoder(prefix);
            if result.is_err() {
                errors += 1;
            }
            assert_decode_error(name, result, prefix);
        }
        // Every strict prefix of a JSON object or array is incomplete, except the empty one
        // (decoded as `null`, which `Option`-only models may accept).
        assert!(
            errors >= bytes.len() - 1,
            "{name}: only {errors} of {} truncations failed",
            bytes.len()
        );
    }
}

#[test]
fn hostile_documents_are_decode_errors_for_every_model() {
    let deep_array = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let must_fail: Vec<Vec<u8>> = vec![
        vec![0xff, 0xfe, 0xfd],
        b"\xef\xbb\xbf{}".to_vec(),
        deep_array.into_bytes(),
        b"1e999".to_vec(),
        b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
        br#"{"id":"x"} {"id":"y"}"#.to_vec(),
        b"\"\\ud800\"".to_vec(),
    ];
    let mut accepted = Vec::new();
    for (name, decoder) in decoders() {
        for input in &must_fail {
            let result = decoder(input);
            if result.is_ok() {
                accepted.push(format!(
                    "{name} <- {:?}",
                    String::from_utf8_lossy(&input[..input.len().min(60)])
                ));
            }
            assert_decode_error(name, result, input);
        }
    }
    assert!(
        accepted.is_empty(),
        "hostile documents accepted:\n{}",
        accepted.join("\n")
    );
}

/// Unknown fields are skipped by models that do not keep them (serde_json skips without
/// recursion, range or UTF-8 checks, so nothing can overflow); models that keep unknown fields
/// refuse them. Either way: no panic, and any failure is a `Decode` error.
#[test]
fn hostile_unknown_fields_never_panic_and_kept_ones_are_refused() {
    let deep_object = format!("{}1{}", r#"{"a":"#.repeat(20_000), "}".repeat(20_000));
    let deep_in_extra = format!(
        r#"{{"id":"x","extra":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let docs: Vec<Vec<u8>> = vec![
        b"{\"id\":\"\xc3\x28\"}".to_vec(),
        deep_object.into_bytes(),
        deep_in_extra.into_bytes(),
        br#"{"id":1e999}"#.to_vec(),
        br#"{"id":"x","whatever":-1e400}"#.to_vec(),
    ];
    let keeps_unknown_fields = [
        "okta Vec<AppUser>",
        "okta AppUser",
        "okta HookKey",
        "okta ProvisioningConnectionResponse",
        "okta Error",
        "authress Connection",
    ];
    for (name, decoder) in decoders() {
        for input in &docs {
            let result = decoder(input);
            if keeps_unknown_fields.contains(&name) {
                assert!(
                    result.is_err(),
                    "{name} kept a hostile unknown field: {:?}",
                    String::from_utf8_lossy(&input[..input.len().min(60)])
                );
            }
            assert_decode_error(name, result, input);
        }
    }
}

/// Hostile values in the fields a model does read are refused by every model.
#[test]
fn hostile_values_in_known_fields_are_decode_errors() -> TestResult {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(&str, String)> = vec![
        ("okta Vec<AppUser>", format!(r#"[{{"id":{deep}}}]"#)),
        ("okta AppUser", r#"{"profile":{"n":1e999}}"#.to_owned()),
        ("okta HookKey", "{\"name\":\"\\udc00\"}".to_owned()),
        (
            "okta ProvisioningConnectionResponse",
            r#"{"profile":{"authScheme":1e999}}"#.to_owned(),
        ),
        ("okta Error", format!(r#"{{"errorCauses":{deep}}}"#)),
        ("authress Connection", r#"{"tags":{"a":1e999}}"#.to_owned()),
        (
            "authress ConnectionCollection",
            r#"{"connections":[{"connectionId":1e999}]}"#.to_owned(),
        ),
        (
            "kinde GetConnectionsResponse",
            format!(r#"{{"connections":{deep}}}"#),
        ),
        (
            "kinde Connection",
            r#"{"connection":{"id":1e999}}"#.to_owned(),
        ),
        (
            "kinde ErrorResponse",
            r#"{"errors":[{"code":-1e400}]}"#.to_owned(),
        ),
        ("kinde NotFoundResponse", format!(r#"{{"errors":{deep}}}"#)),
    ];
    let decoders = decoders();
    for (name, doc) in cases {
        let (_, decoder) = decoders
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or(format!("no decoder named {name}"))?;
        let result = decoder(doc.as_bytes());
        assert!(
            result.is_err(),
            "{name} accepted {:?}",
            &doc[..doc.len().min(60)]
        );
        assert_decode_error(name, result, doc.as_bytes());
    }
    Ok(())
}

fn mutate(sample: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    const TOKENS: &[&[u8]] = &[
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"",
        b":",
        b",",
        b"null",
        b"1e999",
        b"-1",
        b"\\u0000",
        b"\xff",
        b"true",
        b"{\"connection\":",
    ];
    let mut out = sample.to_vec();
    for &(pos, byte, op) in edits {
        let at = if out.is_empty() { 0 } else { pos % out.len() };
        match op % 4 {
            0 if !out.is_empty() => out[at] = byte,
            1 => out.insert(at, byte),
            2 if !out.is_empty() => {
                out.remove(at);
            }
            _ => {
                let token = TOKENS[byte as usize % TOKENS.len()];
                out.splice(at..at, token.iter().copied());
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic_any_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for (name, decoder) in decoders() {
            assert_decode_error(name, decoder(&bytes), &bytes);
        }
    }

    #[test]
    fn random_json_text_never_panics_any_decoder(text in r#"[\[\]{}",:0-9a-z_ .eE+-]{0,200}"#) {
        for (name, decoder) in decoders() {
            assert_decode_error(name, decoder(text.as_bytes()), text.as_bytes());
        }
    }

    #[test]
    fn mutated_samples_never_panic(
        which in 0usize..11,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8),
    ) {
        let corpus = corpus();
        let ((name, decoder), sample) = &corpus[which % corpus.len()];
        let input = mutate(sample.as_bytes(), &edits);
        assert_decode_error(name, decoder(&input), &input);
        // Cross-feeding: every other model gets the mutated payload too.
        for (other, decoder) in decoders() {
            assert_decode_error(other, decoder(&input), &input);
        }
    }

    #[test]
    fn truncated_samples_at_random_offsets_fail_cleanly(which in 0usize..11, cut in any::<usize>()) {
        let corpus = corpus();
        let ((name, decoder), sample) = &corpus[which % corpus.len()];
        let bytes = sample.as_bytes();
        let prefix = &bytes[..cut % bytes.len()];
        let result = decoder(prefix);
        prop_assert!(prefix.is_empty() || result.is_err(), "{} accepted a truncated body", name);
        assert_decode_error(name, result, prefix);
    }
}

// ---- error bodies through a full client call ----

fn runtime() -> Result<tokio::runtime::Runtime, TestCaseError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| TestCaseError::fail(format!("no runtime: {e}")))
}

/// Sends one GET through each provider's client, answered by `status` with `body`, and returns
/// the (operation id, error) pairs.
async fn error_calls(status: u16, body: &[u8]) -> idp::Result<Vec<(&'static str, idp::Error)>> {
    let mut out = Vec::new();
    let mock = MockTransport::new();
    mock.push(
        status,
        &[("content-type", "application/json")],
        body.to_vec(),
    );
    let okta = idp::okta::Client::builder()
        .org_url("https://acme.okta.com")
        .api_token("fuzz-okta-token")
        .transport(Arc::new(mock))
        .retry_policy(RetryPolicy::none())
        .build()?;
    if let Err(e) = okta.application_users().get("0oa1", "00u1").send().await {
        out.push(("getApplicationUser", e));
    }

    let mock = MockTransport::new();
    mock.push(status, &[("content-type", "text/plain")], body.to_vec());
    let authress = idp::authress::Client::builder()
        .base_url("https://login.example.com")
        .user_token("fuzz-authress-token")
        .transport(Arc::new(mock))
        .retry_policy(RetryPolicy::none())
        .build()?;
    if let Err(e) = authress.connections().get("google").send().await {
        out.push(("getConnection", e));
    }

    let mock = MockTransport::new();
    mock.push(
        status,
        &[("content-type", "application/json")],
        body.to_vec(),
    );
    let kinde = idp::kinde::Client::builder()
        .domain("https://acme.kinde.com")
        .access_token("fuzz-kinde-token")
        .transport(Arc::new(mock))
        .retry_policy(RetryPolicy::none())
        .build()?;
    if let Err(e) = kinde.connections().get("conn_1").send().await {
        out.push(("GetConnection", e));
    }
    Ok(out)
}

fn check_error_calls(status: u16, body: &[u8]) -> Result<(), TestCaseError> {
    let calls = runtime()?
        .block_on(error_calls(status, body))
        .map_err(|e| TestCaseError::fail(format!("client build failed: {e}")))?;
    prop_assert_eq!(calls.len(), 3, "every provider answered with an error");
    for (op, err) in calls {
        prop_assert_eq!(err.kind(), ErrorKind::Api, "{}: {}", op, err);
        prop_assert_eq!(err.operation(), Some(op));
        prop_assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        prop_assert_eq!(err.raw_body(), Some(body));
        let text = err.to_string();
        prop_assert!(
            text.starts_with(&format!("{op}: API error: {status}")),
            "{}",
            text
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_error_bodies_are_api_errors_naming_the_operation(
        status in prop_oneof![Just(400u16), Just(404), Just(409), Just(422), Just(500), Just(503)],
        body in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        check_error_calls(status, &body)?;
    }

    #[test]
    fn mutated_error_samples_are_api_errors_naming_the_operation(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..6),
    ) {
        let samples = [OKTA_ERROR, KINDE_ERRORS, KINDE_NOT_FOUND, r#"{"errorCode":"NotFound","title":"Connection not found"}"#];
        let body = mutate(samples[which % samples.len()].as_bytes(), &edits);
        check_error_calls(400, &body)?;
    }
}

// ---- the Link header parser ----

/// A link-like fragment vocabulary, so random input often looks almost valid.
const LINK_PARTS: &str = r#"(<|>|;|,|rel|=|"|next|self|prev|NEXT| |\t|https://a.okta.com/api/v1/apps/x/users\?after=[a-z0-9%]{0,5}&limit=2|/relative\?after=1|title="t")"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn link_parser_never_panics_on_multi_line_input(
        lines in proptest::collection::vec(proptest::collection::vec(LINK_PARTS, 0..20), 0..5),
        relative in any::<bool>(),
    ) {
        let lines: Vec<String> = lines.into_iter().map(|l| l.concat()).collect();
        let base = reqwest::Url::parse("https://a.okta.com/api/v1/apps/x/users").ok();
        let next = idp_core::pagination::next_link(
            lines.iter().map(String::as_str),
            if relative { base.as_ref() } else { None },
        );
        if next.is_some() {
            let all = lines.concat().to_ascii_lowercase();
            prop_assert!(all.contains("next"), "a next link was invented from {:?}", lines);
        }
    }

    #[test]
    fn the_next_link_is_found_among_others_however_the_lines_are_split(
        others in proptest::collection::vec(
            (prop_oneof![Just("self"), Just("prev"), Just("first"), Just("last")], "[a-z0-9]{1,6}"),
            0..5,
        ),
        position in any::<usize>(),
        after in "[a-zA-Z0-9]{1,12}",
        splits in proptest::collection::vec(any::<bool>(), 6),
        quoted in any::<bool>(),
    ) {
        let mut links: Vec<String> = others
            .iter()
            .map(|(rel, cursor)| format!(r#"<https://a.okta.com/api/v1/x?after={cursor}&limit=2>; rel="{rel}""#))
            .collect();
        let want = format!("https://a.okta.com/api/v1/x?after={after}&limit=2");
        let rel = if quoted { r#"rel="next""# } else { "rel=next" };
        links.insert(position % (links.len() + 1), format!("<{want}>; {rel}"));
        // Join some links into one header line with ", ", put the others on their own lines.
        let mut lines: Vec<String> = Vec::new();
        for (i, link) in links.into_iter().enumerate() {
            match lines.last_mut() {
                Some(last) if splits.get(i).copied().unwrap_or(false) => {
                    last.push_str(", ");
                    last.push_str(&link);
                }
                _ => lines.push(link),
            }
        }
        let next = idp_core::pagination::next_link(lines.iter().map(String::as_str), None);
        prop_assert_eq!(next.map(|u| u.to_string()), Some(want), "{:?}", lines);
    }

    #[test]
    fn okta_list_pages_survive_random_link_headers(
        lines in proptest::collection::vec("[ -~]{0,120}", 0..4),
    ) {
        let result = runtime()?.block_on(async {
            let mock = MockTransport::new();
            let mut headers: Vec<(&str, &str)> = vec![("content-type", "application/json")];
            for line in &lines {
                headers.push(("link", line.as_str()));
            }
            mock.push(200, &headers, okta_app_users());
            let okta = idp::okta::Client::builder()
                .org_url("https://acme.okta.com")
                .api_token("fuzz-okta-token")
                .transport(Arc::new(mock.clone()))
                .retry_policy(RetryPolicy::none())
                .build()?;
            let mut pager = okta.application_users().list("0oa1").pager();
            let first = pager.next_page().await;
            Ok::<_, idp::Error>((first, mock.request_count()))
        });
        let (first, sent) = result.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(sent, 1);
        match first {
            Some(Ok(page)) => {
                prop_assert_eq!(page.items.len(), 2);
                if let Some(cursor) = page.next_cursor {
                    prop_assert!(!cursor.is_empty());
                }
            }
            // A next link to another origin is refused with InvalidResponse.
            Some(Err(e)) => prop_assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{}", e),
            None => prop_assert!(false, "the first page is always fetched"),
        }
    }
}
