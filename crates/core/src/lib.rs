//! reclaim-core: what every other reclaim crate stands on, knowing nothing of Graph.
//!
//! - [`sanitize`]: making attacker-controlled tenant text inert before it is shown or written.
//! - [`secrets`]: the [`secrets::Secret`] string and the stores that keep secrets.
//! - [`paths`]: reclaim's config and state directories.

pub mod paths;
pub mod sanitize;
pub mod secrets;
