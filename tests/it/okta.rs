//! Okta end to end: every operation through the real client against `FakeOkta`, with each
//! authentication mode (SSWS API token, `private_key_jwt` service apps with RSA and EC keys and
//! DPoP, a caller-supplied access token) verified by the fake, paging, and injected faults.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use idp::okta::Client;
use idp::okta::models::{
    AppUserAssignRequest, AppUserCredentials, AppUserScope, AppUserStatus, AppUserUpdateRequest,
    KeyRequest, ProvisioningConnectionAuthScheme, ProvisioningConnectionStatus,
    ProvisioningConnectionTokenRequest,
};
use idp_test_support::RecordingSleeper;
use idp_testkit::{FakeOkta, Fault, LoggedRequest, ServiceAppKey};
use serde_json::{Value, json};

use crate::TestResult;

const APP: &str = "0oa1e2eapp";

fn ssws_client(fake: &FakeOkta, sleeper: &RecordingSleeper) -> idp::Result<Client> {
    Client::builder()
        .org_url(fake.base_url())
        .api_token(fake.api_token())
        .sleeper(Arc::new(sleeper.clone()))
        .build()
}

/// The PKCS#8 RSA test key of idp-okta (not a secret; see its keys/README.md).
fn rsa_private_pem() -> std::io::Result<String> {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crates/idp-okta/tests/it/keys/test-only-rsa-private.pem"
    ))
}

/// A fresh PKCS#8 EC P-256 private key, as PEM.
fn ec_p256_private_pem() -> Result<String, Box<dyn std::error::Error>> {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &rng,
    )
    .map_err(|_| "could not generate an EC key")?;
    let b64 = base64_std(pkcs8.as_ref());
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line)?);
        pem.push('\n');
    }
    pem.push_str("-----END PRIVATE KEY-----\n");
    Ok(pem)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (for PEM).
fn base64_std(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes one base64url (no padding) JWT segment as JSON.
fn jwt_segment(segment: &str) -> Option<Value> {
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut bytes = Vec::new();
    for c in segment.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            bytes.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    serde_json::from_slice(&bytes).ok()
}

/// The JOSE header and claims of a compact JWT.
fn jwt_parts(jwt: &str) -> Option<(Value, Value)> {
    let mut parts = jwt.split('.');
    let header = jwt_segment(parts.next()?)?;
    let claims = jwt_segment(parts.next()?)?;
    Some((header, claims))
}

/// A form field of a logged token request, percent-decoded.
fn form_field(request: &LoggedRequest, name: &str) -> Option<String> {
    let body = std::str::from_utf8(&request.body).ok()?;
    let raw = body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then_some(v)
    })?;
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = [bytes.next()?, bytes.next()?];
                out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
            }
            _ => out.push(b),
        }
    }
    String::from_utf8(out).ok()
}

fn token_requests(fake: &FakeOkta) -> Vec<LoggedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.operation == Some("token"))
        .collect()
}

fn api_requests(fake: &FakeOkta) -> Vec<LoggedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.operation != Some("token"))
        .collect()
}

fn requests_for(fake: &FakeOkta, operation: &str) -> Vec<LoggedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.operation == Some(operation))
        .collect()
}

/// Seconds since the epoch of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn parse_http_date(date: &str) -> Option<i64> {
    let mut it = date.split_whitespace().skip(1);
    let day: i64 = it.next()?.parse().ok()?;
    let month_name = it.next()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == month_name)? as i64
        + 1;
    let year: i64 = it.next()?.parse().ok()?;
    let mut hms = it.next()?.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi, s) = (hms.next()??, hms.next()??, hms.next()??);
    // Days from civil (Howard Hinnant).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + s)
}

// ---------------------------------------------------------------------------------------------
// Every operation

