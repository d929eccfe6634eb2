//! A walk through the three providers.
fn main() {}
