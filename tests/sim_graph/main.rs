//! The simulator's Graph endpoints over real HTTP, one test binary: reads with paging, query
//! options and every error rule; mutations with their state changes, rule violations and the
//! directory audit records a real tenant would hold.

mod support;

mod conventions;
mod directory;
mod me_paths;
mod methods_mail_reads;
mod protection_logs;
mod writes_mail_risk;
mod writes_methods;
mod writes_users;
