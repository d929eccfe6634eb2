use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use idp_testkit::FakeAuthress;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::{TestResult, http, json};

/// Signs a service-client JWT from an access key, as the SDKs do.
fn jwt(access_key: &str, aud: &str, exp_offset: i64) -> String {
    let parts: Vec<&str> = access_key.split('.').collect();
    assert_eq!(parts.len(), 4);
    let der = STANDARD.decode(parts[3]).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(parts[1].to_owned());
    header.typ = Some("at+jwt".to_owned());
    let claims = json!({
        "iss": format!("https://{}.api.authress.io/v1/clients/{}", parts[2], parts[0]),
        "sub": parts[0], "client_id": parts[0], "aud": aud,
        "iat": now, "exp": now + exp_offset, "scope": "openid",
    });
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ed_der(&der)).unwrap()
}

pub(crate) fn bearer(fake: &FakeAuthress) -> String {
    format!(
        "Bearer {}",
        jwt(fake.access_key(), &fake.audience(), 86_400)
    )
}

#[tokio::test]
async fn authress_access_key_has_the_four_segment_format() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let parts: Vec<&str> = fake.access_key().split('.').collect();
    assert_eq!(parts[0], fake.client_id());
    assert_eq!(parts[1], fake.key_id());
    assert_eq!(parts[2], fake.account_id());
    assert!(parts[3].starts_with("MC4CAQAwBQYDK2VwBCIEI"));
    assert!(!format!("{fake:?}").contains(parts[3]));
    Ok(())
}

#[tokio::test]
async fn authress_rejects_missing_foreign_expired_and_misaddressed_tokens() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let url = format!("{}/v1/connections", fake.base_url());
    let foreign = fake.unrelated_access_key()?;
    let cases = [
        None,
        Some("Bearer".to_owned()),
        Some(format!("Bearer {}", jwt(&foreign, &fake.audience(), 3600))),
        Some(format!(
            "Bearer {}",
            jwt(fake.access_key(), "other.accounts.authress.io", 3600)
        )),
        Some(format!(
            "Bearer {}",
            jwt(fake.access_key(), &fake.audience(), -3600)
        )),
        Some(format!("Bearer {foreign}")),
    ];
    for (i, auth) in cases.into_iter().enumerate() {
        let mut req = http().get(&url);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let (status, body) = json(req.send().await?).await?;
        assert_eq!(status, 401, "case {i}");
        assert!(body["title"].is_string(), "case {i}");
    }
    for auth in [bearer(&fake), format!("Bearer {}", fake.access_key())] {
        let r = http()
            .get(&url)
            .header("authorization", auth)
            .send()
            .await?;
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.headers()["content-type"], "application/links+json");
    }
    Ok(())
}

