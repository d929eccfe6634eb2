//! Stateful fake Okta, Authress and Kinde servers on loopback HTTP.
