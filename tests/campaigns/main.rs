//! Long-running campaigns against the real `reclaim` binary and a simulated tenant: kill -9 at
//! seeded random points of a 50-account apply, and a soak on the hostile profile. Small
//! versions run in `cargo test`; the long ones are `#[ignore]`d (docs/testing.md).

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/containment.rs"]
mod containment;
mod hostile_text;
mod kill;
mod soak;
mod support;