#[tokio::test]
async fn every_operation_round_trips_through_the_fake() -> TestResult {
    let fake = FakeOkta::start().await?;
    let okta = ssws_client(&fake, &RecordingSleeper::new())?;

    // --- Application connections -------------------------------------------------------------
    let connections = okta.application_connections();

    // get: a fresh app has no configured connection
    let fresh = connections.get_default(APP).send().await?;
    assert_eq!(fresh.status, ProvisioningConnectionStatus::Disabled);
    assert_eq!(
        fresh.auth_scheme(),
        Some(&ProvisioningConnectionAuthScheme::UnknownScheme)
    );
    assert_eq!(fake.provisioning_token(APP), None);

    // update with activate=true: the token is stored (never returned) and the connection enabled
    let updated = connections
        .update_default(
            APP,
            ProvisioningConnectionTokenRequest::new("scim-bearer-token")
                .base_url("https://scim.example.com/v2"),
        )
        .activate(true)
        .send()
        .await?;
    assert_eq!(updated.status, ProvisioningConnectionStatus::Enabled);
    assert_eq!(
        updated.auth_scheme,
        Some(ProvisioningConnectionAuthScheme::Token)
    );
    assert_eq!(
        updated.auth_scheme(),
        Some(&ProvisioningConnectionAuthScheme::Token)
    );
    assert_eq!(
        updated.base_url.as_deref(),
        Some("https://scim.example.com/v2")
    );
    assert!(
        !updated
            .profile
            .as_ref()
            .is_some_and(|p| p.extra.contains_key("token"))
    );
    assert_eq!(
        fake.provisioning_token(APP).as_deref(),
        Some("scim-bearer-token")
    );
    let update_request = requests_for(&fake, "updateDefaultProvisioningConnectionForApplication");
    assert_eq!(update_request.len(), 1);
    assert_eq!(
        update_request[0].query_param("activate").as_deref(),
        Some("true")
    );
    assert_eq!(
        update_request[0].body_json(),
        Some(json!({
            "baseUrl": "https://scim.example.com/v2",
            "profile": { "authScheme": "TOKEN", "token": "scim-bearer-token" },
        }))
    );
    // an enabled connection links to its deactivation
    let links = updated.links.ok_or("no _links")?;
    assert!(links.deactivate.is_some() && links.activate.is_none());

    // deactivate (204), then get shows it disabled
    connections.deactivate_default(APP).send().await?;
    let got = connections.get_default(APP).send().await?;
    assert_eq!(got.status, ProvisioningConnectionStatus::Disabled);
    assert_eq!(
        got.auth_scheme,
        Some(ProvisioningConnectionAuthScheme::Token)
    );

    // activate (204), then get shows it enabled again
    connections.activate_default(APP).send().await?;
    let got = connections.get_default(APP).send().await?;
    assert_eq!(got.status, ProvisioningConnectionStatus::Enabled);
    assert_eq!(
        fake.provisioning_token(APP).as_deref(),
        Some("scim-bearer-token")
    );

    // --- Application users ---------------------------------------------------------------------
    let users = okta.application_users();
    // a user id that needs percent-encoding in the path
    let user_id = "00u1e2e/a b";
    fake.add_users([user_id]);

    // assign
    let assigned = users
        .assign(
            APP,
            AppUserAssignRequest::new(user_id)
                .scope(AppUserScope::User)
                .credentials(AppUserCredentials::user_name("rae@example.com"))
                .profile(json!({ "role": "Developer", "level": 3 })),
        )
        .send()
        .await?;
    assert_eq!(assigned.id.as_deref(), Some(user_id));
    assert_eq!(assigned.scope, Some(AppUserScope::User));
    assert_eq!(assigned.status, Some(AppUserStatus::Provisioned));
    assert_eq!(
        assigned
            .credentials
            .as_ref()
            .and_then(|c| c.user_name.as_deref()),
        Some("rae@example.com")
    );
    let stored = fake.app_user(APP, user_id).ok_or("user not stored")?;
    assert_eq!(
        stored["profile"],
        json!({ "role": "Developer", "level": 3 })
    );
    assert_eq!(stored["credentials"]["userName"], "rae@example.com");
    let assign_request = requests_for(&fake, "assignUserToApplication");
    assert_eq!(assign_request[0].path, format!("/api/v1/apps/{APP}/users"));

    // get (plain, then with expand=user)
    let got = users.get(APP, user_id).send().await?;
    assert_eq!(got.id.as_deref(), Some(user_id));
    assert!(got.embedded_user().is_none());
    let expanded = users.get(APP, user_id).expand("user").send().await?;
    let embedded = expanded.embedded_user().ok_or("no embedded user")?;
    assert_eq!(embedded["id"], user_id);
    assert_eq!(embedded["profile"]["login"], "rae@example.com");
    let get_requests = requests_for(&fake, "getApplicationUser");
    assert_eq!(
        get_requests[0].path,
        format!("/api/v1/apps/{APP}/users/00u1e2e%2Fa%20b")
    );
    assert_eq!(
        get_requests[1].query_param("expand").as_deref(),
        Some("user")
    );

    // list
    let listed = users.list(APP).collect_all().await?;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id.as_deref(), Some(user_id));
    assert_eq!(
        listed[0].profile.as_ref().map(|p| &p["role"]),
        Some(&json!("Developer"))
    );

    // update: edit the profile and send it back
    let mut profile = assigned.profile.clone().unwrap_or_default();
    profile.insert("role".into(), json!("Lead"));
    let after_update = users
        .update(APP, user_id, AppUserUpdateRequest::profile(profile))
        .send()
        .await?;
    assert_eq!(
        after_update.profile.as_ref().map(|p| &p["role"]),
        Some(&json!("Lead"))
    );
    let stored = fake.app_user(APP, user_id).ok_or("user not stored")?;
    assert_eq!(stored["profile"], json!({ "role": "Lead", "level": 3 }));

    // unassign with sendEmail=false (204): gone from the fake, then get is a 404
    users
        .unassign(APP, user_id)
        .send_email(false)
        .send()
        .await?;
    assert!(fake.app_user(APP, user_id).is_none());
    let unassign_request = requests_for(&fake, "unassignUserFromApplication");
    assert_eq!(
        unassign_request[0].query_param("sendEmail").as_deref(),
        Some("false")
    );
    let err = users
        .get(APP, user_id)
        .send()
        .await
        .err()
        .ok_or("expected 404")?;
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.kind(), idp::ErrorKind::Api);
    assert_eq!(err.code(), Some("E0000007"));
    assert_eq!(err.operation(), Some("getApplicationUser"));

    // --- Hook keys -----------------------------------------------------------------------------
    let hook_keys = okta.hook_keys();

    // create
    let created = hook_keys.create(KeyRequest::new("e2e key")).send().await?;
    let id = created.id.clone().ok_or("no id")?;
    let key_id = created.key_id.clone().ok_or("no keyId")?;
    assert_eq!(created.name.as_deref(), Some("e2e key"));
    assert_eq!(created.is_used, Some(false));
    let created_public = created.embedded.clone().ok_or("no _embedded key")?;
    assert_eq!(created_public.kid.as_deref(), Some(key_id.as_str()));
    let stored_keys = fake.hook_keys();
    assert_eq!(stored_keys.len(), 1);
    assert_eq!(stored_keys[0]["id"], id.as_str());
    assert_eq!(stored_keys[0]["name"], "e2e key");

    // get
    let got = hook_keys.get(&id).send().await?;
    assert_eq!(got.id.as_deref(), Some(id.as_str()));
    assert_eq!(got.key_id.as_deref(), Some(key_id.as_str()));
    assert_eq!(got.name.as_deref(), Some("e2e key"));

    // get the public key by its keyId
    let public = hook_keys.get_public_key(&key_id).send().await?;
    assert_eq!(public.kid.as_deref(), Some(key_id.as_str()));
    assert_eq!(public.kty.as_deref(), Some("RSA"));
    assert_eq!(public.e.as_deref(), Some("AQAB"));
    assert!(public.n.is_some());
    assert_eq!(public.n, created_public.n);

    // list
    let all = hook_keys.list().send().await?;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].id.as_deref(), Some(id.as_str()));

    // replace (PUT): only the name changes
    let replaced = hook_keys
        .replace(&id, KeyRequest::new("e2e key renamed"))
        .send()
        .await?;
    assert_eq!(replaced.id.as_deref(), Some(id.as_str()));
    assert_eq!(replaced.key_id.as_deref(), Some(key_id.as_str()));
    assert_eq!(replaced.name.as_deref(), Some("e2e key renamed"));
    assert_eq!(fake.hook_keys()[0]["name"], "e2e key renamed");

    // delete (204), then get is a 404
    hook_keys.delete(&id).send().await?;
    assert!(fake.hook_keys().is_empty());
    let err = hook_keys
        .get(&id)
        .send()
        .await
        .err()
        .ok_or("expected 404")?;
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.operation(), Some("getHookKey"));

    // all 15 operations reached the fake, each request with the SSWS token and the SDK user agent
    let log = fake.requests();
    let reached: BTreeSet<&str> = log.iter().filter_map(|r| r.operation).collect();
    let expected: BTreeSet<&str> = idp::okta::OPERATIONS.iter().map(|o| o.id).collect();
    assert_eq!(expected.len(), 15);
    assert_eq!(reached, expected);
    let ssws = format!("SSWS {}", fake.api_token());
    assert!(
        log.iter()
            .all(|r| r.header("authorization") == Some(ssws.as_str()))
    );
    assert!(log.iter().all(|r| {
        r.header("user-agent")
            .is_some_and(|ua| ua.contains("idp-okta/"))
    }));
    assert!(log.iter().all(|r| r.fault.is_none()));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Paging

