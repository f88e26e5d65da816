//! Sign-in logs and directory audits (reports throttle: 5 requests/10 s per app+tenant).

use super::GraphClient;
use crate::cloud::ApiVersion;
use crate::http::GraphRequest;
use crate::log_reader::{LogReader, Time, LOG_PAGE_ATTEMPTS};
use crate::models::{DirectoryAudit, SignIn};
use crate::paging::Pager;
use crate::requests::{query_value, reports_get};
use crate::throttle::ThrottleScope;
use reqwest::Method;

fn reports_path(base: &str, filter: Option<&str>, top: Option<u32>, max_top: u32) -> String {
    let mut q = Vec::new();
    if let Some(f) = filter {
        q.push(format!("$filter={}", query_value(f)));
    }
    if let Some(t) = top {
        q.push(format!("$top={}", t.clamp(1, max_top)));
    }
    if q.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", q.join("&"))
    }
}

impl GraphClient {
    /// `GET /auditLogs/signIns` (v1.0: interactive only, no beta-only fields), newest first.
    /// `filter` e.g. `userId eq '…' and createdDateTime ge 2025-03-01T00:00:00Z`.
    pub fn list_sign_ins(&self, filter: Option<&str>, top: Option<u32>) -> Pager<SignIn> {
        let path = reports_path("/auditLogs/signIns", filter, top, 1000);
        self.pager(reports_get(path, "read-sign-ins"))
    }

    /// The beta sign-in log: ASN, network locations, event types, non-interactive sign-ins
    /// (with `signInEventTypes/any(t: t eq 'nonInteractiveUser')`).
    pub fn list_sign_ins_beta(&self, filter: Option<&str>, top: Option<u32>) -> Pager<SignIn> {
        let path = reports_path("/auditLogs/signIns", filter, top, 1000);
        self.pager(GraphRequest::new(
            Method::GET,
            ApiVersion::Beta,
            path,
            "read-sign-ins",
            ThrottleScope::Reports,
        ))
    }

    /// `GET /auditLogs/directoryAudits`; `filter` e.g.
    /// `activityDateTime ge 2025-03-01T00:00:00Z and targetResources/any(t:t/id eq '…')`.
    pub fn list_directory_audits(
        &self,
        filter: Option<&str>,
        top: Option<u32>,
    ) -> Pager<DirectoryAudit> {
        let path = reports_path("/auditLogs/directoryAudits", filter, top, 1000);
        self.pager(reports_get(path, "read-directory-audits"))
    }

    /// Every sign-in from `from` on, read as a long read: a range the service cannot answer
    /// is split, a query whose paging breaks is restarted from its last record
    /// ([`LogReader`]); `until` is where an unbounded range is split (now). Beta (ASN,
    /// network locations) or v1.0; `extra` is more `and`-ed conditions.
    pub fn read_sign_ins(
        &self,
        beta: bool,
        from: Time,
        until: Time,
        extra: Option<&str>,
    ) -> LogReader<SignIn> {
        let client = self.clone();
        let open = move |filter: &str, top: u32| {
            let path = reports_path("/auditLogs/signIns", Some(filter), Some(top), 1000);
            let version = if beta {
                ApiVersion::Beta
            } else {
                ApiVersion::V1
            };
            let mut req = GraphRequest::new(
                Method::GET,
                version,
                path,
                "read-sign-ins",
                ThrottleScope::Reports,
            );
            req.max_failures = Some(LOG_PAGE_ATTEMPTS);
            client.pager(req)
        };
        let extra = extra.map(str::to_string);
        LogReader::new(Box::new(open), "createdDateTime", extra, from, until)
    }

    /// Every directory audit from `from` on that matches `extra`, as a long read (see
    /// [`GraphClient::read_sign_ins`]).
    pub fn read_directory_audits(
        &self,
        from: Time,
        until: Time,
        extra: Option<&str>,
    ) -> LogReader<DirectoryAudit> {
        let client = self.clone();
        let open = move |filter: &str, top: u32| {
            let path = reports_path("/auditLogs/directoryAudits", Some(filter), Some(top), 1000);
            let mut req = reports_get(path, "read-directory-audits");
            req.max_failures = Some(LOG_PAGE_ATTEMPTS);
            client.pager(req)
        };
        let extra = extra.map(str::to_string);
        LogReader::new(Box::new(open), "activityDateTime", extra, from, until)
    }
}
