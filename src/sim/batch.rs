//! JSON batching (`POST /$batch`).

use crate::sim::caller::Caller;
use crate::sim::error::GraphError;

pub async fn batch(_caller: Caller) -> GraphError {
    GraphError::bad_request("$batch is not available yet in this build.")
}
