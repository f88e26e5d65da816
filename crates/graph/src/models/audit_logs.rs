//! Audit logs: sign-ins (v1.0 plus beta-only fields) and directory audits.

use super::{graph_enum, graph_model, RiskDetail, RiskLevel, RiskState, Timestamp};

graph_enum! {
    /// `microsoft.graph.conditionalAccessStatus`.
    pub enum ConditionalAccessStatus = "conditionalAccessStatus" {
        Success = "success", Failure = "failure", NotApplied = "notApplied",
    }
}

graph_enum! {
    /// `microsoft.graph.operationResult` of a directory audit.
    pub enum OperationResult = "operationResult" {
        Success = "success", Failure = "failure", Timeout = "timeout",
    }
}

graph_model! {
    /// `status` of a sign-in: `errorCode` 0 is success.
    pub struct SignInStatus = "signInStatus" {
        pub error_code: Option<i64> = "errorCode",
        pub failure_reason: Option<String> = "failureReason",
        pub additional_details: Option<String> = "additionalDetails",
    }
}

graph_model! {
    pub struct DeviceDetail = "deviceDetail" {
        pub device_id: Option<String> = "deviceId",
        pub display_name: Option<String> = "displayName",
        pub operating_system: Option<String> = "operatingSystem",
        pub browser: Option<String> = "browser",
        pub is_compliant: Option<bool> = "isCompliant",
        pub is_managed: Option<bool> = "isManaged",
        pub trust_type: Option<String> = "trustType",
    }
}

graph_model! {
    pub struct GeoCoordinates = "geoCoordinates" {
        pub latitude: Option<f64> = "latitude",
        pub longitude: Option<f64> = "longitude",
        pub altitude: Option<f64> = "altitude",
    }
}

graph_model! {
    pub struct SignInLocation = "signInLocation" {
        pub city: Option<String> = "city",
        pub state: Option<String> = "state",
        pub country_or_region: Option<String> = "countryOrRegion",
        pub geo_coordinates: Option<GeoCoordinates> = "geoCoordinates",
    }
}

graph_model! {
    /// Beta only: a named or trusted network the sign-in came from.
    pub struct NetworkLocationDetail = "networkLocationDetail" {
        /// `extranet intranet namedNetwork trusted trustedNamedLocation`.
        pub network_type: Option<String> = "networkType" [beta],
        pub network_names: Vec<String> = "networkNames" [beta],
    }
}

graph_model! {
    /// Beta only: one authentication step of a sign-in.
    pub struct AuthenticationDetail = "authenticationDetail" {
        pub authentication_method: Option<String> = "authenticationMethod" [beta],
        pub authentication_method_detail: Option<String> = "authenticationMethodDetail" [beta],
        pub authentication_step_date_time: Option<Timestamp> = "authenticationStepDateTime" [beta],
        pub authentication_step_requirement: Option<String> = "authenticationStepRequirement" [beta],
        pub authentication_step_result_detail: Option<String> = "authenticationStepResultDetail" [beta],
        pub succeeded: Option<bool> = "succeeded" [beta],
    }
}

