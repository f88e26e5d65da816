pub fn routes() -> axum::Router<crate::sim::Shared> {
    axum::Router::new()
}
