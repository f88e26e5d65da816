//! Network names as compared: a sign-in names its network in its own words.

use super::{Network, Pack};

/// Words that only give a company's legal form: "Selena Telecom LLC" is "Selena Telecom".
const LEGAL_FORMS: &[&str] = &[
    "llc",
    "ltd",
    "limited",
    "plc",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "jsc",
    "pjsc",
    "ojsc",
    "cjsc",
    "sas",
    "sa",
    "gmbh",
    "ag",
    "bv",
    "nv",
    "oy",
];

/// A network name as compared: lowercase words of letters and digits, legal forms dropped.
pub fn network_name_key(name: &str) -> String {
    let lower = name.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !LEGAL_FORMS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

impl Pack {
    pub fn network(&self, asn: u32) -> Option<&Network> {
        self.networks.get(&asn)
    }

    /// The known network one of `names` (the sign-in's network names) is: a pack name, legal
    /// form and punctuation aside, appearing as whole words in it ("Selena Telecom" in
    /// "Selena Telecom LLC" or "Block - Selena Telecom").
    pub fn network_named<S: AsRef<str>>(&self, names: &[S]) -> Option<&Network> {
        names.iter().find_map(|n| {
            let words = network_name_key(n.as_ref());
            let padded = format!(" {words} ");
            self.network_names
                .iter()
                .find(|(k, _)| padded.contains(&format!(" {k} ")))
                .map(|(_, net)| net)
        })
    }

    /// A sign-in's network: by ASN (beta), else by the names its network data carries.
    pub fn network_of<S: AsRef<str>>(&self, asn: Option<u32>, names: &[S]) -> Option<&Network> {
        asn.and_then(|a| self.network(a))
            .or_else(|| self.network_named(names))
    }
}
