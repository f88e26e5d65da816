use super::*;

fn t(s: &str) -> Time {
    s.parse().unwrap()
}

#[test]
fn bounds_round_up_to_the_second_and_never_cut_one_short() {
    assert_eq!(
        ceil_second(t("2024-02-20T10:00:00.250Z")),
        t("2024-02-20T10:00:01Z")
    );
    assert_eq!(
        ceil_second(t("2024-02-20T10:00:00Z")),
        t("2024-02-20T10:00:00Z")
    );
}

#[test]
fn refusals_end_the_read_and_timeouts_split_it() {
    let ids = crate::RequestIds::default();
    let gave_up = |last_status| GraphError::GaveUp {
        attempts: 2,
        last_status,
        path: "/auditLogs/signIns".into(),
        ids: ids.clone(),
    };
    assert!(recoverable(&gave_up(504)) && too_large(&gave_up(504)));
    assert!(!recoverable(&gave_up(429)), "more requests would not help");
    let dead_token = GraphError::Api {
        status: 400,
        code: "UnknownError".into(),
        message: "Invalid Skip Token, skip token is null".into(),
        ids: ids.clone(),
    };
    assert!(recoverable(&dead_token) && !too_large(&dead_token));
    let refused = GraphError::MissingPermission {
        capability: "read-sign-ins".into(),
        permissions: vec!["AuditLog.Read.All".into()],
        message: String::new(),
        ids,
    };
    assert!(!recoverable(&refused));
}
