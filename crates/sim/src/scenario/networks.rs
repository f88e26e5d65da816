//! Networks: the offices' egress, home broadband and carriers, travel destinations, and the
//! campaign's infrastructure (fixed-line ISPs, hosting and proxies in Russia and Nigeria, plus
//! proxy exits elsewhere). Addresses are drawn inside each network's /16.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetKind {
    Office,
    Residential,
    Mobile,
    FixedLine,
    Hosting,
    Proxy,
}

/// A network a sign-in comes from (beta: `autonomousSystemNumber`; location is the geo-IP).
#[derive(Debug, Clone, Copy)]
pub struct Net {
    pub isp: &'static str,
    pub asn: i32,
    pub country: &'static str,
    pub city: &'static str,
    pub state: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub prefix: [u8; 2],
    pub kind: NetKind,
}

#[allow(clippy::too_many_arguments)] // a row of a data table, read positionally
const fn net(
    isp: &'static str,
    asn: i32,
    country: &'static str,
    city: &'static str,
    state: &'static str,
    (lat, lon): (f64, f64),
    prefix: [u8; 2],
    kind: NetKind,
) -> Net {
    Net {
        isp,
        asn,
        country,
        city,
        state,
        lat,
        lon,
        prefix,
        kind,
    }
}

/// An office: where people work, their phone prefix and the office's egress network.
#[derive(Debug, Clone, Copy)]
pub struct Office {
    /// officeLocation and the named network.
    pub name: &'static str,
    pub country: &'static str,
    /// `+{cc} ` prefix and the national part's start for desk phones.
    pub phone_cc: &'static str,
    pub area: &'static str,
    /// Standard-time UTC offset, for working hours.
    pub utc_offset: i64,
    pub time_zone: &'static str,
    pub locale: &'static str,
    pub net: Net,
    pub weight: u32,
}

use NetKind::*;

#[rustfmt::skip]
pub const OFFICES: [Office; 7] = [
    Office { name: "Seattle HQ", country: "US", phone_cc: "+1", area: "206", utc_offset: -8, time_zone: "Pacific Standard Time", locale: "en-US", weight: 34,
        net: net("Lumen", 3356, "US", "Seattle", "Washington", (47.61, -122.33), [4, 14], Office) },
    Office { name: "New York", country: "US", phone_cc: "+1", area: "212", utc_offset: -5, time_zone: "Eastern Standard Time", locale: "en-US", weight: 18,
        net: net("Zayo Bandwidth", 6461, "US", "New York", "New York", (40.71, -74.01), [64, 125], Office) },
    Office { name: "Chicago", country: "US", phone_cc: "+1", area: "312", utc_offset: -6, time_zone: "Central Standard Time", locale: "en-US", weight: 14,
        net: net("Cogent", 174, "US", "Chicago", "Illinois", (41.88, -87.63), [38, 104], Office) },
    Office { name: "Austin", country: "US", phone_cc: "+1", area: "512", utc_offset: -6, time_zone: "Central Standard Time", locale: "en-US", weight: 13,
        net: net("AT&T Enterprises", 7018, "US", "Austin", "Texas", (30.27, -97.74), [12, 28], Office) },
    Office { name: "London", country: "GB", phone_cc: "+44", area: "20", utc_offset: 0, time_zone: "GMT Standard Time", locale: "en-GB", weight: 10,
        net: net("British Telecommunications", 2856, "GB", "London", "England", (51.51, -0.13), [81, 128], Office) },
    Office { name: "Toronto", country: "CA", phone_cc: "+1", area: "416", utc_offset: -5, time_zone: "Eastern Standard Time", locale: "en-CA", weight: 7,
        net: net("Bell Canada", 577, "CA", "Toronto", "Ontario", (43.65, -79.38), [142, 112], Office) },
    Office { name: "Frankfurt", country: "DE", phone_cc: "+49", area: "69", utc_offset: 1, time_zone: "W. Europe Standard Time", locale: "de-DE", weight: 4,
        net: net("Deutsche Telekom", 3320, "DE", "Frankfurt am Main", "Hesse", (50.11, 8.68), [80, 146], Office) },
];

