//! Conformance with `shared/specs/kinde-connections-subset.yaml`: the operation table, every
//! operation's response decoded from the spec's examples, request bodies valid against their
//! schemas, and the models' fields and enums equal to the spec's. Skipped (loudly) without `shared/`.

use idp_kinde::OPERATIONS;
use idp_kinde::models::*;
use idp_test_support::{MockTransport, spec_operations};
use serde_json::{Value, json};

use crate::common::{TestResult, example, mock_client, property_names, schema, spec};

/// The example of an operation's success response: (status, example body).
fn response_example(spec: &Value, path: &str, method: &str, status: &str) -> Value {
    let content = &spec["paths"][path][method]["responses"][status]["content"];
    let media = content
        .get("application/json")
        .or_else(|| content.get("application/json; charset=utf-8"))
        .expect("a JSON response");
    example(spec, &media["schema"], "response")
}

#[test]
fn operations_table_equals_the_spec() {
    let Some(spec) = spec() else { return };
    let mut ours: Vec<(String, String, String)> = OPERATIONS
        .iter()
        .map(|o| {
            (
                o.method.as_str().to_owned(),
                o.path.to_owned(),
                o.id.to_owned(),
            )
        })
        .collect();
    ours.sort();
    assert_eq!(ours, spec_operations(&spec));
    assert_eq!(OPERATIONS.len(), 6);
}

#[tokio::test]
async fn get_connection_decodes_the_spec_example() -> TestResult {
    let Some(spec) = spec() else { return Ok(()) };
    let body = response_example(&spec, "/api/v1/connections/{connection_id}", "get", "200");
    let mock = MockTransport::new();
    mock.push_json(200, &body);
    mock.push_json(200, &body);
    let client = mock_client(&mock);
    // `get` unwraps the envelope: the connection itself.
    let got = client.connections().get("conn_1").send().await?;
    assert_eq!(serde_json::to_value(&got)?, body["connection"]);
    assert!(got.id().is_some());
    // The envelope stays available by type.
    let envelope = client
        .connections()
        .get("conn_1")
        .send_as::<GetConnectionResponse>()
        .await?;
    assert_eq!(serde_json::to_value(&envelope)?, body);
    assert_eq!(envelope.id(), got.id());
    Ok(())
}

#[tokio::test]
async fn get_connections_decodes_the_spec_example_with_enveloped_items() -> TestResult {
    let Some(spec) = spec() else { return Ok(()) };
    let body = response_example(&spec, "/api/v1/connections", "get", "200");
    // Per the spec the items are `connection` envelopes.
    let inner = body["connections"][0]["connection"].clone();
    assert!(inner.is_object());
    let mock = MockTransport::new();
    mock.push(
        200,
        &[("content-type", "application/json; charset=utf-8")],
        body.to_string(),
    );
    let page = mock_client(&mock).connections().list().send().await?;
    assert_eq!(page.code.as_deref(), body["code"].as_str());
    assert_eq!(page.has_more, body["has_more"].as_bool());
    let items = page.connections.ok_or("no connections")?;
    assert_eq!(items.len(), 1);
    assert_eq!(serde_json::to_value(&items[0])?, inner);
    Ok(())
}

#[tokio::test]
async fn create_connection_decodes_the_spec_example() -> TestResult {
    let Some(spec) = spec() else { return Ok(()) };
    let body = response_example(&spec, "/api/v1/connections", "post", "201");
    let mock = MockTransport::new();
    mock.push_json(201, &body);
    let request = CreateConnectionRequest::new("n", "d", Strategy::Google);
    let created = mock_client(&mock)
        .connections()
        .create(request)
        .send()
        .await?;
    assert_eq!(serde_json::to_value(&created)?, body);
    assert_eq!(created.id(), body["connection"]["id"].as_str());
    Ok(())
}

