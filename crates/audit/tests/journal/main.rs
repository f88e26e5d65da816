//! The audit journal, one test binary: write-ahead records, locks and threads (`journal`),
//! secrets and tampering (`integrity`), kill -9 and writer processes (`crash`). Exports and
//! forwarding through the `reclaim` binary are in the root's `tests/audit/`.

mod support;

mod crash;
mod integrity;
mod journal;
mod output_properties;
mod properties;