/// Home broadband and mobile carriers per office country; the city is the office's.
#[rustfmt::skip]
pub fn home_nets(country: &str) -> &'static [Net] {
    const NOWHERE: (f64, f64) = (0.0, 0.0);
    const US: [Net; 5] = [
        net("Comcast Cable", 7922, "US", "", "", NOWHERE, [73, 118], Residential),
        net("Verizon Fios", 701, "US", "", "", NOWHERE, [71, 245], Residential),
        net("AT&T Internet", 7018, "US", "", "", NOWHERE, [99, 35], Residential),
        net("Charter Spectrum", 20115, "US", "", "", NOWHERE, [66, 190], Residential),
        net("T-Mobile USA", 21928, "US", "", "", NOWHERE, [172, 58], Mobile),
    ];
    const GB: [Net; 3] = [
        net("BT Broadband", 2856, "GB", "", "", NOWHERE, [86, 150], Residential),
        net("Virgin Media", 5089, "GB", "", "", NOWHERE, [82, 23], Residential),
        net("EE", 12576, "GB", "", "", NOWHERE, [31, 94], Mobile),
    ];
    const CA: [Net; 2] = [
        net("Rogers Communications", 812, "CA", "", "", NOWHERE, [99, 224], Residential),
        net("Bell Canada", 577, "CA", "", "", NOWHERE, [70, 52], Residential),
    ];
    const DE: [Net; 2] = [
        net("Deutsche Telekom", 3320, "DE", "", "", NOWHERE, [79, 192], Residential),
        net("Vodafone Germany", 3209, "DE", "", "", NOWHERE, [88, 64], Residential),
    ];
    match country {
        "GB" => &GB,
        "CA" => &CA,
        "DE" => &DE,
        _ => &US,
    }
}

/// Where travellers go (hotels, local carriers), with weights. Lagos is there on purpose: a
/// traveller in Nigeria on their own phone is not the campaign.
#[rustfmt::skip]
pub const TRAVEL: [(Net, u32); 8] = [
    (net("British Telecommunications", 2856, "GB", "London", "England", (51.51, -0.13), [86, 7], Residential), 16),
    (net("Orange", 3215, "FR", "Paris", "Ile-de-France", (48.86, 2.35), [90, 84], Mobile), 14),
    (net("NTT Communications", 4713, "JP", "Tokyo", "Tokyo", (35.68, 139.69), [153, 156], Residential), 10),
    (net("Telmex", 8151, "MX", "Mexico City", "Ciudad de Mexico", (19.43, -99.13), [189, 203], Residential), 12),
    (net("SingNet", 3758, "SG", "Singapore", "Singapore", (1.35, 103.82), [116, 86], Residential), 8),
    (net("Emirates Telecommunications", 5384, "AE", "Dubai", "Dubai", (25.2, 55.27), [94, 200], Mobile), 8),
    (net("Deutsche Telekom", 3320, "DE", "Munich", "Bavaria", (48.14, 11.58), [91, 37], Residential), 12),
    (net("MTN Nigeria", 29465, "NG", "Lagos", "Lagos", (6.52, 3.38), [102, 89], Mobile), 4),
];

