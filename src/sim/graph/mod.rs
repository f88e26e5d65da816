use crate::sim::state::Shared;

pub fn routes() -> axum::Router<Shared> {
    axum::Router::new()
}
