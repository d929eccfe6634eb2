//! Authress SSO connections API SDK with locally signed service-client tokens.
