//! User agents as a browser would send them, before they are compared.

/// A user agent as a browser would send it: terminal escape sequences and other control,
/// bidi and invisible characters removed (an attacker appending `\x1b[2J` must not dodge an
/// exact match), surrounding spaces trimmed.
pub fn normalize_user_agent(ua: &str) -> String {
    let mut out = String::with_capacity(ua.len());
    let mut chars = ua.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.peek() {
                // CSI: parameters up to a final byte in @..~
                Some('[') => {
                    chars.next();
                    for n in chars.by_ref() {
                        if ('@'..='~').contains(&n) {
                            break;
                        }
                    }
                }
                // OSC, DCS, APC, PM, SOS: up to BEL or ESC \
                Some(']' | 'P' | '_' | '^' | 'X') => {
                    chars.next();
                    while let Some(n) = chars.next() {
                        if n == '\u{7}' {
                            break;
                        }
                        if n == '\u{1b}' {
                            chars.next_if_eq(&'\\');
                            break;
                        }
                    }
                }
                _ => {
                    chars.next();
                }
            },
            c if reclaim_core::sanitize::is_dangerous(c) => {}
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

/// A list of user agents: exact strings (after normalizing), case-insensitive substrings and
/// case-insensitive regular expressions.
#[derive(Debug, Clone, Default)]
pub(super) struct UaMatcher {
    pub(super) exact: std::collections::HashSet<String>,
    pub(super) contains: Vec<String>,
    pub(super) regex: Vec<regex::Regex>,
}

impl UaMatcher {
    pub(super) fn matches(&self, ua: &str) -> bool {
        let ua = normalize_user_agent(ua);
        let ua = ua.as_str();
        if ua.is_empty() {
            return false;
        }
        if self.exact.contains(ua) {
            return true;
        }
        let lower = ua.to_lowercase();
        self.contains.iter().any(|c| lower.contains(c)) || self.regex.iter().any(|r| r.is_match(ua))
    }
}

pub(super) fn extend_uas(
    m: &mut UaMatcher,
    src: &str,
    field: &str,
    section: &super::format::UaSection,
) -> Result<(), super::PackError> {
    m.exact
        .extend(section.exact.iter().map(|s| s.trim().to_string()));
    m.contains
        .extend(section.contains.iter().map(|s| s.to_lowercase()));
    for r in &section.regex {
        m.regex
            .push(super::ci_regex(src, &format!("{field}.regex"), r)?);
    }
    Ok(())
}

impl super::Pack {
    /// A user agent the campaign's reporting names.
    pub fn is_campaign_user_agent(&self, ua: &str) -> bool {
        self.campaign_uas.matches(ua)
    }

    /// A client no employee signs in with that the campaign's reporting does not name (other
    /// browser builds, scripted HTTP clients). A campaign user agent is not also unusual.
    pub fn is_unusual_client(&self, ua: &str) -> bool {
        !self.is_campaign_user_agent(ua) && self.unusual_clients.matches(ua)
    }
}
