use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use idp_testkit::{FakeOkta, ServiceAppKey};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};

use crate::{TestResult, http, json};

fn ssws(okta: &FakeOkta) -> String {
    format!("SSWS {}", okta.api_token())
}

/// A P-256 key: (PKCS#8 DER, public JWK).
fn p256() -> (Vec<u8>, Value) {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let point = &pair.public_key().as_ref()[1..];
    let (x, y) = point.split_at(32);
    let jwk = json!({
        "kty": "EC", "crv": "P-256",
        "x": URL_SAFE_NO_PAD.encode(x), "y": URL_SAFE_NO_PAD.encode(y),
    });
    (pkcs8.as_ref().to_vec(), jwk)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn assertion(okta: &FakeOkta, client_id: &str, key: &[u8]) -> String {
    let claims = json!({
        "iss": client_id, "sub": client_id, "aud": okta.token_url(),
        "iat": now(), "exp": now() + 300, "jti": uuid::Uuid::new_v4().to_string(),
    });
    jsonwebtoken::encode(
        &Header::new(Algorithm::ES256),
        &claims,
        &EncodingKey::from_ec_der(key),
    )
    .unwrap()
}

fn dpop_proof(
    key: &[u8],
    jwk: &Value,
    htm: &str,
    htu: &str,
    nonce: Option<&str>,
    token: Option<&str>,
) -> String {
    let mut header = Header::new(Algorithm::ES256);
    header.typ = Some("dpop+jwt".into());
    header.jwk = Some(serde_json::from_value(jwk.clone()).unwrap());
    let mut claims = json!({
        "htm": htm, "htu": htu, "iat": now(), "jti": uuid::Uuid::new_v4().to_string(),
    });
    if let Some(n) = nonce {
        claims["nonce"] = json!(n);
    }
    if let Some(t) = token {
        let digest = ring::digest::digest(&ring::digest::SHA256, t.as_bytes());
        claims["ath"] = json!(URL_SAFE_NO_PAD.encode(digest.as_ref()));
    }
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ec_der(key)).unwrap()
}

fn token_form(okta: &FakeOkta, client_id: &str, key: &[u8], scope: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("scope", scope)
        .append_pair(
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        )
        .append_pair("client_assertion", &assertion(okta, client_id, key))
        .finish()
}

#[tokio::test]
async fn okta_rejects_missing_and_wrong_credentials_with_e0000011() -> TestResult {
    let okta = FakeOkta::start().await?;
    let url = format!("{}/api/v1/hook-keys", okta.base_url());
    for auth in [
        None,
        Some("SSWS wrong"),
        Some("Bearer nope"),
        Some("Basic eDp5"),
    ] {
        let mut req = http().get(&url);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let response = req.send().await?;
        assert!(response.headers().contains_key("x-okta-request-id"));
        assert!(response.headers().contains_key("x-rate-limit-reset"));
        let (status, body) = json(response).await?;
        assert_eq!(status, 401, "{auth:?}");
        assert_eq!(body["errorCode"], "E0000011");
        assert!(body["errorId"].is_string() && body["errorCauses"].is_array());
    }
    let response = http()
        .get(&url)
        .header("authorization", ssws(&okta))
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["x-rate-limit-limit"], "600");
    Ok(())
}

