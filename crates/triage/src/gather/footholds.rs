//! Per-user reads of the footholds outside the user object: the devices the account is a
//! registered user or owner of (directory budget; both lists, merged by id).

use super::Shared;
use crate::collector::Source;
use crate::convert;
use crate::facts::SourceState;
use reclaim_graph::GraphClient;

pub(crate) async fn devices(client: &GraphClient, sh: &Shared, id: &str) {
    let (registered, owned) = tokio::join!(
        client.user_registered_devices(id).collect(),
        client.user_owned_devices(id).collect()
    );
    let mut state = SourceState::Complete;
    let mut list = Vec::new();
    for r in [registered, owned] {
        match r {
            Ok(c) => {
                if let Some(why) = &c.partial {
                    state = SourceState::Partial(why.to_string());
                }
                list.extend(c.items);
            }
            Err(e) if e.is_not_found() => {
                state = SourceState::Unavailable("the account is gone".into());
            }
            Err(e) => state = sh.failed("devices", &e),
        }
    }
    sh.with(|c| {
        let f = c.account_mut(id);
        for d in &list {
            if !f.devices.iter().any(|x| x.id == d.id) {
                f.devices.push(convert::device(d));
            }
        }
        *Source::Devices.of(f) = state;
    });
}
