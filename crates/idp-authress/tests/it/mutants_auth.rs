//! Behaviours of `auth.rs` that the mutation run (`cargo xtask mutants --file
//! crates/idp-authress/src/auth.rs`, issue 18) found untested.

use idp_authress::BaseUrl;
use idp_authress::ErrorKind;
use idp_authress::auth::{AccessKey, AccessKeyTokens};

use crate::common::{TestResult, test_key};

/// An access key whose client id, key id or account id is empty is refused before anything is
/// signed (an empty account id would make the base URL `https://.api.authress.io` and the
/// audience `.accounts.authress.io`), whichever part it is, even with a valid private key.
#[test]
fn an_access_key_with_any_empty_id_part_is_refused_even_with_a_valid_private_key() -> TestResult {
    let key = test_key("sc_a", "kid1", "acc-1")?;
    let private = &key.private_key_b64;
    for (input, part) in [
        (format!(".kid1.acc-1.{private}"), "client id"),
        (format!("sc_a..acc-1.{private}"), "key id"),
        (format!("sc_a.kid1..{private}"), "account id"),
        ("sc_a.kid1.acc-1.".to_owned(), "private key"),
    ] {
        let err = AccessKey::parse(&input)
            .err()
            .ok_or(format!("an empty {part} was accepted"))?;
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{part}");
        assert!(err.to_string().contains("a part is empty"), "{part}: {err}");
    }
    Ok(())
}

/// `Debug` of a parsed key (what lands in a user's logs) names the client, key and account ids,
/// so a log says which key was used, and shows the private key only as `[redacted]`.
#[test]
fn access_key_debug_names_its_ids_and_redacts_the_private_key() -> TestResult {
    let key = test_key("sc_abc", "kid1", "acc-9")?;
    let text = format!("{:?}", AccessKey::parse(&key.access_key)?);
    for id in ["sc_abc", "kid1", "acc-9", "[redacted]"] {
        assert!(text.contains(id), "{id} missing from {text}");
    }
    assert!(!text.contains(&key.private_key_b64[..16]), "{text}");
    Ok(())
}

/// `Debug` of the token source names its issuer and its key's ids, never the private key.
#[test]
fn access_key_tokens_debug_names_the_issuer_and_key_ids() -> TestResult {
    let key = test_key("sc_abc", "kid1", "acc-9")?;
    let tokens = AccessKeyTokens::new(
        AccessKey::parse(&key.access_key)?,
        &BaseUrl::parse("https://login.example.com")?,
    )?;
    let text = format!("{tokens:?}");
    for want in [
        "https://login.example.com/v1/clients/sc_abc",
        "kid1",
        "acc-9",
    ] {
        assert!(text.contains(want), "{want} missing from {text}");
    }
    assert!(!text.contains(&key.private_key_b64[..16]), "{text}");
    Ok(())
}
