//! Directory objects: users, roles, service principals, OAuth2 permission grants.

use super::{graph_model, Timestamp};

graph_model! {
    /// `microsoft.graph.user` (the properties triage and containment select).
    pub struct User = "user" {
        pub id: String = "id",
        pub user_principal_name: Option<String> = "userPrincipalName",
        pub display_name: Option<String> = "displayName",
        pub given_name: Option<String> = "givenName",
        pub surname: Option<String> = "surname",
        pub mail: Option<String> = "mail",
        pub job_title: Option<String> = "jobTitle",
        pub department: Option<String> = "department",
        pub company_name: Option<String> = "companyName",
        pub office_location: Option<String> = "officeLocation",
        pub business_phones: Vec<String> = "businessPhones",
        pub mobile_phone: Option<String> = "mobilePhone",
        pub preferred_language: Option<String> = "preferredLanguage",
        pub usage_location: Option<String> = "usageLocation",
        pub account_enabled: Option<bool> = "accountEnabled",
        /// `Member` or `Guest`.
        pub user_type: Option<String> = "userType",
        pub created_date_time: Option<Timestamp> = "createdDateTime",
        pub sign_in_sessions_valid_from_date_time: Option<Timestamp> = "signInSessionsValidFromDateTime",
        pub last_password_change_date_time: Option<Timestamp> = "lastPasswordChangeDateTime",
        /// `true` for accounts synced from on-premises AD (password reset happens there).
        pub on_premises_sync_enabled: Option<bool> = "onPremisesSyncEnabled",
        pub other_mails: Vec<String> = "otherMails",
        pub employee_id: Option<String> = "employeeId",
    }
}

impl User {
    /// The `$select` list that brings every field of this model.
    pub const SELECT: &'static str = "id,userPrincipalName,displayName,givenName,surname,mail,\
jobTitle,department,companyName,officeLocation,businessPhones,mobilePhone,preferredLanguage,\
usageLocation,accountEnabled,userType,createdDateTime,signInSessionsValidFromDateTime,\
lastPasswordChangeDateTime,onPremisesSyncEnabled,otherMails,employeeId";
}

graph_model! {
    /// `GET /users/{id}/memberOf/microsoft.graph.directoryRole` item (active direct roles).
    pub struct DirectoryRole = "directoryRole" {
        pub id: String = "id",
        pub display_name: Option<String> = "displayName",
        pub description: Option<String> = "description",
        pub role_template_id: Option<String> = "roleTemplateId",
    }
}

graph_model! {
    /// `microsoft.graph.unifiedRoleDefinition` (expanded on role assignments).
    pub struct RoleDefinition = "unifiedRoleDefinition" {
        pub id: String = "id",
        pub display_name: Option<String> = "displayName",
        pub description: Option<String> = "description",
        pub template_id: Option<String> = "templateId",
        pub is_built_in: Option<bool> = "isBuiltIn",
        pub is_enabled: Option<bool> = "isEnabled",
    }
}

graph_model! {
    /// `GET /roleManagement/directory/roleAssignments` item.
    pub struct RoleAssignment = "unifiedRoleAssignment" {
        pub id: String = "id",
        pub principal_id: Option<String> = "principalId",
        pub role_definition_id: Option<String> = "roleDefinitionId",
        pub directory_scope_id: Option<String> = "directoryScopeId",
        pub app_scope_id: Option<String> = "appScopeId",
        pub condition: Option<String> = "condition",
        /// Present with `$expand=roleDefinition`.
        pub role_definition: Option<RoleDefinition> = "roleDefinition",
    }
}

graph_model! {
    /// `microsoft.graph.servicePrincipal` (the fields shown next to an OAuth grant).
    pub struct ServicePrincipal = "servicePrincipal" {
        pub id: String = "id",
        pub app_id: Option<String> = "appId",
        pub display_name: Option<String> = "displayName",
        pub app_display_name: Option<String> = "appDisplayName",
        pub app_owner_organization_id: Option<String> = "appOwnerOrganizationId",
        pub service_principal_type: Option<String> = "servicePrincipalType",
        pub account_enabled: Option<bool> = "accountEnabled",
        pub publisher_name: Option<String> = "publisherName" [beta],
        pub sign_in_audience: Option<String> = "signInAudience",
        pub homepage: Option<String> = "homepage",
        pub reply_urls: Vec<String> = "replyUrls",
        pub tags: Vec<String> = "tags",
        pub verified_publisher: Option<super::VerifiedPublisher> = "verifiedPublisher",
        pub password_credentials: Vec<super::PasswordCredential> = "passwordCredentials",
        pub key_credentials: Vec<super::KeyCredential> = "keyCredentials",
    }
}

graph_model! {
    /// `microsoft.graph.organization`: only what tells the tenant's own mail domains.
    pub struct Organization = "organization" {
        pub id: String = "id",
        pub verified_domains: Vec<VerifiedDomain> = "verifiedDomains",
    }
}

graph_model! {
    /// `microsoft.graph.subscribedSku`: one of the tenant's subscriptions; its service plans
    /// tell the Entra ID tier (`AAD_PREMIUM` is P1, `AAD_PREMIUM_P2` is P2).
    pub struct SubscribedSku = "subscribedSku" {
        pub sku_id: Option<String> = "skuId",
        pub sku_part_number: Option<String> = "skuPartNumber",
        pub capability_status: Option<String> = "capabilityStatus",
        pub service_plans: Vec<ServicePlanInfo> = "servicePlans",
    }
}

graph_model! {
    /// `microsoft.graph.servicePlanInfo`: a service a subscription includes.
    pub struct ServicePlanInfo = "servicePlanInfo" {
        pub service_plan_id: Option<String> = "servicePlanId",
        pub service_plan_name: Option<String> = "servicePlanName",
        pub provisioning_status: Option<String> = "provisioningStatus",
        pub applies_to: Option<String> = "appliesTo",
    }
}

graph_model! {
    /// `microsoft.graph.verifiedDomain`: a domain the tenant proved it owns.
    pub struct VerifiedDomain = "verifiedDomain" {
        pub name: Option<String> = "name",
        pub is_default: Option<bool> = "isDefault",
        pub is_initial: Option<bool> = "isInitial",
    }
}

graph_model! {
    /// `microsoft.graph.oAuth2PermissionGrant`: ids are service principal *object* ids.
    pub struct OAuth2PermissionGrant = "oAuth2PermissionGrant" {
        pub id: String = "id",
        pub client_id: Option<String> = "clientId",
        /// `Principal` (one user) or `AllPrincipals` (tenant-wide).
        pub consent_type: Option<String> = "consentType",
        pub principal_id: Option<String> = "principalId",
        pub resource_id: Option<String> = "resourceId",
        /// Space-separated, may start with a space.
        pub scope: Option<String> = "scope",
    }
}

impl OAuth2PermissionGrant {
    /// The granted scopes, without the empty pieces a leading space leaves.
    pub fn scopes(&self) -> Vec<&str> {
        self.scope
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .collect()
    }
}
