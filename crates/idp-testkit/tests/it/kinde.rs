use idp_testkit::FakeKinde;
use serde_json::{Value, json};

use crate::{TestResult, http, json};

fn form(fake: &FakeKinde, secret: &str, audience: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", fake.client_id())
        .append_pair("client_secret", secret)
        .append_pair("audience", audience)
        .finish()
}

pub(crate) async fn token(fake: &FakeKinde) -> Result<String, Box<dyn std::error::Error>> {
    let r = http()
        .post(format!("{}/oauth2/token", fake.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(fake, fake.client_secret(), &fake.audience()))
        .send()
        .await?;
    let (s, body) = json(r).await?;
    assert_eq!(s, 200);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 86_400);
    Ok(format!(
        "Bearer {}",
        body["access_token"].as_str().unwrap_or_default()
    ))
}

#[tokio::test]
async fn kinde_token_endpoint_checks_credentials_and_audience() -> TestResult {
    let fake = FakeKinde::start().await?;
    let url = format!("{}/oauth2/token", fake.base_url());
    let (s, body) = json(
        http()
            .post(&url)
            .body(form(&fake, "wrong", &fake.audience()))
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, body["error"].as_str()), (401, Some("invalid_client")));
    let (s, _) = json(
        http()
            .post(&url)
            .body(form(&fake, fake.client_secret(), "https://x.kinde.com/api"))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 400);
    let auth = token(&fake).await?;
    assert_eq!(fake.token_requests(), 3);

    let list = format!("{}/api/v1/connections", fake.base_url());
    for bad in [None, Some("Bearer nope"), Some("Basic abc")] {
        let mut req = http().get(&list);
        if let Some(a) = bad {
            req = req.header("authorization", a);
        }
        let (s, body) = json(req.send().await?).await?;
        assert_eq!(s, 401, "{bad:?}");
        assert!(body["errors"].is_array());
    }
    let r = http()
        .get(&list)
        .header("authorization", &auth)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 200);
    fake.revoke_tokens();
    let r = http()
        .get(&list)
        .header("authorization", &auth)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 401);
    Ok(())
}

