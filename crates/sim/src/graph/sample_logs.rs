//! Sign-in and risk detection records for the sample tenant ([`super::sample`]).

use super::sample::CFO;
use crate::model::*;
use std::sync::Arc;

pub fn sign_in(i: usize, u: &User, at: Time) -> SignIn {
    let attacker = *u.id == *CFO && i.is_multiple_of(7);
    let interactive = i % 3 != 1;
    SignIn {
        id: format!("si-{i:06}").into(),
        created_date_time: at,
        user: Arc::new(SignInUser {
            user_id: u.id.clone(),
            user_principal_name: u.user_principal_name.clone(),
            user_display_name: u.display_name.clone(),
            user_type: "member".into(),
        }),
        app: Arc::new(SignInApp {
            app_id: "4765445b-32c6-49b0-83e6-1d93765276ca".into(),
            app_display_name: if attacker {
                "OfficeHome".into()
            } else {
                "Microsoft Teams".into()
            },
            client_app_used: "Browser".into(),
            resource_display_name: "Office 365 Exchange Online".into(),
            resource_id: "00000002-0000-0ff1-ce00-000000000000".into(),
        }),
        origin: Arc::new(SignInOrigin {
            ip_address: if attacker {
                "185.220.101.4".into()
            } else {
                format!("203.0.113.{}", i % 250).into()
            },
            location: Arc::new(SignInLocation {
                city: Some(if attacker { "Moscow" } else { "Seattle" }.into()),
                state: None,
                country_or_region: Some(if attacker { "RU" } else { "US" }.into()),
                geo_coordinates: Some(GeoCoordinates {
                    latitude: 47.6,
                    longitude: -122.3,
                    altitude: None,
                }),
            }),
            autonomous_system_number: Some(if attacker { 60729 } else { 8075 }),
        }),
        client: Arc::new(SignInClient {
            user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64)".into(),
            device_detail: Arc::new(DeviceDetail {
                device_id: "".into(),
                operating_system: Some("Windows 10".into()),
                browser: Some("Edge 120.0.0".into()),
                ..Default::default()
            }),
        }),
        is_interactive: interactive,
        correlation_id: format!("corr-{i}").into(),
        risk: Arc::new(SignInIdentityRisk {
            risk_level_during_sign_in: if attacker {
                RiskLevel::High
            } else {
                RiskLevel::None
            },
            risk_level_aggregated: RiskLevel::None,
            risk_state: if attacker {
                RiskState::AtRisk
            } else {
                RiskState::None
            },
            risk_event_types_v2: if attacker {
                vec!["unfamiliarFeatures".into()]
            } else {
                Vec::new()
            },
        }),
        policy: Arc::new(SignInPolicy {
            conditional_access_status: "notApplied".into(),
            risk_detail: "none".into(),
            network_location_details: vec![NetworkLocationDetail {
                network_type: "namedNetwork".into(),
                network_names: vec!["HQ".into()],
            }]
            .into(),
            sign_in_event_types: vec![if interactive {
                "interactiveUser"
            } else {
                "nonInteractiveUser"
            }
            .into()]
            .into(),
            authentication_requirement: "singleFactorAuthentication".into(),
        }),
        status: Arc::new(SignInStatus {
            error_code: if i.is_multiple_of(11) { 50126 } else { 0 },
            failure_reason: (i.is_multiple_of(11)).then(|| "Invalid username or password.".into()),
            additional_details: None,
        }),
        session_id: Some(format!("sess-{}", i % 40).into()),
    }
}

pub fn detection(i: usize, u: &User, at: Time) -> RiskDetection {
    RiskDetection {
        id: format!("rd-{i:04}"),
        request_id: Some(format!("req-{i}")),
        correlation_id: Some(format!("corr-{i}")),
        risk_event_type: if i.is_multiple_of(2) {
            "unfamiliarFeatures"
        } else {
            "anonymizedIPAddress"
        }
        .into(),
        risk_state: RiskState::AtRisk,
        risk_detail: "none".into(),
        risk_level: if i.is_multiple_of(3) {
            RiskLevel::High
        } else {
            RiskLevel::Medium
        },
        activity: "signin".into(),
        detection_timing_type: "realtime".into(),
        source: "IdentityProtection".into(),
        token_issuer_type: "AzureAD".into(),
        ip_address: Some("185.220.101.4".into()),
        location: Some(SignInLocation {
            city: Some("Moscow".into()),
            state: None,
            country_or_region: Some("RU".into()),
            geo_coordinates: None,
        }),
        activity_date_time: at,
        detected_date_time: at,
        last_updated_date_time: at,
        user_id: u.id.to_string(),
        user_display_name: u.display_name.to_string(),
        user_principal_name: u.user_principal_name.to_string(),
        additional_info: None,
    }
}
