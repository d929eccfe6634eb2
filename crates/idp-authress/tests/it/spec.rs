//! Conformance with shared/specs/authress-connections-subset.yaml (skipped, loudly, without it).

use idp_authress::OPERATIONS;
use idp_authress::models::{
    Connection, ConnectionCollection, ConnectionDefaultConnectionProperties,
    UserConnectionCredentials,
};
use idp_test_support::{MockTransport, resolve_ref, spec_operations};
use serde_json::{Value, json};

use crate::common::{TestResult, example_for, mock_client, schema, spec};

#[test]
fn operation_table_equals_the_spec() {
    let Some(spec) = spec() else { return };
    let mut ours: Vec<(String, String, String)> = OPERATIONS
        .iter()
        .map(|op| {
            (
                op.method.as_str().to_owned(),
                op.path.to_owned(),
                op.id.to_owned(),
            )
        })
        .collect();
    ours.sort();
    assert_eq!(ours, spec_operations(&spec));
    assert_eq!(ours.len(), 6);
}

/// The 2xx response example of an operation, built from the spec (`None` for an empty response).
fn response_example(spec: &Value, operation_id: &str) -> Option<(u16, Value)> {
    let paths = spec.get("paths")?.as_object()?;
    for item in paths.values() {
        for op in item.as_object()?.values() {
            if op.get("operationId").and_then(Value::as_str) != Some(operation_id) {
                continue;
            }
            for (status, response) in op.get("responses")?.as_object()? {
                let code: u16 = status.parse().ok()?;
                if (200..300).contains(&code) {
                    let response = resolve_ref(spec, response);
                    let schema = response.pointer("/content/application~1links+json/schema");
                    return Some((
                        code,
                        schema
                            .map(|s| example_for(spec, s, 0))
                            .unwrap_or(Value::Null),
                    ));
                }
            }
        }
    }
    None
}

#[tokio::test]
async fn every_operation_decodes_its_spec_example() -> TestResult {
    let Some(spec) = spec() else { return Ok(()) };
    let mock = MockTransport::new();
    let client = mock_client(&mock)?;
    let connections = client.connections();

    let (status, example) = response_example(&spec, "createConnection").ok_or("no example")?;
    assert_eq!(status, 201);
    mock.push_json(status, &example);
    let created = connections.create(Connection::default()).send().await?;
    assert_eq!(serde_json::to_value(&created)?, example);
    assert_eq!(created.id(), Some("google"));

    let (status, _) = response_example(&spec, "deleteConnection").ok_or("no example")?;
    assert_eq!(status, 204);
    mock.push(status, &[], "");
    connections.delete("google").send().await?;

    let (status, example) = response_example(&spec, "getConnection").ok_or("no example")?;
    mock.push_json(status, &example);
    let got = connections.get("google").send().await?;
    assert_eq!(serde_json::to_value(&got)?, example);

    let (status, example) =
        response_example(&spec, "getConnectionCredentials").ok_or("no example")?;
    mock.push_json(status, &example);
    let creds = connections
        .get_credentials("google", "oauth|userId")
        .send()
        .await?;
    assert_eq!(serde_json::to_value(&creds)?, example);

    let (status, example) = response_example(&spec, "getConnections").ok_or("no example")?;
    mock.push_json(status, &example);
    let page = connections.list().send().await?;
    assert_eq!(page.connections.len(), 1);
    assert_eq!(serde_json::to_value(&page)?, example);

    let (status, example) = response_example(&spec, "updateConnection").ok_or("no example")?;
    mock.push_json(status, &example);
    let updated = connections.update("google", got.clone()).send().await?;
    assert_eq!(updated, got);
    Ok(())
}

#[test]
fn every_schema_example_decodes_into_its_type() -> TestResult {
    let Some(spec) = spec() else { return Ok(()) };
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("no schemas")?;
    for (name, schema) in schemas {
        let example = example_for(&spec, schema, 0);
        let back = match name.as_str() {
            "Connection" => {
                serde_json::to_value(serde_json::from_value::<Connection>(example.clone())?)?
            }
            "ConnectionCollection" => serde_json::to_value(serde_json::from_value::<
                ConnectionCollection,
            >(example.clone())?)?,
            "ConnectionDefaultConnectionProperties" => {
                serde_json::to_value(serde_json::from_value::<
                    ConnectionDefaultConnectionProperties,
                >(example.clone())?)?
            }
            "UserConnectionCredentials" => serde_json::to_value(serde_json::from_value::<
                UserConnectionCredentials,
            >(example.clone())?)?,
            "ConnectionUserDataConfiguration" => {
                to_and_back::<idp_authress::models::ConnectionUserDataConfiguration>(&example)?
            }
            "ConnectionData" => to_and_back::<idp_authress::models::ConnectionData>(&example)?,
            "ConnectionConditions" => {
                to_and_back::<idp_authress::models::ConnectionConditions>(&example)?
            }
            "ConnectionTenantConfiguration" => {
                to_and_back::<idp_authress::models::ConnectionTenantConfiguration>(&example)?
            }
            "ConnectionLinkingConfiguration" => {
                to_and_back::<idp_authress::models::ConnectionLinkingConfiguration>(&example)?
            }
            "Pagination" => to_and_back::<idp_authress::models::Pagination>(&example)?,
            "PaginationNext" => to_and_back::<idp_authress::models::PaginationNext>(&example)?,
            "Link" => to_and_back::<idp_authress::models::Link>(&example)?,
            "Links" => to_and_back::<idp_authress::models::Links>(&example)?,
            "CollectionLinks" => to_and_back::<idp_authress::models::CollectionLinks>(&example)?,
            other => return Err(format!("schema {other} has no Rust type").into()),
        };
        assert_eq!(back, example, "{name} did not round-trip");
    }
    Ok(())
}

fn to_and_back<T: serde::de::DeserializeOwned + serde::Serialize>(
    example: &Value,
) -> Result<Value, serde_json::Error> {
    serde_json::to_value(serde_json::from_value::<T>(example.clone())?)
}

#[tokio::test]
async fn create_and_update_bodies_validate_against_the_connection_schema() -> TestResult {
    let Some(spec) = spec() else { return Ok(()) };
    let connection_schema = schema(&spec, "Connection").ok_or("no Connection schema")?;
    // Every property filled in, read-only ones included: the SDK must leave those out.
    let full = example_for(
        &spec,
        &json!({"properties": connection_schema["properties"].clone()}),
        0,
    );
    let connection: Connection = serde_json::from_value(full)?;
    assert!(connection.created_time.is_some() && connection.extra.is_empty());

    let mock = MockTransport::new();
    let client = mock_client(&mock)?;
    mock.push_json(201, &json!({}));
    client
        .connections()
        .create(connection.clone())
        .send()
        .await?;
    mock.push_json(200, &json!({}));
    client
        .connections()
        .update("google", connection)
        .send()
        .await?;
    for req in mock.requests() {
        let body = req.json();
        assert!(body.get("data").is_some_and(Value::is_object), "{body}");
        let errors = idp_test_support::validate_schema(&spec, connection_schema, &body);
        assert!(errors.is_empty(), "{body}: {errors:?}");
    }
    Ok(())
}
