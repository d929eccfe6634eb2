//! Behaviours of `error.rs` that the mutation run (`cargo xtask mutants --file
//! crates/idp-authress/src/error.rs`, issue 18) found untested.

use idp_authress::ErrorKind;
use idp_test_support::MockTransport;

use crate::common::{TestResult, mock_client};

/// A blank `title` (empty or only spaces) counts as absent: the AWS front end's `message` is
/// the error's message, and a blank `errorCode` gives no code.
#[tokio::test]
async fn a_blank_title_gives_way_to_the_message() -> TestResult {
    let mock = MockTransport::new();
    let client = mock_client(&mock)?;
    mock.push(
        403,
        &[("content-type", "application/json")],
        r#"{"title":"  ","errorCode":" ","message":"Missing Authentication Token"}"#,
    );
    let err = client
        .connections()
        .get("con_1")
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.provider_message(), Some("Missing Authentication Token"));
    assert_eq!(err.code(), None);
    Ok(())
}