#[tokio::test]
async fn paging_through_1200_seeded_app_users_yields_each_once_in_order() -> TestResult {
    let fake = FakeOkta::start().await?;
    let seeded = fake.seed_app_users(APP, 1200);
    let okta = ssws_client(&fake, &RecordingSleeper::new())?;
    let listed: Vec<String> = okta
        .application_users()
        .list(APP)
        .limit(500)
        .collect_all()
        .await?
        .into_iter()
        .filter_map(|u| u.id)
        .collect();
    assert_eq!(listed.len(), 1200);
    assert_eq!(listed, seeded);
    assert_eq!(listed.iter().collect::<BTreeSet<_>>().len(), 1200);

    let log = fake.requests();
    assert_eq!(log.len(), 3);
    assert!(
        log.iter()
            .all(|r| r.operation == Some("listApplicationUsers"))
    );
    assert!(
        log.iter()
            .all(|r| r.query_param("limit").as_deref() == Some("500"))
    );
    let cursors: Vec<Option<String>> = log.iter().map(|r| r.query_param("after")).collect();
    assert_eq!(
        cursors,
        vec![None, Some(seeded[499].clone()), Some(seeded[999].clone())]
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Authentication modes

#[tokio::test]
async fn an_api_token_is_sent_as_ssws_and_accepted() -> TestResult {
    let fake = FakeOkta::start().await?;
    fake.seed_app_users(APP, 2);
    let okta = ssws_client(&fake, &RecordingSleeper::new())?;
    assert_eq!(
        okta.application_users()
            .list(APP)
            .collect_all()
            .await?
            .len(),
        2
    );
    let log = fake.requests();
    assert_eq!(log.len(), 1);
    let expected = format!("SSWS {}", fake.api_token());
    assert!(log[0].header("authorization") == Some(expected.as_str()));
    assert!(token_requests(&fake).is_empty());
    Ok(())
}

#[tokio::test]
async fn a_wrong_api_token_is_an_auth_error_that_does_not_leak_the_token() -> TestResult {
    let fake = FakeOkta::start().await?;
    let wrong = "00wrongTokenValue0123456789abcdefXYZ";
    let okta = Client::builder()
        .org_url(fake.base_url())
        .api_token(wrong)
        .build()?;
    let err = okta
        .application_users()
        .get(APP, "00u1")
        .send()
        .await
        .err()
        .ok_or("expected 401")?;
    assert_eq!(err.kind(), idp::ErrorKind::Auth, "{err}");
    assert!(err.is_unauthorized());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.code(), Some("E0000011"));
    assert_eq!(err.provider_message(), Some("Invalid token provided"));
    assert_eq!(err.operation(), Some("getApplicationUser"));
    let display = err.to_string();
    assert!(
        display.starts_with("getApplicationUser: authentication failed: 401"),
        "{display}"
    );
    assert!(display.contains("E0000011"), "{display}");
    assert!(err.request_id().is_some());
    let text = format!("{err} {err:?}");
    assert!(!text.contains(wrong) && !text.contains("wrongToken"));
    // not retried
    assert_eq!(fake.requests().len(), 1);
    Ok(())
}

#[tokio::test]
async fn private_key_jwt_with_rsa_and_dpop_answers_the_nonce_and_fetches_one_token() -> TestResult {
    let fake = FakeOkta::start().await?;
    let pem = rsa_private_pem()?;
    fake.register_service_app("0oaSvcRsa", ServiceAppKey::Pem(pem.clone()))?;
    assert!(fake.require_dpop("0oaSvcRsa", true));
    fake.seed_app_users(APP, 3);
    let okta = Client::builder()
        .org_url(fake.base_url())
        .private_key_jwt(
            "0oaSvcRsa",
            pem,
            ["okta.apps.manage", "okta.inlineHooks.manage"],
        )
        .build()?;

    // several calls, of different scopes
    assert_eq!(
        okta.application_users()
            .list(APP)
            .collect_all()
            .await?
            .len(),
        3
    );
    okta.application_connections()
        .get_default(APP)
        .send()
        .await?;
    let key = okta
        .hook_keys()
        .create(KeyRequest::new("dpop key"))
        .send()
        .await?;
    assert_eq!(key.name.as_deref(), Some("dpop key"));
    assert_eq!(okta.hook_keys().list().send().await?.len(), 1);

    // One token for all calls: the first token request was challenged for a nonce, the second
    // carried it and got the token.
    let tokens = token_requests(&fake);
    assert_eq!(tokens.len(), 2);
    assert_eq!(fake.token_requests(), 2);
    let nonce = fake.dpop_nonce();
    let proof_nonce = |r: &LoggedRequest| -> Option<Value> {
        let (_, claims) = jwt_parts(r.header("dpop")?)?;
        claims.get("nonce").cloned()
    };
    assert_eq!(proof_nonce(&tokens[0]), None);
    assert_eq!(proof_nonce(&tokens[1]), Some(json!(nonce)));
    for r in &tokens {
        assert_eq!(
            form_field(r, "grant_type").as_deref(),
            Some("client_credentials")
        );
        assert_eq!(
            form_field(r, "client_assertion_type").as_deref(),
            Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        );
        assert_eq!(
            form_field(r, "scope").as_deref(),
            Some("okta.apps.manage okta.inlineHooks.manage")
        );
        let assertion = form_field(r, "client_assertion").ok_or("no client assertion")?;
        let (header, claims) = jwt_parts(&assertion).ok_or("assertion is not a JWT")?;
        assert_eq!(header["alg"], "RS256");
        assert_eq!(claims["iss"], "0oaSvcRsa");
        assert_eq!(claims["sub"], "0oaSvcRsa");
        assert_eq!(claims["aud"], fake.token_url());
    }

    // every API call carried the DPoP-bound token and a fresh proof for its method and URL
    let api = api_requests(&fake);
    assert_eq!(api.len(), 4);
    let mut jtis = BTreeSet::new();
    for r in &api {
        assert!(
            r.header("authorization")
                .is_some_and(|a| a.starts_with("DPoP okta-at."))
        );
        assert_eq!(r.header("x-okta-user-agent-extended"), Some("isDPoP:true"));
        let (header, claims) = r
            .header("dpop")
            .and_then(jwt_parts)
            .ok_or("no DPoP proof")?;
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(claims["htm"], r.method.as_str());
        assert_eq!(claims["htu"], format!("{}{}", fake.base_url(), r.path));
        assert!(claims.get("ath").is_some());
        jtis.insert(claims["jti"].to_string());
    }
    assert_eq!(jtis.len(), 4, "each proof has its own jti");
    let first = api[0].header("authorization");
    assert!(api.iter().all(|r| r.header("authorization") == first));
    Ok(())
}

#[tokio::test]
async fn private_key_jwt_with_an_ec_p256_key_is_accepted() -> TestResult {
    let fake = FakeOkta::start().await?;
    let pem = ec_p256_private_pem()?;
    fake.register_service_app("0oaSvcEc", ServiceAppKey::Pem(pem.clone()))?;
    fake.seed_app_users(APP, 2);
    let okta = Client::builder()
        .org_url(fake.base_url())
        .private_key_jwt("0oaSvcEc", pem, ["okta.apps.read"])
        .dpop(false)
        .build()?;
    assert_eq!(
        okta.application_users()
            .list(APP)
            .collect_all()
            .await?
            .len(),
        2
    );
    okta.application_connections()
        .get_default(APP)
        .send()
        .await?;

    let tokens = token_requests(&fake);
    assert_eq!(tokens.len(), 1);
    assert!(tokens[0].header("dpop").is_none());
    let assertion = form_field(&tokens[0], "client_assertion").ok_or("no client assertion")?;
    let (header, claims) = jwt_parts(&assertion).ok_or("assertion is not a JWT")?;
    assert_eq!(header["alg"], "ES256");
    assert_eq!(claims["iss"], "0oaSvcEc");
    let api = api_requests(&fake);
    assert_eq!(api.len(), 2);
    assert!(api.iter().all(|r| {
        r.header("authorization")
            .is_some_and(|a| a.starts_with("Bearer okta-at."))
            && r.header("dpop").is_none()
    }));
    Ok(())
}

#[tokio::test]
async fn a_caller_supplied_access_token_is_sent_as_bearer_and_never_refreshed() -> TestResult {
    let fake = FakeOkta::start().await?;
    let pem = rsa_private_pem()?;
    fake.register_service_app("0oaSvcBearer", ServiceAppKey::Pem(pem.clone()))?;
    assert!(fake.require_dpop("0oaSvcBearer", false));
    fake.seed_app_users(APP, 4);

    // Obtain a plain Bearer token from the fake's token endpoint through a first (non-DPoP)
    // service-app client, and read it from the request log.
    let issuer = Client::builder()
        .org_url(fake.base_url())
        .private_key_jwt("0oaSvcBearer", pem, ["okta.apps.read"])
        .dpop(false)
        .build()?;
    issuer
        .application_connections()
        .get_default(APP)
        .send()
        .await?;
    let authorization = api_requests(&fake)
        .first()
        .and_then(|r| r.header("authorization").map(str::to_owned))
        .ok_or("no authorization header")?;
    let token = authorization
        .strip_prefix("Bearer ")
        .ok_or("not a Bearer token")?
        .to_owned();
    assert_eq!(fake.token_requests(), 1);
    fake.clear_requests();

    let okta = Client::builder()
        .org_url(fake.base_url())
        .access_token(token.as_str())
        .build()?;
    assert_eq!(
        okta.application_users()
            .list(APP)
            .collect_all()
            .await?
            .len(),
        4
    );
    assert!(!format!("{okta:?}").contains(&token));
    let log = fake.requests();
    assert_eq!(log.len(), 1);
    // (assert!, not assert_eq!: a failure must not print the token)
    assert!(log[0].header("authorization") == Some(authorization.as_str()));
    assert_eq!(fake.token_requests(), 1, "the caller's token is used as is");

    // once revoked, it is an Auth error: a static token cannot be refreshed, so no second try
    fake.revoke_tokens();
    fake.clear_requests();
    let err = okta
        .application_users()
        .list(APP)
        .collect_all()
        .await
        .err()
        .ok_or("expected 401")?;
    assert_eq!(err.kind(), idp::ErrorKind::Auth, "{err}");
    assert_eq!(err.code(), Some("E0000011"));
    assert!(!format!("{err} {err:?}").contains(&token));
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(fake.token_requests(), 1);
    Ok(())
}

#[tokio::test]
async fn revoked_service_app_tokens_are_refreshed_once() -> TestResult {
    let fake = FakeOkta::start().await?;
    let pem = rsa_private_pem()?;
    fake.register_service_app("0oaSvcRevoke", ServiceAppKey::Pem(pem.clone()))?;
    assert!(fake.require_dpop("0oaSvcRevoke", true));
    fake.seed_app_users(APP, 1);
    let okta = Client::builder()
        .org_url(fake.base_url())
        .private_key_jwt("0oaSvcRevoke", pem, ["okta.apps.read"])
        .build()?;
    okta.application_users().list(APP).collect_all().await?;
    let before = fake.token_requests();
    assert_eq!(before, 2, "nonce challenge + token");
    let old = api_requests(&fake)[0]
        .header("authorization")
        .map(str::to_owned);

    fake.revoke_tokens();
    fake.clear_requests();
    let listed = okta.application_users().list(APP).collect_all().await?;
    assert_eq!(listed.len(), 1);

    // the 401 dropped the token; exactly one new token request (the nonce is already known),
    // then the call was sent once more with the new token
    assert_eq!(fake.token_requests(), before + 1);
    let log = fake.requests();
    let ops: Vec<&str> = log.iter().filter_map(|r| r.operation).collect();
    assert_eq!(
        ops,
        vec!["listApplicationUsers", "token", "listApplicationUsers"]
    );
    assert!(log[0].header("authorization").map(str::to_owned) == old);
    assert!(log[2].header("authorization").map(str::to_owned) != old);
    assert!(log[2].header("x-okta-retry-count").is_none());

    // the next call reuses the new token
    okta.application_users().list(APP).collect_all().await?;
    assert_eq!(fake.token_requests(), before + 1);
    Ok(())
}

#[tokio::test]
async fn a_rotated_dpop_nonce_is_answered_when_the_token_is_refreshed() -> TestResult {
    let fake = FakeOkta::start().await?;
    let pem = rsa_private_pem()?;
    fake.register_service_app("0oaSvcNonce", ServiceAppKey::Pem(pem.clone()))?;
    assert!(fake.require_dpop("0oaSvcNonce", true));
    let okta = Client::builder()
        .org_url(fake.base_url())
        .private_key_jwt("0oaSvcNonce", pem, ["okta.apps.read"])
        .build()?;
    okta.application_connections()
        .get_default(APP)
        .send()
        .await?;
    assert_eq!(fake.token_requests(), 2);

    fake.rotate_dpop_nonce();
    fake.revoke_tokens();
    fake.clear_requests();
    okta.application_connections()
        .get_default(APP)
        .send()
        .await?;

    // refresh: the proof with the old nonce was challenged, the retry carried the new one
    let tokens = token_requests(&fake);
    assert_eq!(tokens.len(), 2);
    assert_eq!(fake.token_requests(), 4);
    let nonce = |r: &LoggedRequest| {
        r.header("dpop")
            .and_then(jwt_parts)
            .and_then(|(_, c)| c.get("nonce").cloned())
    };
    let new_nonce = json!(fake.dpop_nonce());
    assert!(nonce(&tokens[0]).is_some_and(|n| n != new_nonce));
    assert_eq!(nonce(&tokens[1]), Some(new_nonce));
    Ok(())
}

#[tokio::test]
async fn a_token_without_the_needed_scope_gets_a_403() -> TestResult {
    let fake = FakeOkta::start().await?;
    let pem = rsa_private_pem()?;
    fake.register_service_app("0oaSvcScope", ServiceAppKey::Pem(pem.clone()))?;
    let okta = Client::builder()
        .org_url(fake.base_url())
        .private_key_jwt("0oaSvcScope", pem, ["okta.apps.read"])
        .dpop(false)
        .build()?;
    okta.application_connections()
        .get_default(APP)
        .send()
        .await?;
    let err = okta
        .hook_keys()
        .list()
        .send()
        .await
        .err()
        .ok_or("expected 403")?;
    assert_eq!(err.kind(), idp::ErrorKind::Api, "{err}");
    assert!(err.is_forbidden());
    assert_eq!(err.code(), Some("E0000006"));
    assert!(
        err.to_string().starts_with("listHookKeys: API error: 403"),
        "{err}"
    );
    assert_eq!(fake.token_requests(), 1, "a 403 does not refresh the token");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Faults

/// `X-Rate-Limit-Reset − Date` of a 429 the fake sends for `reset_after`, read from its headers.
async fn advertised_reset(
    fake: &FakeOkta,
    reset_after: Duration,
) -> Result<Duration, Box<dyn std::error::Error>> {
    fake.faults()
        .operation("listHookKeys")
        .next(1, Fault::Status429 { reset_after });
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/hook-keys", fake.base_url()))
        .header("authorization", format!("SSWS {}", fake.api_token()))
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 429);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or(format!("no {name} header"))
    };
    let reset: i64 = header("x-rate-limit-reset")?.parse()?;
    let date = parse_http_date(&header("date")?).ok_or("bad Date header")?;
    Ok(Duration::from_secs(u64::try_from(reset - date)?))
}

