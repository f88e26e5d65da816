//! Static facts the scenario draws from: Microsoft first-party apps, browsers and devices,
//! offices, and the networks people (and attackers) sign in from.
//!
//! The campaign's indicators follow the public reporting on the late-2023/2024 Entra ID account
//! takeover campaign (Proofpoint): OfficeHome first, Linux and Windows Chrome 118-120 user agents,
//! proxies, hosting providers and fixed-line ISPs in Russia and Nigeria, and mail-reading apps
//! such as PERFECTDATA SOFTWARE consented afterwards.

/// A first-party app as a sign-in names it, with the resource it signs in to.
#[derive(Debug, Clone, Copy)]
pub struct App {
    pub id: &'static str,
    pub name: &'static str,
    pub resource_id: &'static str,
    pub resource: &'static str,
    /// clientAppUsed.
    pub client: &'static str,
}

const EXO_ID: &str = "00000002-0000-0ff1-ce00-000000000000";
const EXO: &str = "Office 365 Exchange Online";
const SPO_ID: &str = "00000003-0000-0ff1-ce00-000000000000";
const SPO: &str = "Office 365 SharePoint Online";
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
const GRAPH: &str = "Microsoft Graph";
const BROWSER: &str = "Browser";
const NATIVE: &str = "Mobile Apps and Desktop clients";

pub const OFFICE_HOME: App = App {
    id: "4765445b-32c6-49b0-83e6-1d93765276ca",
    name: "OfficeHome",
    resource_id: "4765445b-32c6-49b0-83e6-1d93765276ca",
    resource: "OfficeHome",
    client: BROWSER,
};
pub const OUTLOOK_WEB: App = App {
    id: "9199bf20-a13f-4107-85dc-02114787ef48",
    name: "One Outlook Web",
    resource_id: EXO_ID,
    resource: EXO,
    client: BROWSER,
};
pub const WCSS: App = App {
    id: "89bee1f7-5e6e-4d8a-9f3d-ecd601259da7",
    name: "Office365 Shell WCSS-Client",
    resource_id: "5f09333a-842c-47da-a157-57da27fcbca5",
    resource: "Office365 Shell WCSS-Server",
    client: BROWSER,
};
pub const SHAREPOINT: App = App {
    id: SPO_ID,
    name: SPO,
    resource_id: SPO_ID,
    resource: SPO,
    client: BROWSER,
};
pub const MY_SIGNINS: App = App {
    id: "19db86c3-b2b9-44cc-b339-36da233a3be2",
    name: "My Signins",
    resource_id: "0000000c-0000-0000-c000-000000000000",
    resource: "Microsoft App Access Panel",
    client: BROWSER,
};
pub const TEAMS: App = App {
    id: "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
    name: "Microsoft Teams",
    resource_id: GRAPH_APP_ID,
    resource: GRAPH,
    client: NATIVE,
};
pub const OFFICE: App = App {
    id: "d3590ed6-52b3-4102-aeff-aad2292ab01c",
    name: "Microsoft Office",
    resource_id: SPO_ID,
    resource: SPO,
    client: NATIVE,
};
pub const OUTLOOK_MOBILE: App = App {
    id: "27922004-5251-4030-b22d-91ecd9a37ea4",
    name: "Outlook Mobile",
    resource_id: EXO_ID,
    resource: EXO,
    client: NATIVE,
};

/// Apps people use from a desktop, with weights.
pub const DESKTOP_APPS: [(App, u32); 6] = [
    (OFFICE_HOME, 20),
    (OUTLOOK_WEB, 22),
    (TEAMS, 25),
    (OFFICE, 18),
    (WCSS, 8),
    (SHAREPOINT, 7),
];

/// A browser or client on a device, as deviceDetail and userAgent show it.
#[derive(Debug, Clone, Copy)]
pub struct Device {
    pub ua: &'static str,
    pub os: &'static str,
    pub browser: &'static str,
    /// `Azure AD joined` / `Azure AD registered`; unmanaged devices have none.
    pub trust: Option<&'static str>,
}

