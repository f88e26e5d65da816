//! The tenant's own mail domains, from `GET /organization` `verifiedDomains`: mail forwarded
//! to any of them stays inside the organization (finding 12 of #17). Domains learned from
//! members' UPNs are added as accounts are read; a tenant whose accounts all use its custom
//! domain still forwards internally to `<name>.onmicrosoft.com`, which only this read knows.

use reclaim_graph::models::Organization;
use reclaim_graph::{requests, GraphClient, GraphError};

/// The source's name in warnings and `unavailable`. Without it, forwarding is judged
/// internal only for the domains members' sign-in names use.
pub const SOURCE: &str = "verified domains";

/// Every verified domain name, lower-cased.
pub async fn verified_domains(client: &GraphClient) -> Result<Vec<String>, GraphError> {
    let orgs = client
        .pager::<Organization>(requests::get_organization())
        .collect()
        .await?
        .into_complete()?;
    let mut out: Vec<String> = orgs
        .iter()
        .flat_map(|o| &o.verified_domains)
        .filter_map(|d| d.name.as_deref())
        .map(|d| d.trim().to_lowercase())
        .filter(|d| !d.is_empty())
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}