#[tokio::test]
async fn delete_replace_update_decode_the_spec_example() -> TestResult {
    let Some(spec) = spec() else { return Ok(()) };
    let path = "/api/v1/connections/{connection_id}";
    let mock = MockTransport::new();
    let client = mock_client(&mock);
    for method in ["delete", "put", "patch"] {
        let body = response_example(&spec, path, method, "200");
        assert_eq!(body, json!({"message": "Success", "code": "OK"}));
        mock.push_json(200, &body);
        let res = match method {
            "delete" => client.connections().delete("conn_1").send().await?,
            "put" => {
                client
                    .connections()
                    .replace("conn_1", ReplaceConnectionRequest::new("a", "b"))
                    .send()
                    .await?
            }
            _ => {
                client
                    .connections()
                    .update("conn_1", UpdateConnectionRequest::new())
                    .send()
                    .await?
            }
        };
        assert_eq!(serde_json::to_value(&res)?, body, "{method}");
    }
    Ok(())
}

#[test]
fn error_shapes_decode_from_the_spec_examples() -> TestResult {
    let Some(spec) = spec() else { return Ok(()) };
    let errors = example(&spec, schema(&spec, "error_response"), "error_response");
    let decoded: ErrorResponse = serde_json::from_value(errors.clone())?;
    assert_eq!(serde_json::to_value(&decoded)?, errors);
    let not_found = example(
        &spec,
        schema(&spec, "not_found_response"),
        "not_found_response",
    );
    let decoded: NotFoundResponse = serde_json::from_value(not_found.clone())?;
    assert_eq!(
        decoded.errors.as_ref().and_then(|e| e.code.as_deref()),
        Some("ROUTE_NOT_FOUND")
    );
    assert_eq!(serde_json::to_value(&decoded)?, not_found);
    Ok(())
}

/// Sends `body` (decoded into the request type) and returns what went on the wire.
async fn round_trip(op: &str, body: &Value) -> Result<Value, Box<dyn std::error::Error>> {
    let mock = MockTransport::new();
    mock.push_json(200, &json!({}));
    let client = mock_client(&mock);
    match op {
        "create" => {
            let req: CreateConnectionRequest = serde_json::from_value(body.clone())?;
            client.connections().create(req).send().await?;
        }
        "update" => {
            let req: UpdateConnectionRequest = serde_json::from_value(body.clone())?;
            client.connections().update("conn_1", req).send().await?;
        }
        _ => {
            let req: ReplaceConnectionRequest = serde_json::from_value(body.clone())?;
            client.connections().replace("conn_1", req).send().await?;
        }
    }
    Ok(mock.last_request().map(|r| r.json()).unwrap_or_default())
}

#[tokio::test]
async fn request_examples_with_every_options_variant_round_trip_and_validate() -> TestResult {
    let Some(spec) = spec() else { return Ok(()) };
    let cases = [
        (
            "create",
            "create_connection_request",
            "create_connection_request_options_social",
        ),
        (
            "create",
            "create_connection_request",
            "create_connection_request_options_azure_ad",
        ),
        (
            "create",
            "create_connection_request",
            "create_connection_request_options_saml",
        ),
        (
            "update",
            "update_connection_request",
            "create_connection_request_options_social",
        ),
        (
            "update",
            "update_connection_request",
            "update_connection_request_options_azure_ad",
        ),
        (
            "update",
            "update_connection_request",
            "update_connection_request_options_saml",
        ),
        (
            "replace",
            "replace_connection_request",
            "create_connection_request_options_social",
        ),
        (
            "replace",
            "replace_connection_request",
            "replace_connection_request_options_azure_ad",
        ),
        (
            "replace",
            "replace_connection_request",
            "replace_connection_request_options_saml",
        ),
    ];
    for (op, request_schema, variant) in cases {
        let mut body = example(&spec, schema(&spec, request_schema), request_schema);
        body["options"] = example(&spec, schema(&spec, variant), variant);
        let sent = round_trip(op, &body).await?;
        assert_eq!(
            sent, body,
            "{op} with {variant}: the spec example must go out unchanged"
        );
        let errs = idp_test_support::validate_schema(&spec, schema(&spec, request_schema), &sent);
        assert!(errs.is_empty(), "{op} with {variant}: {errs:?}");
        let errs =
            idp_test_support::validate_schema(&spec, schema(&spec, variant), &sent["options"]);
        assert!(errs.is_empty(), "{op} with {variant}: {errs:?}");
    }
    Ok(())
}

