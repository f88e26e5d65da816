//! The simulator's Graph endpoints over real HTTP, one test binary: reads with paging, query
//! options and every error rule; mutations with their state changes, rule violations and the
//! directory audit records a real tenant would hold; `/me`; what Graph writes do at the token
//! endpoint; faults; `reclaim sim` as a process.

mod support;

mod cli_sim;
mod conventions;
mod directory;
mod faults;
mod golden;
mod me_paths;
mod methods_mail_reads;
mod protection_logs;
mod sessions;
mod writes_mail_risk;
mod writes_methods;
mod writes_users;