#[tokio::test]
async fn a_429_storm_is_honoured_with_the_advertised_waits_and_retry_headers() -> TestResult {
    let fake = FakeOkta::start().await?;
    let seeded = fake.seed_app_users(APP, 3);
    let sleeper = RecordingSleeper::new();
    let okta = ssws_client(&fake, &sleeper)?;

    let advertised = advertised_reset(&fake, Duration::from_secs(2)).await?;
    assert_eq!(advertised, Duration::from_secs(2));
    fake.clear_requests();

    fake.faults().operation("listApplicationUsers").next(
        3,
        Fault::Status429 {
            reset_after: Duration::from_secs(2),
        },
    );
    let listed: Vec<String> = okta
        .application_users()
        .list(APP)
        .collect_all()
        .await?
        .into_iter()
        .filter_map(|u| u.id)
        .collect();
    assert_eq!(listed, seeded);

    // X-Rate-Limit-Reset − Date + 1 s, for each of the 3 rate-limited attempts
    assert_eq!(
        sleeper.waits(),
        vec![advertised + Duration::from_secs(1); 3]
    );

    let log = fake.requests();
    assert_eq!(log.len(), 4);
    assert!(
        log.iter()
            .all(|r| r.operation == Some("listApplicationUsers"))
    );
    let faults: Vec<bool> = log.iter().map(|r| r.fault.is_some()).collect();
    assert_eq!(faults, vec![true, true, true, false]);
    assert!(log[0].header("x-okta-retry-for").is_none());
    assert!(log[0].header("x-okta-retry-count").is_none());
    let counts: Vec<Option<&str>> = log[1..]
        .iter()
        .map(|r| r.header("x-okta-retry-count"))
        .collect();
    assert_eq!(counts, vec![Some("1"), Some("2"), Some("3")]);
    let retry_for = log[1]
        .header("x-okta-retry-for")
        .ok_or("no X-Okta-Retry-For")?;
    assert!(!retry_for.is_empty());
    assert!(
        log[1..]
            .iter()
            .all(|r| r.header("x-okta-retry-for") == Some(retry_for))
    );
    Ok(())
}

