//! `$filter` views of the tenant's entities: the fields each endpoint can filter on, read
//! straight from the model structs (no serialization per row).

use crate::model::{
    AppIdentity, AuditActivityInitiator, DirectoryAudit, OAuth2PermissionGrant, RiskDetection,
    RiskLevel, RiskState, RiskyUser, RoleAssignment, ServicePrincipal, SignIn, SignInLocation,
    SignInStatus, TargetResource, User, UserIdentity,
};
use crate::odata::{Entity, Value};

pub const RISK_LEVELS: &[&str] = &[
    "low",
    "medium",
    "high",
    "hidden",
    "none",
    "unknownFutureValue",
];
pub const RISK_STATES: &[&str] = &[
    "none",
    "confirmedSafe",
    "remediated",
    "dismissed",
    "atRisk",
    "confirmedCompromised",
    "unknownFutureValue",
];

pub fn risk_level_str(l: RiskLevel) -> &'static str {
    match l {
        RiskLevel::Low => "low",
        RiskLevel::Medium => "medium",
        RiskLevel::High => "high",
        RiskLevel::Hidden => "hidden",
        RiskLevel::None => "none",
        RiskLevel::UnknownFutureValue => "unknownFutureValue",
    }
}

pub fn risk_state_str(s: RiskState) -> &'static str {
    match s {
        RiskState::None => "none",
        RiskState::ConfirmedSafe => "confirmedSafe",
        RiskState::Remediated => "remediated",
        RiskState::Dismissed => "dismissed",
        RiskState::AtRisk => "atRisk",
        RiskState::ConfirmedCompromised => "confirmedCompromised",
        RiskState::UnknownFutureValue => "unknownFutureValue",
    }
}

impl Entity for User {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "id" => Value::Str(&self.id),
            "userPrincipalName" => Value::Str(&self.user_principal_name),
            "displayName" => Value::Str(&self.display_name),
            "givenName" => Value::opt_str(&self.given_name),
            "surname" => Value::opt_str(&self.surname),
            "mail" => Value::opt_str(&self.mail),
            "jobTitle" => Value::opt_str(&self.job_title),
            "department" => Value::opt_str(&self.department),
            "companyName" => Value::opt_str(&self.company_name),
            "officeLocation" => Value::opt_str(&self.office_location),
            "mobilePhone" => Value::opt_str(&self.mobile_phone),
            "usageLocation" => Value::opt_str(&self.usage_location),
            "preferredLanguage" => Value::opt_str(&self.preferred_language),
            "accountEnabled" => Value::Bool(self.account_enabled),
            "userType" => Value::Str(&self.user_type),
            "createdDateTime" => Value::Time(self.created_date_time),
            "businessPhones" => Value::strs(&self.business_phones),
            "otherMails" => Value::strs(&self.other_mails),
            "onPremisesSyncEnabled" => self
                .on_premises_sync_enabled
                .map_or(Value::Null, Value::Bool),
            _ => Value::Null,
        }
    }
}

impl Entity for RiskyUser {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "id" => Value::Str(&self.id),
            "isDeleted" => Value::Bool(self.is_deleted),
            "isProcessing" => Value::Bool(self.is_processing),
            "riskLastUpdatedDateTime" => Value::Time(self.risk_last_updated_date_time),
            "riskLevel" => Value::Str(risk_level_str(self.risk_level)),
            "riskState" => Value::Str(risk_state_str(self.risk_state)),
            "riskDetail" => Value::Str(&self.risk_detail),
            "userDisplayName" => Value::Str(&self.user_display_name),
            "userPrincipalName" => Value::Str(&self.user_principal_name),
            _ => Value::Null,
        }
    }
}

impl Entity for RiskDetection {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "id" => Value::Str(&self.id),
            "riskEventType" => Value::Str(&self.risk_event_type),
            "riskLevel" => Value::Str(risk_level_str(self.risk_level)),
            "riskState" => Value::Str(risk_state_str(self.risk_state)),
            "riskDetail" => Value::Str(&self.risk_detail),
            "detectionTimingType" => Value::Str(&self.detection_timing_type),
            "source" => Value::Str(&self.source),
            "ipAddress" => Value::opt_str(&self.ip_address),
            "activityDateTime" => Value::Time(self.activity_date_time),
            "detectedDateTime" => Value::Time(self.detected_date_time),
            "lastUpdatedDateTime" => Value::Time(self.last_updated_date_time),
            "userId" => Value::Str(&self.user_id),
            "userDisplayName" => Value::Str(&self.user_display_name),
            "userPrincipalName" => Value::Str(&self.user_principal_name),
            _ => Value::Null,
        }
    }
}

