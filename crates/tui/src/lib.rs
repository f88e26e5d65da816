//! The interactive console (docs/guide.md).
//!
//! Shape: terminal events and background results are [`Action`]s; [`reducer::reduce`] is the
//! only code that changes the [`app::App`] state; [`views::render`] draws it; the
//! [`present::Presenter`] sends only what changed to the terminal. Data arrives through the
//! [`DataSource`] boundary, implemented over Graph by triage and by [`FixtureSource`] in tests.

pub mod action;
pub mod app;
pub mod commands;
pub mod contain_state;
pub mod contain_view;
pub mod containment;
pub mod event_loop;
pub mod filter;
pub mod fixture;
pub mod fixture_contain;
mod jobs;
pub mod journal_watch;
pub mod keymap;
pub mod keys;
pub mod layout;
pub mod list;
pub mod osc52;
pub mod present;
pub mod reducer;
pub mod settings;
pub mod source;
pub mod terminal;
pub mod theme;
pub mod timeline;
pub mod undo_confirm;
pub mod views;

pub use action::{Action, DetailTab, JobId, Pane};
pub use containment::{ApplyFeed, Containment, ServiceContainment, WithContainment};
pub use event_loop::{run_console, ConsoleError, ConsoleOptions};
pub use fixture::{FixtureDirectory, FixtureSource};
pub use jobs::perform;
pub use source::{
    AccountDetail, AuditEventRow, DataSource, Feed, GrantRow, JournalRow, LoadProgress, MethodRow,
    RuleRow, Section, SignInRow, SourceError, TenantDirectory, TenantInfo,
};
