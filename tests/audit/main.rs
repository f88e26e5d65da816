//! The audit journal, one test binary: write-ahead records, locks and threads (`journal`),
//! secrets and tampering (`integrity`), exports and the CLI (`export`), kill -9 and writer
//! processes (`crash`), and forwarding to real receivers (`forward`).

mod support;

mod crash;
mod export;
mod forward;
mod integrity;
mod journal;