#[tokio::test]
async fn okta_hook_keys_app_users_and_connection_keep_state() -> TestResult {
    let okta = FakeOkta::start().await?;
    let base = okta.base_url().to_owned();
    let auth = ssws(&okta);
    let c = http();

    // Hook keys: create, get, public key, list, replace, delete.
    let (s, key) = json(
        c.post(format!("{base}/api/v1/hook-keys"))
            .header("authorization", &auth)
            .body(r#"{"name":"k1"}"#)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 200);
    let id = key["id"].as_str().unwrap().to_owned();
    let key_id = key["keyId"].as_str().unwrap().to_owned();
    assert_eq!(key["_embedded"]["kid"], key_id.as_str());
    let (s, dup) = json(
        c.post(format!("{base}/api/v1/hook-keys"))
            .header("authorization", &auth)
            .body(r#"{"name":"k1"}"#)
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, dup["errorCode"].as_str()), (400, Some("E0000001")));
    let (s, got) = json(
        c.get(format!("{base}/api/v1/hook-keys/{id}"))
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, got["name"].as_str()), (200, Some("k1")));
    assert!(got.get("_embedded").is_none());
    let (s, jwk) = json(
        c.get(format!("{base}/api/v1/hook-keys/public/{key_id}"))
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, jwk["kty"].as_str()), (200, Some("RSA")));
    let (s, replaced) = json(
        c.put(format!("{base}/api/v1/hook-keys/{id}"))
            .header("authorization", &auth)
            .body(r#"{"name":"k2"}"#)
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, replaced["name"].as_str()), (200, Some("k2")));
    let (_, list) = json(
        c.get(format!("{base}/api/v1/hook-keys"))
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let r = c
        .delete(format!("{base}/api/v1/hook-keys/{id}"))
        .header("authorization", &auth)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 204);
    let (s, err) = json(
        c.get(format!("{base}/api/v1/hook-keys/{id}"))
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, err["errorCode"].as_str()), (404, Some("E0000007")));

    // App users: assign, get (expand), update, unassign.
    let users = format!("{base}/api/v1/apps/0oaApp/users");
    let (s, err) = json(
        c.post(&users)
            .header("authorization", &auth)
            .body("{}")
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, err["errorCode"].as_str()), (400, Some("E0000001")));
    let body = json!({"id": "00u1", "scope": "USER", "credentials": {"userName": "a@example.com", "password": {"value": "pw"}}, "profile": {"role": "admin"}});
    // Only users of the org can be assigned: an unknown one is 404 E0000007.
    let (s, err) = json(
        c.post(&users)
            .header("authorization", &auth)
            .body(body.to_string())
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, err["errorCode"].as_str()), (404, Some("E0000007")));
    okta.add_users(["00u1"]);
    let (s, user) = json(
        c.post(&users)
            .header("authorization", &auth)
            .body(body.to_string())
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 200);
    assert_eq!(
        user["credentials"],
        json!({"userName": "a@example.com", "password": {}})
    );
    let (s, user) = json(
        c.get(format!("{users}/00u1?expand=user"))
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(
        (s, user["_embedded"]["user"]["id"].as_str()),
        (200, Some("00u1"))
    );
    let (s, user) = json(
        c.post(format!("{users}/00u1"))
            .header("authorization", &auth)
            .body(r#"{"profile":{"role":"viewer"}}"#)
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, user["profile"]["role"].as_str()), (200, Some("viewer")));
    assert_eq!(
        okta.app_user("0oaApp", "00u1").unwrap()["profile"]["role"],
        "viewer"
    );
    let r = c
        .delete(format!("{users}/00u1?sendEmail=false"))
        .header("authorization", &auth)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 204);
    let r = c
        .delete(format!("{users}/00u1"))
        .header("authorization", &auth)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 404);

    // Default provisioning connection: configure with ?activate=true, deactivate, activate.
    let conn = format!("{base}/api/v1/apps/0oaApp/connections/default");
    let (s, got) = json(c.get(&conn).header("authorization", &auth).send().await?).await?;
    assert_eq!((s, got["status"].as_str()), (200, Some("DISABLED")));
    let (s, updated) = json(
        c.post(format!("{conn}?activate=true"))
            .header("authorization", &auth)
            .body(r#"{"profile":{"authScheme":"TOKEN","token":"secret"}}"#)
            .send()
            .await?,
    )
    .await?;
    assert_eq!((s, updated["status"].as_str()), (200, Some("ENABLED")));
    assert_eq!(updated["authScheme"], "TOKEN");
    assert!(
        updated["profile"].get("token").is_none(),
        "token is never echoed"
    );
    assert_eq!(okta.provisioning_token("0oaApp").as_deref(), Some("secret"));
    let r = c
        .post(format!("{conn}/lifecycle/deactivate"))
        .header("authorization", &auth)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 204);
    let (_, got) = json(c.get(&conn).header("authorization", &auth).send().await?).await?;
    assert_eq!(got["status"], "DISABLED");
    let r = c
        .post(format!("{conn}/lifecycle/activate"))
        .header("authorization", &auth)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 204);
    let (_, got) = json(c.get(&conn).header("authorization", &auth).send().await?).await?;
    assert_eq!(got["status"], "ENABLED");
    let (s, _) = json(
        c.post(&conn)
            .header("authorization", &auth)
            .body(r#"{"profile":{"authScheme":"NOPE"}}"#)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 400);
    Ok(())
}

#[tokio::test]
async fn okta_pages_1000_app_users_with_link_headers() -> TestResult {
    let okta = FakeOkta::start().await?;
    let seeded = okta.seed_app_users("0oaBig", 1_000);
    let mut next = Some(format!(
        "{}/api/v1/apps/0oaBig/users?limit=300",
        okta.base_url()
    ));
    let mut seen = Vec::new();
    let mut pages = 0;
    while let Some(url) = next.take() {
        let response = http()
            .get(&url)
            .header("authorization", ssws(&okta))
            .send()
            .await?;
        let links: Vec<String> = response
            .headers()
            .get_all("link")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        assert!(
            links.iter().any(|l| l.ends_with("rel=\"self\"")),
            "{links:?}"
        );
        next = links.iter().find(|l| l.ends_with("rel=\"next\"")).map(|l| {
            let url = &l[1..l.find('>').unwrap()];
            assert!(
                url.starts_with(okta.base_url()),
                "absolute next link: {url}"
            );
            url.to_owned()
        });
        let (_, body) = json(response).await?;
        for u in body.as_array().unwrap() {
            seen.push(u["id"].as_str().unwrap().to_owned());
        }
        pages += 1;
    }
    assert_eq!(pages, 4);
    assert_eq!(seen, seeded);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 1_000);

    // Default limit 50, invalid limit 400, q prefix filter.
    let (_, body) = json(
        http()
            .get(format!("{}/api/v1/apps/0oaBig/users", okta.base_url()))
            .header("authorization", ssws(&okta))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(body.as_array().map(Vec::len), Some(50));
    let (s, _) = json(
        http()
            .get(format!(
                "{}/api/v1/apps/0oaBig/users?limit=0",
                okta.base_url()
            ))
            .header("authorization", ssws(&okta))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 400);
    let (_, body) = json(
        http()
            .get(format!(
                "{}/api/v1/apps/0oaBig/users?q=user99",
                okta.base_url()
            ))
            .header("authorization", ssws(&okta))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(
        body.as_array().map(Vec::len),
        Some(11),
        "user99 and user990..999"
    );
    Ok(())
}

#[tokio::test]
async fn okta_private_key_jwt_issues_bearer_tokens_with_scopes() -> TestResult {
    let okta = FakeOkta::start().await?;
    let (key, jwk) = p256();
    okta.register_service_app("0oaSvc", ServiceAppKey::Jwk(jwk))?;
    let c = http();

    // A client assertion signed with another key is rejected.
    let (other, _) = p256();
    let r = c
        .post(okta.token_url())
        .body(token_form(&okta, "0oaSvc", &other, "okta.apps.read"))
        .send()
        .await?;
    let (s, body) = json(r).await?;
    assert_eq!((s, body["error"].as_str()), (401, Some("invalid_client")));

    let r = c
        .post(okta.token_url())
        .body(token_form(&okta, "0oaSvc", &key, "okta.apps.read"))
        .send()
        .await?;
    let (s, body) = json(r).await?;
    assert_eq!((s, body["token_type"].as_str()), (200, Some("Bearer")));
    let token = body["access_token"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {token}");
    let r = c
        .get(format!("{}/api/v1/apps/a/users", okta.base_url()))
        .header("authorization", &bearer)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 200);
    // okta.apps.read does not allow managing hook keys.
    let r = c
        .get(format!("{}/api/v1/hook-keys", okta.base_url()))
        .header("authorization", &bearer)
        .send()
        .await?;
    let (s, body) = json(r).await?;
    assert_eq!((s, body["errorCode"].as_str()), (403, Some("E0000006")));
    okta.revoke_tokens();
    let r = c
        .get(format!("{}/api/v1/apps/a/users", okta.base_url()))
        .header("authorization", &bearer)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(okta.token_requests(), 2);

    // A PEM private key works too (the public key is derived from it).
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(&key)
    );
    okta.register_service_app("0oaPem", ServiceAppKey::Pem(pem))?;
    let r = c
        .post(okta.token_url())
        .body(token_form(&okta, "0oaPem", &key, "okta.apps.read"))
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 200);
    Ok(())
}

