//! Okta management API SDK: application connections, application users and hook keys.