#[tokio::test]
async fn a_503_on_a_get_is_retried() -> TestResult {
    let fake = FakeOkta::start().await?;
    let ids = fake.seed_app_users(APP, 1);
    let sleeper = RecordingSleeper::new();
    let okta = ssws_client(&fake, &sleeper)?;
    fake.faults()
        .operation("getApplicationUser")
        .next(1, Fault::Status(503));
    let user = okta.application_users().get(APP, &ids[0]).send().await?;
    assert_eq!(user.id.as_deref(), Some(ids[0].as_str()));
    let log = fake.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].fault, Some(Fault::Status(503)));
    assert_eq!(log[1].fault, None);
    assert_eq!(log[1].header("x-okta-retry-count"), Some("1"));
    assert_eq!(sleeper.waits().len(), 1);
    Ok(())
}

#[tokio::test]
async fn a_503_waits_a_backoff_not_the_rate_limit_window() -> TestResult {
    let fake = FakeOkta::start().await?;
    let ids = fake.seed_app_users(APP, 1);
    let sleeper = RecordingSleeper::new();
    let okta = ssws_client(&fake, &sleeper)?;
    fake.faults()
        .operation("getApplicationUser")
        .next(1, Fault::Status(503));
    okta.application_users().get(APP, &ids[0]).send().await?;
    let waits = sleeper.waits();
    assert_eq!(waits.len(), 1);
    // the default policy's first backoff: 0.5 s with full jitter
    assert!(waits[0] <= Duration::from_millis(500), "{waits:?}");
    Ok(())
}

