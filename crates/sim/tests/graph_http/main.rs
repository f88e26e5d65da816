//! The simulator over real HTTP, one test binary: the identity platform and bearer tokens
//! (`identity`, `bearer`); throttling scopes, `$batch` and faults (`traffic`); the Graph
//! endpoints: reads with paging, query options and every error rule, mutations with their state
//! changes, rule violations and the directory audit records a real tenant would hold, `/me`,
//! what Graph writes do at the token endpoint, faults;
//! every served property and permission against the real schema (`schema`); the generated
//! `campaign-2024` tenant (`scenario`).

/// Raw HTTP helpers: tokens from the identity platform, requests, JWT claims.
mod http_support;
/// A simulator on the sample tenant and a Graph client with a real bearer token.
mod support;

mod bearer;
mod identity;
mod scenario;
mod schema;
mod traffic;

mod app_footholds;
mod conventions;
mod default_method;
mod devices;
mod directory;
mod faults;
mod golden;
mod licence;
mod me_paths;
mod memberships;
mod methods_mail_reads;
mod protection_logs;
mod sessions;
mod writes_mail_risk;
mod writes_methods;
mod writes_users;
