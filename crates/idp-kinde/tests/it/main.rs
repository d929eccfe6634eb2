//! Integration tests of idp-kinde.
