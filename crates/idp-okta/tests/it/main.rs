//! Integration tests of idp-okta.