#[test]
fn option_structs_have_exactly_the_spec_fields() {
    let Some(spec) = spec() else { return };
    let cases: [(&str, &[&str]); 7] = [
        (
            "create_connection_request_options_social",
            CreateConnectionRequestOptionsSocial::FIELD_NAMES,
        ),
        (
            "create_connection_request_options_azure_ad",
            CreateConnectionRequestOptionsAzureAd::FIELD_NAMES,
        ),
        (
            "create_connection_request_options_saml",
            CreateConnectionRequestOptionsSaml::FIELD_NAMES,
        ),
        (
            "update_connection_request_options_azure_ad",
            UpdateConnectionRequestOptionsAzureAd::FIELD_NAMES,
        ),
        (
            "update_connection_request_options_saml",
            UpdateConnectionRequestOptionsSaml::FIELD_NAMES,
        ),
        (
            "replace_connection_request_options_azure_ad",
            ReplaceConnectionRequestOptionsAzureAd::FIELD_NAMES,
        ),
        (
            "replace_connection_request_options_saml",
            ReplaceConnectionRequestOptionsSaml::FIELD_NAMES,
        ),
    ];
    for (name, fields) in cases {
        let mut ours: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
        ours.sort();
        assert_eq!(ours, property_names(&spec, name), "{name}");
    }
}

#[test]
fn request_and_response_models_have_the_spec_fields() -> TestResult {
    let Some(spec) = spec() else { return Ok(()) };
    // Fully populated values serialize to exactly the declared property names.
    let create = example(&spec, schema(&spec, "create_connection_request"), "x");
    let create: CreateConnectionRequest = serde_json::from_value(create)?;
    let keys = |v: Value| {
        let mut k: Vec<String> = v
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        k.sort();
        k
    };
    assert_eq!(
        keys(serde_json::to_value(&create)?),
        property_names(&spec, "create_connection_request")
    );
    for (name, value) in [
        (
            "update_connection_request",
            serde_json::to_value(serde_json::from_value::<UpdateConnectionRequest>(example(
                &spec,
                schema(&spec, "update_connection_request"),
                "x",
            ))?)?,
        ),
        (
            "replace_connection_request",
            serde_json::to_value(serde_json::from_value::<ReplaceConnectionRequest>(
                example(&spec, schema(&spec, "replace_connection_request"), "x"),
            )?)?,
        ),
        (
            "connection",
            serde_json::to_value(serde_json::from_value::<GetConnectionResponse>(example(
                &spec,
                schema(&spec, "connection"),
                "x",
            ))?)?,
        ),
        (
            "get_connections_response",
            serde_json::to_value(serde_json::from_value::<GetConnectionsResponse>(example(
                &spec,
                schema(&spec, "get_connections_response"),
                "x",
            ))?)?,
        ),
        (
            "create_connection_response",
            serde_json::to_value(serde_json::from_value::<CreateConnectionResponse>(
                example(&spec, schema(&spec, "create_connection_response"), "x"),
            )?)?,
        ),
        (
            "success_response",
            serde_json::to_value(serde_json::from_value::<SuccessResponse>(example(
                &spec,
                schema(&spec, "success_response"),
                "x",
            ))?)?,
        ),
        (
            "error",
            serde_json::to_value(serde_json::from_value::<KindeError>(example(
                &spec,
                schema(&spec, "error"),
                "x",
            ))?)?,
        ),
    ] {
        assert_eq!(keys(value), property_names(&spec, name), "{name}");
    }
    Ok(())
}

#[test]
fn enums_list_exactly_the_spec_values() {
    let Some(spec) = spec() else { return };
    let values = |pointer: &str| -> Vec<String> {
        spec.pointer(pointer)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let known = |k: &[&str]| k.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        known(Strategy::KNOWN),
        values("/components/schemas/create_connection_request/properties/strategy/enum")
    );
    for saml in [
        "create_connection_request_options_saml",
        "update_connection_request_options_saml",
        "replace_connection_request_options_saml",
    ] {
        let base = format!("/components/schemas/{saml}/properties");
        assert_eq!(
            known(SignRequestAlgorithm::KNOWN),
            values(&format!("{base}/sign_request_algorithm/enum"))
        );
        assert_eq!(
            known(ProtocolBinding::KNOWN),
            values(&format!("{base}/protocol_binding/enum"))
        );
        assert_eq!(
            known(NameIdFormat::KNOWN),
            values(&format!("{base}/name_id_format/enum"))
        );
    }
}