impl Entity for SignInStatus {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "errorCode" => Value::Int(i64::from(self.error_code)),
            "failureReason" => Value::opt_str(&self.failure_reason),
            _ => Value::Null,
        }
    }
}

impl Entity for SignInLocation {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "city" => Value::opt_str(&self.city),
            "state" => Value::opt_str(&self.state),
            "countryOrRegion" => Value::opt_str(&self.country_or_region),
            _ => Value::Null,
        }
    }
}

impl Entity for SignIn {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "id" => Value::Id(&self.id),
            "createdDateTime" => Value::Time(self.created_date_time),
            "userId" => Value::Str(&self.user.user_id),
            "userPrincipalName" => Value::Str(&self.user.user_principal_name),
            "userDisplayName" => Value::Str(&self.user.user_display_name),
            "appId" => Value::Str(&self.app.app_id),
            "appDisplayName" => Value::Str(&self.app.app_display_name),
            "clientAppUsed" => Value::Str(&self.app.client_app_used),
            "ipAddress" => Value::Str(&self.origin.ip_address),
            "correlationId" => Value::Id(&self.correlation_id),
            "isInteractive" => Value::Bool(self.is_interactive),
            "status" => Value::Obj(&*self.status),
            "location" => Value::Obj(&*self.origin.location),
            "signInEventTypes" => Value::strs(&self.policy.sign_in_event_types),
            _ => Value::Null,
        }
    }
}

impl Entity for UserIdentity {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "id" => Value::opt_str(&self.id),
            "displayName" => Value::opt_str(&self.display_name),
            "userPrincipalName" => Value::opt_str(&self.user_principal_name),
            _ => Value::Null,
        }
    }
}

impl Entity for AppIdentity {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "appId" => Value::opt_str(&self.app_id),
            "displayName" => Value::opt_str(&self.display_name),
            "servicePrincipalId" => Value::opt_str(&self.service_principal_id),
            _ => Value::Null,
        }
    }
}

impl Entity for AuditActivityInitiator {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "user" => Value::opt_obj(&self.user),
            "app" => Value::opt_obj(&self.app),
            _ => Value::Null,
        }
    }
}

impl Entity for TargetResource {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "id" => Value::opt_str(&self.id),
            "displayName" => Value::opt_str(&self.display_name),
            "userPrincipalName" => Value::opt_str(&self.user_principal_name),
            "type" => Value::opt_str(&self.kind),
            _ => Value::Null,
        }
    }
}

impl Entity for DirectoryAudit {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "id" => Value::Str(&self.id),
            "category" => Value::Str(&self.category),
            "correlationId" => Value::Str(&self.correlation_id),
            "result" => Value::Str(&self.result),
            "activityDisplayName" => Value::Str(&self.activity_display_name),
            "activityDateTime" => Value::Time(self.activity_date_time),
            "loggedByService" => Value::Str(&self.logged_by_service),
            "operationType" => Value::Str(&self.operation_type),
            "initiatedBy" => Value::Obj(&self.initiated_by),
            "targetResources" => Value::List(
                self.target_resources
                    .iter()
                    .map(|t| Value::Obj(t))
                    .collect(),
            ),
            _ => Value::Null,
        }
    }
}

impl Entity for RoleAssignment {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "id" => Value::Str(&self.id),
            "principalId" => Value::Str(&self.principal_id),
            "roleDefinitionId" => Value::Str(&self.role_definition_id),
            "directoryScopeId" => Value::Str(&self.directory_scope_id),
            _ => Value::Null,
        }
    }
}

impl Entity for OAuth2PermissionGrant {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "id" => Value::Str(&self.id),
            "clientId" => Value::Str(&self.client_id),
            "consentType" => Value::Str(&self.consent_type),
            "principalId" => Value::opt_str(&self.principal_id),
            "resourceId" => Value::Str(&self.resource_id),
            _ => Value::Null,
        }
    }
}

impl Entity for ServicePrincipal {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "id" => Value::Str(&self.id),
            "appId" => Value::Str(&self.app_id),
            "displayName" => Value::Str(&self.display_name),
            "servicePrincipalType" => Value::Str(&self.service_principal_type),
            _ => Value::Null,
        }
    }
}
