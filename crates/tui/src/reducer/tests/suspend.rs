//! Ctrl-Z: the reducer asks the event loop to suspend, from any state, and keeps that state.

use super::*;
use crate::event_loop::key_action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn ctrl_z() -> KeyEvent {
    KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL)
}

#[test]
fn ctrl_z_suspends_from_the_table_help_and_input_lines_and_keeps_them() {
    let mut app = loaded(10);
    let suspends = |app: &mut App| {
        let action = key_action(app, &ctrl_z());
        assert!(matches!(action, Some(Action::Suspend)), "{action:?}");
        let update = reduce(app, Action::Suspend);
        assert!(update.changed);
        assert!(matches!(update.effects[..], [Effect::Suspend]));
    };
    suspends(&mut app);
    reduce(&mut app, Action::ToggleHelp);
    suspends(&mut app);
    assert!(app.help.is_some(), "help closed by ctrl-z");
    reduce(&mut app, Action::Back);
    reduce(&mut app, Action::StartFilter);
    reduce(&mut app, Action::InputChar('x'));
    suspends(&mut app);
    assert_eq!(app.input.as_ref().map(|i| i.text.as_str()), Some("x"));
}