#[tokio::test]
async fn kinde_connections_crud_keeps_state() -> TestResult {
    let fake = FakeKinde::start().await?;
    let auth = token(&fake).await?;
    let base = format!("{}/api/v1/connections", fake.base_url());
    let c = http();

    let (s, err) = json(
        c.post(&base)
            .header("authorization", &auth)
            .body(r#"{"name":"x"}"#)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 400);
    assert!(err["errors"][0]["code"].is_string());
    let create = json!({"name": "gh", "display_name": "GitHub", "strategy": "oauth2:github",
        "enabled_applications": ["app1"], "options": {"client_id": "x", "client_secret": "y"}});
    let (s, created) = json(
        c.post(&base)
            .header("authorization", &auth)
            .body(create.to_string())
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 201);
    let id = created["connection"]["id"].as_str().unwrap().to_owned();

    let (s, got) = json(
        c.get(format!("{base}/{id}"))
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 200);
    assert_eq!(got["code"], "OK");
    assert_eq!(
        got["connection"],
        json!({"id": id, "name": "gh", "display_name": "GitHub", "strategy": "oauth2:github"})
    );

    let (s, ok) = json(
        c.patch(format!("{base}/{id}"))
            .header("authorization", &auth)
            .body(r#"{"display_name":"GH"}"#)
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, ok["code"].as_str()), (200, Some("OK")));
    let stored = fake.connection(&id).unwrap();
    assert_eq!(
        (stored["name"].as_str(), stored["display_name"].as_str()),
        (Some("gh"), Some("GH"))
    );
    assert_eq!(
        stored["enabled_applications"],
        json!(["app1"]),
        "PATCH keeps other fields"
    );

    let (s, _) = json(
        c.put(format!("{base}/{id}"))
            .header("authorization", &auth)
            .body(r#"{"name":"gh2","display_name":"G2"}"#)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 200);
    let stored = fake.connection(&id).unwrap();
    assert_eq!(stored["enabled_applications"], json!([]), "PUT replaces");
    assert_eq!(stored["strategy"], "oauth2:github", "strategy is kept");

    let (s, _) = json(
        c.put(format!("{base}/{id}"))
            .header("authorization", &auth)
            .body(r#"{"name":"x"}"#)
            .send()
            .await?,
    )
    .await?;
    // `replace_connection_request` requires nothing: a PUT without `display_name` keeps it.
    assert_eq!(s, 200);
    let stored = fake.connection(&id).unwrap();
    assert_eq!(
        (&stored["name"], &stored["display_name"]),
        (&json!("x"), &json!("G2"))
    );
    let (s, ok) = json(
        c.delete(format!("{base}/{id}"))
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, ok["message"].as_str()), (200, Some("Success")));
    for req in [
        c.get(format!("{base}/{id}")),
        c.delete(format!("{base}/{id}")),
        c.patch(format!("{base}/{id}")).body("{}"),
    ] {
        let (s, err) = json(req.header("authorization", &auth).send().await?).await?;
        assert_eq!(s, 404);
        assert!(
            err["errors"]["code"].is_string(),
            "NotFoundResponse has an errors object"
        );
    }
    Ok(())
}

/// The ids of a list page's connections, in order.
fn page_ids(body: &Value) -> Vec<&str> {
    body["connections"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["id"].as_str()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn kinde_pages_1000_connections_with_starting_after_and_ending_before() -> TestResult {
    let fake = FakeKinde::start().await?;
    let seeded = fake.seed_connections(1_000);
    let auth = token(&fake).await?;
    let base = format!("{}/api/v1/connections", fake.base_url());
    let mut seen: Vec<String> = Vec::new();
    let mut pages = 0;
    loop {
        let mut url = format!("{base}?page_size=250");
        if let Some(last) = seen.last() {
            url.push_str(&format!("&starting_after={last}"));
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
            seen.push(c["id"].as_str().unwrap().to_owned());
        }
        if body["has_more"] != Value::Bool(true) {
            break;
        }
    }
    assert_eq!(pages, 4);
    assert_eq!(seen, seeded);

    // Backwards from the last item, default page size 10.
    let (_, body) = json(
        http()
            .get(format!("{base}?ending_before={}", seeded[999]))
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    let ids = page_ids(&body);
    assert_eq!(
        ids,
        seeded[989..999]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    assert_eq!(body["has_more"], true);
    // Both cursors: the connections strictly between them (the spec allows the pair and no
    // source shows Kinde refusing it); an inverted pair is an empty page, never a crash.
    let between = |after: &str, before: &str| {
        http()
            .get(format!(
                "{base}?starting_after={after}&ending_before={before}&page_size=3"
            ))
            .header("authorization", &auth)
            .send()
    };
    let (s, body) = json(between(&seeded[10], &seeded[20]).await?).await?;
    let ids = page_ids(&body);
    assert_eq!(
        (s, ids),
        (200, vec![&*seeded[11], &*seeded[12], &*seeded[13]])
    );
    assert_eq!(body["has_more"], true);
    for (after, before) in [("b", "a"), ("a", "a")] {
        let (s, body) = json(between(after, before).await?).await?;
        assert_eq!(
            (s, &body["connections"]),
            (200, &json!([])),
            "{after}..{before}"
        );
        assert_eq!(body["has_more"], false);
    }
    Ok(())
}

/// A request with a bearer token to a connections route; status, headers and JSON body.
async fn call(
    fake: &FakeKinde,
    auth: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Result<(u16, reqwest::header::HeaderMap, Value), Box<dyn std::error::Error>> {
    let mut req = http()
        .request(method, format!("{}{path}", fake.base_url()))
        .header("authorization", auth);
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let r = req.send().await?;
    let headers = r.headers().clone();
    let (s, v) = json(r).await?;
    Ok((s, headers, v))
}

#[tokio::test]
async fn kinde_scopes_are_enforced_with_a_403_naming_the_scope() -> TestResult {
    let fake = FakeKinde::start().await?;
    fake.seed_connections(1);
    fake.set_scopes(&["read:connections"]);
    assert_eq!(fake.scopes(), ["read:connections"]);
    let auth = token(&fake).await?;
    let (s, _, _) = call(
        &fake,
        &auth,
        reqwest::Method::GET,
        "/api/v1/connections",
        None,
    )
    .await?;
    assert_eq!(s, 200);
    let create = json!({"name": "gh", "display_name": "GitHub", "strategy": "oauth2:github"});
    let (s, _, err) = call(
        &fake,
        &auth,
        reqwest::Method::POST,
        "/api/v1/connections",
        Some(create.clone()),
    )
    .await?;
    assert_eq!(s, 403);
    let message = err["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("create:connections"), "{err}");
    assert!(fake.connection("conn_seed_00000000").is_some());
    for (method, scope) in [
        (reqwest::Method::PATCH, "update:connections"),
        (reqwest::Method::PUT, "update:connections"),
        (reqwest::Method::DELETE, "delete:connections"),
    ] {
        let (s, _, err) = call(
            &fake,
            &auth,
            method.clone(),
            "/api/v1/connections/conn_seed_00000000",
            Some(json!({"name": "a", "display_name": "b"})),
        )
        .await?;
        assert_eq!(s, 403, "{method}");
        assert!(err.to_string().contains(scope), "{err}");
    }
    // Granting the scope takes effect for tokens issued after it.
    fake.set_scopes(&["read:connections", "create:connections"]);
    let (s, _, _) = call(
        &fake,
        &auth,
        reqwest::Method::POST,
        "/api/v1/connections",
        Some(create.clone()),
    )
    .await?;
    assert_eq!(s, 403, "the old token keeps its scopes");
    let fresh = token(&fake).await?;
    let (s, _, _) = call(
        &fake,
        &fresh,
        reqwest::Method::POST,
        "/api/v1/connections",
        Some(create),
    )
    .await?;
    assert_eq!(s, 201);
    Ok(())
}

#[tokio::test]
async fn kinde_token_endpoint_can_be_throttled_and_fail_through_faults() -> TestResult {
    use idp_testkit::Fault;
    use std::time::Duration;
    let fake = FakeKinde::start().await?;
    fake.faults().operation("token").next(
        1,
        Fault::Status429 {
            reset_after: Duration::from_secs(3),
        },
    );
    fake.faults().operation("token").next(1, Fault::Status(503));
    let url = format!("{}/oauth2/token", fake.base_url());
    let body = form(&fake, fake.client_secret(), &fake.audience());
    let r = http().post(&url).body(body.clone()).send().await?;
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(
        r.headers()
            .get("ratelimit-reset")
            .and_then(|v| v.to_str().ok()),
        Some("3")
    );
    assert!(
        r.headers().get("ratelimit-remaining").is_none(),
        "a throttled answer names only RateLimit-Reset, as Kinde's docs do"
    );
    let r = http().post(&url).body(body.clone()).send().await?;
    assert_eq!(r.status().as_u16(), 503);
    let r = http().post(&url).body(body).send().await?;
    assert_eq!(r.status().as_u16(), 200, "normal service resumes");
    assert_eq!(
        fake.token_requests(),
        1,
        "faulted requests never reach the handler"
    );
    Ok(())
}

#[tokio::test]
async fn kinde_successes_carry_ratelimit_headers() -> TestResult {
    let fake = FakeKinde::start().await?;
    let auth = token(&fake).await?;
    let mut remaining = Vec::new();
    for _ in 0..2 {
        let (s, h, _) = call(
            &fake,
            &auth,
            reqwest::Method::GET,
            "/api/v1/connections",
            None,
        )
        .await?;
        assert_eq!(s, 200);
        let get = |n: &str| {
            h.get(n)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
        };
        assert_eq!(get("ratelimit-limit"), Some(1_000));
        let reset = get("ratelimit-reset").unwrap_or_default();
        assert!((1..=60).contains(&reset), "{reset}");
        remaining.push(get("ratelimit-remaining").unwrap_or_default());
    }
    assert!(remaining[1] < remaining[0], "{remaining:?}");
    Ok(())
}

#[tokio::test]
async fn kinde_patch_merges_options_put_replaces_and_unknown_keys_are_kept() -> TestResult {
    let fake = FakeKinde::start().await?;
    let auth = token(&fake).await?;
    let (s, _, created) = call(
        &fake,
        &auth,
        reqwest::Method::POST,
        "/api/v1/connections",
        Some(
            json!({"name": "az", "display_name": "Entra", "strategy": "oauth2:azure_ad",
            "options": {"client_id": "cid", "client_secret": "old", "entra_id_domain": "kinde.com",
                        "is_brand_new_2027": {"x": 1}}}),
        ),
    )
    .await?;
    assert_eq!(s, 201);
    let id = created["connection"]["id"].as_str().unwrap().to_owned();
    let item = format!("/api/v1/connections/{id}");
    // PATCH: only the sent keys change; an option the update schema lacks is accepted.
    let (s, _, _) = call(
        &fake,
        &auth,
        reqwest::Method::PATCH,
        &item,
        Some(
            json!({"options": {"client_secret": "new", "is_auto_join_organization_enabled": true}}),
        ),
    )
    .await?;
    assert_eq!(s, 200);
    assert_eq!(
        fake.connection(&id).unwrap()["options"],
        json!({"client_id": "cid", "client_secret": "new", "entra_id_domain": "kinde.com",
               "is_brand_new_2027": {"x": 1}, "is_auto_join_organization_enabled": true})
    );
    // A modelled key with the wrong type for the strategy is refused, naming the field.
    let (s, _, err) = call(
        &fake,
        &auth,
        reqwest::Method::PATCH,
        &item,
        Some(json!({"options": {"is_use_common_endpoint": "yes"}})),
    )
    .await?;
    assert_eq!(s, 400);
    assert!(err.to_string().contains("is_use_common_endpoint"), "{err}");
    // PUT: the sent options are the whole options.
    let (s, _, _) = call(
        &fake,
        &auth,
        reqwest::Method::PUT,
        &item,
        Some(json!({"name": "az", "display_name": "Entra", "options": {"client_id": "c2"}})),
    )
    .await?;
    assert_eq!(s, 200);
    assert_eq!(
        fake.connection(&id).unwrap()["options"],
        json!({"client_id": "c2"})
    );
    // SAML enums are checked on create.
    let (s, _, _) = call(
        &fake,
        &auth,
        reqwest::Method::POST,
        "/api/v1/connections",
        Some(
            json!({"name": "s", "display_name": "S", "strategy": "saml:okta",
            "options": {"name_id_format": "email"}}),
        ),
    )
    .await?;
    assert_eq!(s, 400);
    Ok(())
}
