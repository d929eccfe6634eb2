//! Behaviours of `error.rs` that the mutation run (`cargo xtask mutants --file
//! crates/idp-authress/src/error.rs`, issue 18) found untested.

use idp_authress::ErrorKind;
use idp_test_support::MockTransport;

use crate::common::{TestResult, mock_client};

async fn message_of(
    client: &idp_authress::Client,
    mock: &MockTransport,
    body: &str,
) -> Option<String> {
    mock.push(500, &[("content-type", "text/plain")], body.to_owned());
    let err = client.connections().get("con_1").send().await.err()?;
    err.provider_message().map(str::to_owned)
}

/// A plain-text error keeps its text: a `>` that closes no tag (authress-local's
/// `Couldn't parse body parameter …` messages quote conditions) is part of the message; only
/// what lies between `<` and `>` is dropped as markup.
#[tokio::test]
async fn a_text_error_keeps_a_greater_than_sign_outside_a_tag() -> TestResult {
    let mock = MockTransport::new();
    let client = mock_client(&mock)?;
    assert_eq!(
        message_of(
            &client,
            &mock,
            "Couldn't parse body parameter: limit -> must be > 0\n"
        )
        .await,
        Some("Couldn't parse body parameter: limit -> must be > 0".to_owned())
    );
    assert_eq!(
        message_of(&client, &mock, "<p>Bad <b>request</b></p> a > b").await,
        Some("Bad request a > b".to_owned())
    );
    Ok(())
}

/// The excerpt of a text error comes from the start of the body: a long page is read only as
/// far as the excerpt needs (a few times its length), so what its tail holds — even bytes that
/// would mark a short body as binary — does not change the message.
#[tokio::test]
async fn a_long_text_error_is_excerpted_from_its_start_whatever_its_tail_holds() -> TestResult {
    let mock = MockTransport::new();
    let client = mock_client(&mock)?;
    // Three-byte characters, so the scan's byte count steps past its bound rather than on it.
    let body = format!("{}\u{1}{}", "€".repeat(1000), "tail");
    let message = message_of(&client, &mock, &body)
        .await
        .ok_or("the excerpt is the message")?;
    assert_eq!(message, format!("{}…", "€".repeat(160)));
    Ok(())
}

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