#[tokio::test]
async fn a_dropped_connection_on_assign_is_a_transport_error_sent_once() -> TestResult {
    let fake = FakeOkta::start().await?;
    let sleeper = RecordingSleeper::new();
    let okta = ssws_client(&fake, &sleeper)?;
    // warm the connection pool first, so the drop hits a reused connection too
    okta.application_connections()
        .get_default(APP)
        .send()
        .await?;
    fake.clear_requests();
    fake.faults()
        .operation("assignUserToApplication")
        .next(1, Fault::DropConnection);
    let err = okta
        .application_users()
        .assign(APP, AppUserAssignRequest::new("00u1drop"))
        .send()
        .await
        .err()
        .ok_or("expected a transport error")?;
    assert_eq!(err.kind(), idp::ErrorKind::Transport, "{err}");
    assert_eq!(err.operation(), Some("assignUserToApplication"));
    assert!(
        err.to_string()
            .starts_with("assignUserToApplication: transport error"),
        "{err}"
    );
    assert!(err.status().is_none());
    let posts = requests_for(&fake, "assignUserToApplication");
    assert_eq!(posts.len(), 1, "a POST is not retried after a drop");
    assert!(sleeper.waits().is_empty());
    assert!(fake.app_user(APP, "00u1drop").is_none());
    Ok(())
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error_naming_the_operation() -> TestResult {
    let fake = FakeOkta::start().await?;
    let ids = fake.seed_app_users(APP, 1);
    let okta = ssws_client(&fake, &RecordingSleeper::new())?;
    fake.faults()
        .operation("getApplicationUser")
        .next(1, Fault::TruncatedBody);
    let err = okta
        .application_users()
        .get(APP, &ids[0])
        .send()
        .await
        .err()
        .ok_or("expected a decode error")?;
    assert_eq!(err.kind(), idp::ErrorKind::Decode, "{err}");
    assert_eq!(err.operation(), Some("getApplicationUser"));
    assert!(
        err.to_string()
            .starts_with("getApplicationUser: could not decode the response"),
        "{err}"
    );
    assert_eq!(fake.requests().len(), 1, "a decode error is not retried");

    // a malformed (HTML) body is a Decode error too
    fake.faults()
        .operation("listHookKeys")
        .next(1, Fault::MalformedBody);
    let err = okta
        .hook_keys()
        .list()
        .send()
        .await
        .err()
        .ok_or("expected a decode error")?;
    assert_eq!(err.kind(), idp::ErrorKind::Decode, "{err}");
    assert!(err.to_string().starts_with("listHookKeys: "), "{err}");
    Ok(())
}