/// The campaign's infrastructure in Russia and Nigeria: fixed-line ISPs, mobile carriers used as
/// fixed wireless, hosting providers and proxies.
#[rustfmt::skip]
pub const CAMPAIGN_NETS: [(Net, u32); 11] = [
    (net("Rostelecom", 12389, "RU", "Moscow", "Moscow", (55.76, 37.62), [178, 66], FixedLine), 14),
    (SELENA, 10),
    (net("ER-Telecom Holding", 9049, "RU", "Saint Petersburg", "Saint Petersburg", (59.94, 30.31), [109, 195], FixedLine), 10),
    (net("MTS PJSC", 8359, "RU", "Moscow", "Moscow", (55.76, 37.62), [85, 140], FixedLine), 8),
    (net("Selectel", 49505, "RU", "Saint Petersburg", "Saint Petersburg", (59.94, 30.31), [5, 188], Hosting), 10),
    (net("Timeweb", 9123, "RU", "Saint Petersburg", "Saint Petersburg", (59.94, 30.31), [92, 53], Hosting), 8),
    (net("MTN Nigeria", 29465, "NG", "Lagos", "Lagos", (6.52, 3.38), [197, 210], FixedLine), 14),
    (net("Airtel Networks", 36873, "NG", "Lagos", "Lagos", (6.52, 3.38), [105, 112], FixedLine), 12),
    (net("Globacom", 37148, "NG", "Abuja", "Federal Capital Territory", (9.06, 7.5), [41, 190], FixedLine), 8),
    (net("MainOne Cable", 37282, "NG", "Lagos", "Lagos", (6.52, 3.38), [41, 75], Hosting), 6),
    (net("Timeweb", 9123, "RU", "Moscow", "Moscow", (55.76, 37.62), [188, 225], Proxy), 10),
];

/// The Russian fixed-line ISP the campaign's reporting names without an ASN. Its ASN here is
/// one of the documentation range (RFC 5398): a stand-in for the real one, which no source
/// the indicator pack cites gives.
pub const SELENA: Net = net(
    "Selena Telecom LLC",
    64500,
    "RU",
    "Moscow",
    "Moscow",
    (55.76, 37.62),
    [176, 59],
    FixedLine,
);

/// The tenant's named locations outside its offices: the responders added the ranges of the
/// ISP the reporting names without an ASN as an (untrusted) IP named location, so the
/// service names it in the sign-ins from there (beta `networkLocationDetails`).
pub fn named_location(net: &Net) -> Option<&'static str> {
    (net.isp == SELENA.isp && net.asn == SELENA.asn).then_some(SELENA.isp)
}

/// Hosting and proxy exits outside Russia and Nigeria, for the attacker's quieter sign-ins.
#[rustfmt::skip]
pub const PROXY_NETS: [(Net, u32); 5] = [
    (net("M247 Europe", 9009, "RO", "Bucharest", "Bucuresti", (44.43, 26.1), [185, 156], Proxy), 25),
    (net("Datacamp Limited", 60068, "NL", "Amsterdam", "North Holland", (52.37, 4.9), [89, 187], Proxy), 20),
    (net("DigitalOcean", 14061, "US", "North Bergen", "New Jersey", (40.79, -74.02), [159, 89], Hosting), 25),
    (net("OVH SAS", 16276, "FR", "Roubaix", "Hauts-de-France", (50.69, 3.17), [51, 75], Hosting), 15),
    (net("Hetzner Online", 24940, "DE", "Falkenstein", "Saxony", (50.48, 12.37), [95, 216], Hosting), 15),
];

/// A commercial VPN exit in the home country: the anonymizedIPAddress look-alike.
pub const VPN_EXIT: Net = net(
    "Datacamp Limited",
    60068,
    "US",
    "Chicago",
    "Illinois",
    (41.88, -87.63),
    [212, 102],
    Proxy,
);

/// The ISP behind an autonomous system number the scenario uses (Graph's sign-ins carry only
/// the number, beta only).
pub fn isp_for_asn(asn: i32) -> Option<&'static str> {
    let offices = OFFICES.iter().map(|o| &o.net);
    let lists = [&TRAVEL[..], &CAMPAIGN_NETS[..], &PROXY_NETS[..]];
    offices
        .chain(lists.into_iter().flat_map(|l| l.iter().map(|(n, _)| n)))
        .chain(["US", "GB", "CA", "DE"].into_iter().flat_map(home_nets))
        .chain(std::iter::once(&VPN_EXIT))
        .find(|n| n.asn == asn)
        .map(|n| n.isp)
}