graph_model! {
    /// `GET /auditLogs/signIns` item. Fields marked beta are absent from v1.0 responses.
    pub struct SignIn = "signIn" {
        pub id: String = "id",
        pub created_date_time: Option<Timestamp> = "createdDateTime",
        pub user_id: Option<String> = "userId",
        pub user_display_name: Option<String> = "userDisplayName",
        pub user_principal_name: Option<String> = "userPrincipalName",
        pub app_id: Option<String> = "appId",
        pub app_display_name: Option<String> = "appDisplayName",
        pub client_app_used: Option<String> = "clientAppUsed",
        pub ip_address: Option<String> = "ipAddress",
        pub is_interactive: Option<bool> = "isInteractive",
        pub user_agent: Option<String> = "userAgent",
        pub correlation_id: Option<String> = "correlationId",
        pub resource_display_name: Option<String> = "resourceDisplayName",
        pub resource_id: Option<String> = "resourceId",
        pub risk_level_during_sign_in: Option<RiskLevel> = "riskLevelDuringSignIn",
        pub risk_level_aggregated: Option<RiskLevel> = "riskLevelAggregated",
        pub risk_state: Option<RiskState> = "riskState",
        pub risk_detail: Option<RiskDetail> = "riskDetail",
        pub risk_event_types_v2: Vec<String> = "riskEventTypes_v2",
        pub conditional_access_status: Option<ConditionalAccessStatus> = "conditionalAccessStatus",
        pub status: Option<SignInStatus> = "status",
        pub device_detail: Option<DeviceDetail> = "deviceDetail",
        pub location: Option<SignInLocation> = "location",
        pub autonomous_system_number: Option<i64> = "autonomousSystemNumber" [beta],
        pub network_location_details: Vec<NetworkLocationDetail> = "networkLocationDetails" [beta],
        /// `interactiveUser`, `nonInteractiveUser`, `servicePrincipal`, `managedIdentity`.
        pub sign_in_event_types: Vec<String> = "signInEventTypes" [beta],
        pub session_id: Option<String> = "sessionId" [beta],
        pub authentication_details: Vec<AuthenticationDetail> = "authenticationDetails" [beta],
        pub authentication_requirement: Option<String> = "authenticationRequirement" [beta],
        pub user_type: Option<String> = "userType" [beta],
    }
}

impl SignIn {
    /// `status.errorCode == 0`.
    pub fn succeeded(&self) -> bool {
        self.status.as_ref().and_then(|s| s.error_code) == Some(0)
    }
}

graph_model! {
    pub struct UserIdentity = "userIdentity" {
        pub id: Option<String> = "id",
        pub display_name: Option<String> = "displayName",
        pub user_principal_name: Option<String> = "userPrincipalName",
        pub ip_address: Option<String> = "ipAddress",
    }
}

graph_model! {
    pub struct AppIdentity = "appIdentity" {
        pub app_id: Option<String> = "appId",
        pub display_name: Option<String> = "displayName",
        pub service_principal_id: Option<String> = "servicePrincipalId",
        pub service_principal_name: Option<String> = "servicePrincipalName",
    }
}

graph_model! {
    /// Who did it: a user or an app.
    pub struct AuditActivityInitiator = "auditActivityInitiator" {
        pub user: Option<UserIdentity> = "user",
        pub app: Option<AppIdentity> = "app",
    }
}

graph_model! {
    /// One changed property; values are JSON text inside strings.
    pub struct ModifiedProperty = "modifiedProperty" {
        pub display_name: Option<String> = "displayName",
        pub old_value: Option<String> = "oldValue",
        pub new_value: Option<String> = "newValue",
    }
}

graph_model! {
    pub struct TargetResource = "targetResource" {
        pub id: Option<String> = "id",
        pub display_name: Option<String> = "displayName",
        /// e.g. `User`, `ServicePrincipal`.
        pub r#type: Option<String> = "type",
        pub user_principal_name: Option<String> = "userPrincipalName",
        pub modified_properties: Vec<ModifiedProperty> = "modifiedProperties",
    }
}

graph_model! {
    pub struct KeyValue = "keyValue" {
        pub key: Option<String> = "key",
        pub value: Option<String> = "value",
    }
}

graph_model! {
    /// `GET /auditLogs/directoryAudits` item.
    pub struct DirectoryAudit = "directoryAudit" {
        pub id: String = "id",
        pub category: Option<String> = "category",
        pub correlation_id: Option<String> = "correlationId",
        pub result: Option<OperationResult> = "result",
        pub result_reason: Option<String> = "resultReason",
        pub activity_display_name: Option<String> = "activityDisplayName",
        pub activity_date_time: Option<Timestamp> = "activityDateTime",
        pub logged_by_service: Option<String> = "loggedByService",
        pub operation_type: Option<String> = "operationType",
        pub initiated_by: Option<AuditActivityInitiator> = "initiatedBy",
        pub target_resources: Vec<TargetResource> = "targetResources",
        pub additional_details: Vec<KeyValue> = "additionalDetails",
    }
}

impl DirectoryAudit {
    /// The first modified property with this name across the target resources.
    pub fn modified_property(&self, name: &str) -> Option<&ModifiedProperty> {
        self.target_resources
            .iter()
            .flat_map(|t| t.modified_properties.iter())
            .find(|p| p.display_name.as_deref() == Some(name))
    }
}