#[tokio::test]
async fn authress_connections_crud_keeps_state() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let base = format!("{}/v1/connections", fake.base_url());
    let auth = bearer(&fake);
    let c = http();

    let create = json!({
        "type": "OAUTH2", "authenticationUrl": "https://idp.example.com/auth",
        "clientId": "cid", "clientSecret": "shh", "data": {"name": "Example"},
    });
    let r = c
        .post(&base)
        .header("authorization", &auth)
        .body(create.to_string())
        .send()
        .await?;
    assert_eq!(r.headers()["content-type"], "application/links+json");
    let (s, created) = json(r).await?;
    assert_eq!(s, 201);
    let id = created["connectionId"].as_str().unwrap().to_owned();
    assert!(created.get("clientSecret").is_none());
    assert!(created["createdTime"].is_string());
    assert_eq!(fake.connection(&id).unwrap()["clientSecret"], "shh");

    let (s, got) = json(
        c.get(format!("{base}/{id}"))
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, got["data"]["name"].as_str()), (200, Some("Example")));

    let replace = json!({"type": "SAML2", "authenticationUrl": "https://idp.example.com/sso"});
    let (s, updated) = json(
        c.put(format!("{base}/{id}"))
            .header("authorization", &auth)
            .body(replace.to_string())
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, updated["type"].as_str()), (200, Some("SAML2")));
    assert!(
        updated.get("data").is_none(),
        "PUT replaces the whole document"
    );
    assert_eq!(updated["createdTime"], created["createdTime"]);

    let (_, list) = json(c.get(&base).header("authorization", &auth).send().await?).await?;
    assert_eq!(list["connections"].as_array().map(Vec::len), Some(1));
    assert!(list["pagination"].get("next").is_none());

    let creds = format!("{base}/{id}/users/google%7C123%2Fx/credentials");
    let (s, err) = json(c.get(&creds).header("authorization", &auth).send().await?).await?;
    assert_eq!(s, 404);
    assert!(err["title"].is_string());
    fake.set_user_credentials(&id, "google|123/x", "provider-token");
    let (s, body) = json(c.get(&creds).header("authorization", &auth).send().await?).await?;
    assert_eq!(
        (s, body["accessToken"].as_str()),
        (200, Some("provider-token"))
    );

    let (s, _) = json(
        c.post(&base)
            .header("authorization", &auth)
            .body(r#"{"type":"FTP"}"#)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 400);
    let (s, _) = json(
        c.post(&base)
            .header("authorization", &auth)
            .body(format!(r#"{{"connectionId":"{id}"}}"#))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 409);

    let r = c
        .delete(format!("{base}/{id}"))
        .header("authorization", &auth)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 204);
    let (s, _) = json(
        c.get(format!("{base}/{id}"))
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 404);
    let (s, _) = json(
        c.put(format!("{base}/{id}"))
            .header("authorization", &auth)
            .body("{}")
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 404);
    Ok(())
}

#[tokio::test]
async fn authress_pages_1000_connections_by_cursor() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let seeded = fake.seed_connections(1_000);
    let auth = bearer(&fake);
    let mut cursor: Option<String> = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let mut url = format!("{}/v1/connections?limit=100", fake.base_url());
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let (s, body) = json(
            http()
                .get(&url)
                .header("authorization", &auth)
                .send()
                .await?,
        )
        .await?;
        assert_eq!(s, 200);
        pages += 1;
        for c in body["connections"].as_array().unwrap() {
            seen.push(c["connectionId"].as_str().unwrap().to_owned());
        }
        match body
            .pointer("/pagination/next/cursor")
            .and_then(Value::as_str)
        {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 10);
    assert_eq!(seen, seeded);
    let (s, _) = json(
        http()
            .get(format!("{}/v1/connections?cursor=%%%", fake.base_url()))
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 400);
    // Default limit is 100; a filter narrows the walk.
    let (_, body) = json(
        http()
            .get(format!(
                "{}/v1/connections?filter=connection%20999",
                fake.base_url()
            ))
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(body["connections"].as_array().map(Vec::len), Some(1));
    Ok(())
}

/// `Fault::respond` sends its status, content type and body verbatim, without processing the
/// request: the AWS front end's `{"message": …}` bodies and plain-text pages (issue 14).
#[tokio::test]
async fn authress_fault_respond_sends_a_gateway_body_verbatim() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let base = format!("{}/v1/connections", fake.base_url());
    fake.faults().operation("createConnection").next(
        1,
        idp_testkit::Fault::respond(
            502,
            "application/json",
            r#"{"message": "Internal server error"}"#,
        ),
    );
    fake.faults().operation("getConnections").next(
        1,
        idp_testkit::Fault::respond(500, "text/plain", "An internal error occurred"),
    );
    let r = http()
        .post(&base)
        .header("authorization", bearer(&fake))
        .body(r#"{"type":"OAUTH2","authenticationUrl":"https://idp.example.com/a"}"#)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 502);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.text().await?, r#"{"message": "Internal server error"}"#);
    let r = http()
        .get(&base)
        .header("authorization", bearer(&fake))
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 500);
    assert_eq!(r.headers()["content-type"], "text/plain");
    assert_eq!(r.text().await?, "An internal error occurred");
    // Not processed: nothing was created.
    let (_, list) = json(
        http()
            .get(&base)
            .header("authorization", bearer(&fake))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(list["connections"].as_array().map(Vec::len), Some(0));
    Ok(())
}

/// Signs a JWT with the fake's key, with the given header `typ` and claims overridden.
fn jwt_with(fake: &FakeAuthress, typ: Option<&str>, overrides: Value) -> String {
    let parts: Vec<&str> = fake.access_key().split('.').collect();
    let der = STANDARD.decode(parts[3]).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(fake.key_id().to_owned());
    header.typ = typ.map(str::to_owned);
    let mut claims = json!({
        "iss": format!("{}/v1/clients/{}", fake.base_url(), fake.client_id()),
        "sub": fake.client_id(), "client_id": fake.client_id(), "aud": fake.audience(),
        "iat": now, "exp": now + 3600, "scope": "openid",
    });
    for (k, v) in overrides.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ed_der(&der)).unwrap()
}

/// Issue 14: the fake checks `iss`, `sub` and `typ` as the official SDKs sign them.
#[tokio::test]
async fn authress_checks_the_token_issuer_subject_and_type() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let url = format!("{}/v1/connections", fake.base_url());
    let account_host_iss = format!(
        "https://{}.api.authress.io/v1/clients/{}",
        fake.account_id(),
        fake.client_id()
    );
    let accepted = [
        jwt_with(&fake, Some("at+jwt"), json!({})),
        // authress-sdk.py leaves PyJWT's default typ
        jwt_with(&fake, Some("JWT"), json!({})),
        jwt_with(&fake, Some("at+jwt"), json!({ "iss": account_host_iss })),
    ];
    for (i, token) in accepted.iter().enumerate() {
        let r = http()
            .get(&url)
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await?;
        assert_eq!(r.status().as_u16(), 200, "accepted case {i}");
    }
    let refused = [
        (
            jwt_with(
                &fake,
                Some("at+jwt"),
                json!({"iss": "https://evil.example.com/v1/clients/sc_testkit"}),
            ),
            "issuer",
        ),
        (
            jwt_with(&fake, Some("at+jwt"), json!({"sub": "sc_other"})),
            "subject",
        ),
        (
            jwt_with(&fake, Some("at+jwt"), json!({"sub": null})),
            "claim",
        ),
        (jwt_with(&fake, Some("id+jwt"), json!({})), "typ"),
        (jwt_with(&fake, None, json!({})), "typ"),
    ];
    for (i, (token, word)) in refused.iter().enumerate() {
        let (status, body) = json(
            http()
                .get(&url)
                .header("authorization", format!("Bearer {token}"))
                .send()
                .await?,
        )
        .await?;
        assert_eq!(status, 401, "refused case {i}");
        let title = body["title"].as_str().unwrap_or_default();
        assert!(title.contains(word), "refused case {i}: {title}");
    }
    Ok(())
}

/// Issue 14: `Connection` is `additionalProperties: false`; the read-only fields a GET returns
/// are accepted back and ignored.
#[tokio::test]
async fn authress_refuses_undeclared_top_level_fields() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let base = format!("{}/v1/connections", fake.base_url());
    let auth = bearer(&fake);
    let (s, body) = json(
        http()
            .post(&base)
            .header("authorization", &auth)
            .body(r#"{"type":"OAUTH2","authenticationUrl":"https://idp.example.com/a","displayName":"x"}"#)
            .send()
            .await?,
    )
    .await?;
    // Ajv's wording, as Authress answers it (it does not name the property).
    assert_eq!(s, 400);
    assert_eq!(
        body,
        json!({"errorCode": "InvalidRequest", "title": "InvalidRequest: request.body must NOT have additional properties."})
    );
    let ok = json!({
        "type": "OAUTH2", "authenticationUrl": "https://idp.example.com/a",
        "createdTime": "2000-01-01T00:00:00Z", "isActiveConnection": false,
        "tenantConfiguration": {"assignmentType": "DEFAULT"},
    });
    let (s, created) = json(
        http()
            .post(&base)
            .header("authorization", &auth)
            .body(ok.to_string())
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 201);
    assert_ne!(created["createdTime"], "2000-01-01T00:00:00Z");
    assert_eq!(created["isActiveConnection"], true);
    Ok(())
}

/// Issue 14, item 7: PUT is a full replace, so a body without `clientSecret` leaves the
/// connection without one, and `null` clears it; a body with it keeps (or sets) it.
#[tokio::test]
async fn authress_put_without_client_secret_drops_it() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let base = format!("{}/v1/connections", fake.base_url());
    let auth = bearer(&fake);
    let create = json!({
        "connectionId": "google", "type": "OAUTH2",
        "authenticationUrl": "https://idp.example.com/a", "clientSecret": "shh",
    });
    let (s, _) = json(
        http()
            .post(&base)
            .header("authorization", &auth)
            .body(create.to_string())
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 201);
    let put = |body: Value| {
        let auth = auth.clone();
        let url = format!("{base}/google");
        async move {
            json(
                http()
                    .put(url)
                    .header("authorization", auth)
                    .body(body.to_string())
                    .send()
                    .await?,
            )
            .await
        }
    };
    let with = json!({"type": "OAUTH2", "authenticationUrl": "https://idp.example.com/b", "clientSecret": "shh"});
    let (s, updated) = put(with).await?;
    assert_eq!(s, 200);
    assert!(updated.get("clientSecret").is_none(), "never returned");
    assert_eq!(fake.connection("google").unwrap()["clientSecret"], "shh");

    let without = json!({"type": "OAUTH2", "authenticationUrl": "https://idp.example.com/c"});
    assert_eq!(put(without).await?.0, 200);
    assert!(
        fake.connection("google")
            .unwrap()
            .get("clientSecret")
            .is_none()
    );

    let (s, _) = put(json!({"type": "OAUTH2", "authenticationUrl": "https://idp.example.com/d", "clientSecret": "new"})).await?;
    assert_eq!(s, 200);
    assert_eq!(fake.connection("google").unwrap()["clientSecret"], "new");
    let (s, _) = put(json!({"type": "OAUTH2", "authenticationUrl": "https://idp.example.com/e", "clientSecret": null})).await?;
    assert_eq!(s, 200);
    assert!(fake.connection("google").unwrap()["clientSecret"].is_null());
    Ok(())
}
