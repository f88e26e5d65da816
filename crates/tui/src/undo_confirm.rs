//! The undo confirmation of the audit view: which step, what undoing it restores (or why it
//! cannot be undone), and the buttons. Cancel has the focus until the operator moves it.

use super::app::Loadable;
use crate::contain_view::Focus;
use reclaim_contain::undo_preview::UndoPreview;

#[derive(Debug, Clone, PartialEq)]
pub struct UndoConfirm {
    pub step: String,
    pub preview: Loadable<Box<UndoPreview>>,
    pub focus: Focus,
}

impl UndoConfirm {
    pub fn new(step: String) -> UndoConfirm {
        UndoConfirm {
            step,
            preview: Loadable::Loading,
            focus: Focus::Cancel,
        }
    }

    /// The undo button exists only once the preview says the step can be undone.
    pub fn can_undo(&self) -> bool {
        matches!(&self.preview, Loadable::Ready(p) if p.can_undo())
    }

    pub fn switch(&mut self) {
        self.focus = match self.focus {
            Focus::Cancel if self.can_undo() => Focus::Confirm,
            _ => Focus::Cancel,
        };
    }

    /// True when Enter would send the undo.
    pub fn confirmed(&self) -> bool {
        self.focus == Focus::Confirm && self.can_undo()
    }
}