#[tokio::test]
async fn okta_dpop_nonce_challenge_then_bound_tokens() -> TestResult {
    let okta = FakeOkta::start().await?;
    let (key, jwk) = p256();
    okta.register_service_app("0oaSvc", ServiceAppKey::Jwk(jwk.clone()))?;
    let (dpop_key, dpop_jwk) = p256();
    let c = http();
    let token_url = okta.token_url();

    // First attempt without a nonce: 400 use_dpop_nonce with a DPoP-Nonce header.
    let r = c
        .post(&token_url)
        .header(
            "dpop",
            dpop_proof(&dpop_key, &dpop_jwk, "POST", &token_url, None, None),
        )
        .body(token_form(
            &okta,
            "0oaSvc",
            &key,
            "okta.apps.read okta.apps.manage",
        ))
        .send()
        .await?;
    let nonce = r.headers()["dpop-nonce"].to_str()?.to_owned();
    let (s, body) = json(r).await?;
    assert_eq!((s, body["error"].as_str()), (400, Some("use_dpop_nonce")));
    assert_eq!(nonce, okta.dpop_nonce());

    // A proof for the wrong URL is rejected even with the nonce.
    let r = c
        .post(&token_url)
        .header(
            "dpop",
            dpop_proof(
                &dpop_key,
                &dpop_jwk,
                "POST",
                "http://elsewhere/token",
                Some(&nonce),
                None,
            ),
        )
        .body(token_form(&okta, "0oaSvc", &key, "okta.apps.read"))
        .send()
        .await?;
    let (s, body) = json(r).await?;
    assert_eq!(
        (s, body["error"].as_str()),
        (400, Some("invalid_dpop_proof"))
    );

    let r = c
        .post(&token_url)
        .header(
            "dpop",
            dpop_proof(&dpop_key, &dpop_jwk, "POST", &token_url, Some(&nonce), None),
        )
        .body(token_form(
            &okta,
            "0oaSvc",
            &key,
            "okta.apps.read okta.apps.manage",
        ))
        .send()
        .await?;
    let (s, body) = json(r).await?;
    assert_eq!((s, body["token_type"].as_str()), (200, Some("DPoP")));
    let token = body["access_token"].as_str().unwrap().to_owned();

    let url = format!("{}/api/v1/apps/a/users", okta.base_url());
    let call = |proof: Option<String>, scheme: &str| {
        let mut req = c
            .get(&url)
            .header("authorization", format!("{scheme} {token}"));
        if let Some(p) = proof {
            req = req.header("dpop", p);
        }
        req.send()
    };
    let ok = call(
        Some(dpop_proof(
            &dpop_key,
            &dpop_jwk,
            "GET",
            &url,
            None,
            Some(&token),
        )),
        "DPoP",
    )
    .await?;
    assert_eq!(ok.status().as_u16(), 200);
    // Missing proof, wrong method, wrong ath, Bearer scheme, other key: all 401.
    let bad = [
        (None, "DPoP"),
        (
            Some(dpop_proof(
                &dpop_key,
                &dpop_jwk,
                "POST",
                &url,
                None,
                Some(&token),
            )),
            "DPoP",
        ),
        (
            Some(dpop_proof(
                &dpop_key,
                &dpop_jwk,
                "GET",
                &url,
                None,
                Some("other"),
            )),
            "DPoP",
        ),
        (
            Some(dpop_proof(
                &dpop_key,
                &dpop_jwk,
                "GET",
                &url,
                None,
                Some(&token),
            )),
            "Bearer",
        ),
        (
            Some(dpop_proof(&key, &jwk, "GET", &url, None, Some(&token))),
            "DPoP",
        ),
    ];
    for (i, (proof, scheme)) in bad.into_iter().enumerate() {
        let r = call(proof, scheme).await?;
        // Okta answers DPoP problems on API calls with 400 (okta-sdk-python #541,
        // okta-sdk-nodejs #453), the problem in WWW-Authenticate.
        assert_eq!(r.status().as_u16(), 400, "case {i}");
        assert!(
            r.headers()["www-authenticate"].to_str()?.contains("error="),
            "case {i}"
        );
    }
    // A replayed proof is rejected.
    let proof = dpop_proof(&dpop_key, &dpop_jwk, "GET", &url, None, Some(&token));
    assert_eq!(
        call(Some(proof.clone()), "DPoP").await?.status().as_u16(),
        200
    );
    assert_eq!(call(Some(proof), "DPoP").await?.status().as_u16(), 400);

    // require_dpop: a proof-less token request is refused.
    assert!(okta.require_dpop("0oaSvc", true));
    let r = c
        .post(&token_url)
        .body(token_form(&okta, "0oaSvc", &key, "okta.apps.read"))
        .send()
        .await?;
    let (s, body) = json(r).await?;
    assert_eq!(
        (s, body["error"].as_str()),
        (400, Some("invalid_dpop_proof"))
    );
    Ok(())
}
