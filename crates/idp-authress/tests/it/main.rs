//! Integration tests of idp-authress.
