//! The Graph client against the simulator over real HTTP, one test binary: every sign-in flow
//! and how `connect` resolves options (`sign_in`, `connect`), every endpoint method
//! (`endpoints`), paging and `$batch` (`paging_batch`), throttling without repeated writes
//! (`throttling`), and the models against the real schema (`models`).

#[path = "../common/mod.rs"]
mod common;
mod support;
mod test_keyring;

mod connect;
mod endpoints;
mod licence;
mod long_reads;
mod models;
mod paging_batch;
mod priority;
mod sign_in;
mod throttling;
