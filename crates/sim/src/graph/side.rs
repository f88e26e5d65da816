//! Per-simulator side tables the model has no place for (lookup indexes, long-running
//! operations), keyed by the running simulator and dropped with it.

use crate::state::{Shared, SimState};
use std::any::{Any, TypeId};
use std::sync::{Arc, Mutex, Weak};

type Entry = (Weak<SimState>, TypeId, Arc<dyn Any + Send + Sync>);

static TABLES: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// The `T` side table of this simulator, created on first use.
pub fn table<T: Default + Send + Sync + 'static>(state: &Shared) -> Arc<T> {
    let mut tables = TABLES.lock().unwrap_or_else(|e| e.into_inner());
    tables.retain(|(w, _, _)| w.strong_count() > 0);
    let found = tables
        .iter()
        .filter(|(w, t, _)| std::ptr::eq(w.as_ptr(), Arc::as_ptr(state)) && *t == TypeId::of::<T>())
        .find_map(|(_, _, any)| any.clone().downcast::<T>().ok());
    if let Some(t) = found {
        return t;
    }
    let fresh = Arc::new(T::default());
    tables.push((Arc::downgrade(state), TypeId::of::<T>(), fresh.clone()));
    fresh
}