/// People's laptops and desktops, with weights. Windows Chrome 120 is also a campaign user agent:
/// a few honest people still run it, so the user agent alone proves nothing.
pub const DESKTOPS: [(Device, u32); 5] = [
    (
        Device {
            ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
            os: "Windows10",
            browser: "Edge 124.0.0",
            trust: Some("Azure AD joined"),
        },
        46,
    ),
    (
        Device {
            ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            os: "Windows10",
            browser: "Chrome 124.0.0",
            trust: Some("Azure AD joined"),
        },
        29,
    ),
    (
        Device {
            ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
            os: "Windows10",
            browser: "Chrome 120.0.0",
            trust: Some("Azure AD joined"),
        },
        3,
    ),
    (
        Device {
            ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
            os: "MacOs",
            browser: "Safari 17.4",
            trust: Some("Azure AD registered"),
        },
        12,
    ),
    (
        Device {
            ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            os: "MacOs",
            browser: "Chrome 124.0.0",
            trust: Some("Azure AD registered"),
        },
        10,
    ),
];

/// Phones, with weights; `ua` is the Outlook app's, the phone model names the Authenticator.
pub const MOBILES: [(Device, &str, u32); 4] = [
    (
        Device {
            ua: "Outlook-iOS/2.0",
            os: "Ios 17.4.1",
            browser: "",
            trust: Some("Azure AD registered"),
        },
        "iPhone 15",
        35,
    ),
    (
        Device {
            ua: "Outlook-iOS/2.0",
            os: "Ios 16.7.5",
            browser: "",
            trust: None,
        },
        "iPhone 12",
        20,
    ),
    (
        Device {
            ua: "Outlook-Android/2.0",
            os: "Android 14",
            browser: "",
            trust: None,
        },
        "SM-S918B",
        25,
    ),
    (
        Device {
            ua: "Outlook-Android/2.0",
            os: "Android 13",
            browser: "",
            trust: None,
        },
        "Pixel 7",
        20,
    ),
];

/// The campaign's browser user agents (os, browser), with weights: the ones its public
/// reporting names (the indicator pack cites it), a mix of Windows Chrome 120 and 119 and
/// Linux Chrome 120.
pub const CAMPAIGN_UAS: [(Device, u32); 3] = [
    (
        Device {
            ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
            os: "Windows10",
            browser: "Chrome 120.0.0",
            trust: None,
        },
        40,
    ),
    (
        Device {
            ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
            os: "Windows10",
            browser: "Chrome 119.0.0",
            trust: None,
        },
        30,
    ),
    (
        Device {
            ua: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
            os: "Linux",
            browser: "Chrome 120.0.0",
            trust: None,
        },
        30,
    ),
];

/// Apps the campaign consents to for mail access afterwards (public reporting).
pub const CAMPAIGN_OAUTH_APPS: [(&str, &str); 3] = [
    (
        "ff8d92dc-3d82-41d6-bcbd-b9174d163620",
        "PERFECTDATA SOFTWARE",
    ),
    (
        "a245e8c0-b53c-4b67-9b45-751d1dff8e6b",
        "Newsletter Software Supermailer",
    ),
    ("e9a7fea1-1cc0-4cd9-a31b-9137ca5deedd", "eM Client"),
];

/// Mailbox providers and look-alike domains the attacker forwards to.
pub const EXTERNAL_DROP_DOMAINS: [&str; 7] = [
    "gmail.com",
    "outlook.com",
    "proton.me",
    "mail.ru",
    "yandex.ru",
    "gmx.com",
    "protonmail.com",
];

/// Words the attacker's rules match: money and the warnings that would expose them.
pub const RULE_WORDS: [&str; 12] = [
    "invoice",
    "payment",
    "wire",
    "bank",
    "transfer",
    "remittance",
    "ACH",
    "statement",
    "overdue",
    "security",
    "suspicious",
    "hacked",
];
