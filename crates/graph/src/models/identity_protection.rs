//! Identity Protection: risky users, their history, risk detections.

use super::{graph_enum, graph_model, SignInLocation, Timestamp};

graph_enum! {
    /// `microsoft.graph.riskLevel`.
    pub enum RiskLevel = "riskLevel" {
        Low = "low", Medium = "medium", High = "high", Hidden = "hidden", None = "none",
    }
}

graph_enum! {
    /// `microsoft.graph.riskState`.
    pub enum RiskState = "riskState" {
        None = "none", ConfirmedSafe = "confirmedSafe", Remediated = "remediated",
        Dismissed = "dismissed", AtRisk = "atRisk", ConfirmedCompromised = "confirmedCompromised",
    }
}

graph_enum! {
    /// `microsoft.graph.riskDetail` (members this build names; the rest parse as `Other`).
    pub enum RiskDetail = "riskDetail" {
        None = "none",
        AdminGeneratedTemporaryPassword = "adminGeneratedTemporaryPassword",
        UserPerformedSecuredPasswordChange = "userPerformedSecuredPasswordChange",
        UserPerformedSecuredPasswordReset = "userPerformedSecuredPasswordReset",
        AdminConfirmedSigninSafe = "adminConfirmedSigninSafe",
        AiConfirmedSigninSafe = "aiConfirmedSigninSafe",
        UserPassedMfaDrivenByRiskBasedPolicy = "userPassedMFADrivenByRiskBasedPolicy",
        AdminDismissedAllRiskForUser = "adminDismissedAllRiskForUser",
        AdminConfirmedSigninCompromised = "adminConfirmedSigninCompromised",
        Hidden = "hidden",
        AdminConfirmedUserCompromised = "adminConfirmedUserCompromised",
    }
}

graph_enum! {
    /// `microsoft.graph.activityType` of a risk detection.
    pub enum RiskActivityType = "activityType" {
        Signin = "signin", User = "user", ServicePrincipal = "servicePrincipal",
    }
}

graph_enum! {
    /// `microsoft.graph.riskDetectionTimingType`.
    pub enum RiskDetectionTiming = "riskDetectionTimingType" {
        NotDefined = "notDefined", Realtime = "realtime", NearRealtime = "nearRealtime",
        Offline = "offline",
    }
}

graph_model! {
    /// `GET /identityProtection/riskyUsers` item; `id` is the user's id.
    pub struct RiskyUser = "riskyUser" {
        pub id: String = "id",
        pub is_deleted: Option<bool> = "isDeleted",
        pub is_processing: Option<bool> = "isProcessing",
        pub risk_last_updated_date_time: Option<Timestamp> = "riskLastUpdatedDateTime",
        pub risk_level: Option<RiskLevel> = "riskLevel",
        pub risk_state: Option<RiskState> = "riskState",
        pub risk_detail: Option<RiskDetail> = "riskDetail",
        pub user_display_name: Option<String> = "userDisplayName",
        pub user_principal_name: Option<String> = "userPrincipalName",
    }
}

graph_model! {
    /// What changed a risky user's state (history item `activity`).
    pub struct RiskUserActivity = "riskUserActivity" {
        pub detail: Option<RiskDetail> = "detail",
        pub risk_event_types: Vec<String> = "riskEventTypes",
    }
}

graph_model! {
    /// `GET …/riskyUsers/{id}/history` item.
    pub struct RiskyUserHistoryItem = "riskyUserHistoryItem" {
        pub id: String = "id",
        pub user_id: Option<String> = "userId",
        /// The id of whoever (user or app) made the change.
        pub initiated_by: Option<String> = "initiatedBy",
        pub activity: Option<RiskUserActivity> = "activity",
        pub is_deleted: Option<bool> = "isDeleted",
        pub is_processing: Option<bool> = "isProcessing",
        pub risk_last_updated_date_time: Option<Timestamp> = "riskLastUpdatedDateTime",
        pub risk_level: Option<RiskLevel> = "riskLevel",
        pub risk_state: Option<RiskState> = "riskState",
        pub risk_detail: Option<RiskDetail> = "riskDetail",
        pub user_display_name: Option<String> = "userDisplayName",
        pub user_principal_name: Option<String> = "userPrincipalName",
    }
}

graph_model! {
    /// `GET /identityProtection/riskDetections` item.
    pub struct RiskDetection = "riskDetection" {
        pub id: String = "id",
        pub request_id: Option<String> = "requestId",
        pub correlation_id: Option<String> = "correlationId",
        /// e.g. `unfamiliarFeatures`, `anonymizedIPAddress` (a string in v1.0).
        pub risk_event_type: Option<String> = "riskEventType",
        pub risk_state: Option<RiskState> = "riskState",
        pub risk_level: Option<RiskLevel> = "riskLevel",
        pub risk_detail: Option<RiskDetail> = "riskDetail",
        pub source: Option<String> = "source",
        pub detection_timing_type: Option<RiskDetectionTiming> = "detectionTimingType",
        pub activity: Option<RiskActivityType> = "activity",
        pub ip_address: Option<String> = "ipAddress",
        pub location: Option<SignInLocation> = "location",
        pub activity_date_time: Option<Timestamp> = "activityDateTime",
        pub detected_date_time: Option<Timestamp> = "detectedDateTime",
        pub last_updated_date_time: Option<Timestamp> = "lastUpdatedDateTime",
        pub user_id: Option<String> = "userId",
        pub user_display_name: Option<String> = "userDisplayName",
        pub user_principal_name: Option<String> = "userPrincipalName",
        /// JSON text with extra detail (e.g. user agent), as Graph sends it.
        pub additional_info: Option<String> = "additionalInfo",
    }
}
