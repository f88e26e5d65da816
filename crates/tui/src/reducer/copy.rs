//! `y`: what is copied from each screen.

use super::*;

/// The value under the cursor: the UPN (or every marked UPN), a sign-in's IP, a rule's name...
pub(super) fn copy(app: &mut App) -> Update {
    if !app.settings.copy {
        app.notify(Level::Warn, "copy is turned off in console.toml");
        return Update::changed(true);
    }
    let value = match app.screen() {
        None if !app.accounts.marks.is_empty() => {
            let upns: Vec<String> = app
                .accounts
                .marks
                .iter()
                .filter_map(|id| app.accounts.get(id))
                .map(|a| a.user_principal_name.clone())
                .collect();
            Some(upns.join("\n"))
        }
        None => app
            .accounts
            .current()
            .map(|a| a.user_principal_name.clone()),
        Some(Screen::Detail(d)) => detail_value(app, d),
        Some(Screen::Journal(j)) => super::journal::current_row(j).map(|r| r.step_id.clone()),
        // The plan id (secrets are never copied: they are shown once, on screen).
        Some(Screen::Plan(p)) => p.plan().map(|p| p.id.clone()),
        Some(Screen::Progress) => app.apply.as_ref().map(|a| a.plan_id.clone()),
    };
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        app.notify(Level::Warn, "nothing to copy here");
        return Update::changed(true);
    };
    // Line by line: several marked UPNs are copied one per line.
    let value = value
        .split('\n')
        .map(|line| reclaim_core::sanitize::inert(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    let shown = reclaim_core::sanitize::for_display(&value.replace('\n', " "), 40);
    app.notify(Level::Info, format!("copied {shown}"));
    Update::with(vec![Effect::Copy(value)])
}

pub(super) fn detail_value(app: &App, d: &DetailState) -> Option<String> {
    let account = app.accounts.get(&d.account_id);
    let cursor = d.cursor[d.tab.index()];
    let Loadable::Ready(data) = &d.data else {
        return account.map(|a| a.user_principal_name.clone());
    };
    match d.tab {
        DetailTab::Overview => account.map(|a| a.user_principal_name.clone()),
        DetailTab::SignIns => data.sign_ins.rows().get(cursor).map(|r| r.ip.clone()),
        DetailTab::Methods => data.methods.rows().get(cursor).map(|r| r.detail.clone()),
        DetailTab::Rules => data.rules.rows().get(cursor).map(|r| r.name.clone()),
        DetailTab::AuditEvents => data.audit_events.rows().get(cursor).map(|r| {
            if r.detail.is_empty() {
                r.activity.clone()
            } else {
                r.detail.clone()
            }
        }),
        DetailTab::Grants => data
            .grants
            .rows()
            .get(cursor)
            .map(|r| format!("{} {}", r.client, r.scopes)),
        DetailTab::Devices => data.devices.rows().get(cursor).map(|r| r.name.clone()),
        DetailTab::Memberships => data.memberships.rows().get(cursor).map(|r| r.name.clone()),
        DetailTab::AppCredentials => data
            .app_credentials
            .rows()
            .get(cursor)
            .map(|r| r.key_id.clone()),
    }
}
