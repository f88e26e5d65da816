//! The standard well-known folders of a generated mailbox, kept as where their ids were drawn
//! instead of as eight stored records.
//!
//! A generated mailbox's root and seven standard folders get random Outlook ids from the
//! scenario's `mailboxes` stream. Storing them costs ~900 bytes a mailbox (90 MB at 100,000
//! users); storing the stream's seed and position (16 bytes) and drawing the same ids again on
//! demand gives the same folders, byte for byte.

use super::model::MailFolder;
use base64::Engine as _;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;

/// (displayName, well-known name), in the order Outlook lists them.
pub const STANDARD: [(&str, &str); 7] = [
    ("Archive", "archive"),
    ("Conversation History", "conversationhistory"),
    ("Deleted Items", "deleteditems"),
    ("Inbox", "inbox"),
    ("Junk Email", "junkemail"),
    ("RSS Feeds", "rssfeeds"),
    ("Sent Items", "sentitems"),
];

/// Outlook REST ids: `AAMk` + base64url of the store and entry ids (30 random bytes).
pub fn folder_id(rng: &mut ChaCha8Rng) -> String {
    let b: [u8; 30] = rng.gen();
    let mut s = String::with_capacity(44);
    s.push_str("AAMk");
    base64::engine::general_purpose::URL_SAFE.encode_string(b, &mut s);
    s
}

/// Where a mailbox's root and standard folder ids were drawn: a ChaCha8 stream (seeded with
/// `seed` through `seed_from_u64`) at word `position`, root first, then [`STANDARD`] in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardFolders {
    pub seed: u64,
    pub position: u64,
}

impl StandardFolders {
    /// Draws the root and standard folder ids from `rng` (advancing it) and remembers where.
    pub fn draw(seed: u64, rng: &mut ChaCha8Rng) -> Self {
        // A phase draws far fewer than 2^64 words: the position fits.
        let position = rng.get_word_pos() as u64;
        for _ in 0..=STANDARD.len() {
            folder_id(rng);
        }
        Self { seed, position }
    }

    /// The standard folders, as they were when drawn.
    pub fn folders(&self) -> Vec<MailFolder> {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_word_pos(u128::from(self.position));
        let root: Arc<str> = folder_id(&mut rng).into();
        STANDARD
            .iter()
            .map(|&(name, wkn)| MailFolder {
                id: folder_id(&mut rng),
                display_name: name.into(),
                parent_folder_id: Some(root.clone()),
                well_known_name: Some(wkn.into()),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_again_the_ids_are_the_ones_first_drawn() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        // Something drawn before, as in a real phase.
        let _: u64 = rng.gen();
        let at = rng.get_word_pos();
        let root = folder_id(&mut rng);
        let first: Vec<String> = STANDARD.iter().map(|_| folder_id(&mut rng)).collect();
        let after = rng.gen::<u64>();

        let mut again = ChaCha8Rng::seed_from_u64(9);
        let _: u64 = again.gen();
        let s = StandardFolders::draw(9, &mut again);
        assert_eq!(u128::from(s.position), at);
        assert_eq!(
            again.gen::<u64>(),
            after,
            "draw advances the stream as drawing did"
        );
        let folders = s.folders();
        let ids: Vec<String> = folders.iter().map(|f| f.id.clone()).collect();
        assert_eq!(ids, first);
        assert!(folders
            .iter()
            .all(|f| f.parent_folder_id.as_deref() == Some(root.as_str())));
        assert_eq!(folders[3].well_known_name.as_deref(), Some("inbox"));
    }
}
