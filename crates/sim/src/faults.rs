//! The hostile profile's random faults: 429/503/504 (with and without Retry-After), crashing
//! handlers (500), dropped connections in the middle of a body, and bodies that trickle out
//! slowly. The identity platform suffers them too, in its own error format.

use crate::error::GraphError;
use crate::knobs::FaultRates;
use crate::state::SimState;
use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::Response;
use std::time::Duration;

/// A fault that replaces the response before the handler runs, if one is drawn.
pub fn status_fault(state: &SimState, rates: &FaultRates) -> Option<GraphError> {
    if !rates.any() {
        return None;
    }
    let draw = state.chance();
    let with_retry_after = state.chance() < 0.5;
    // Retry-After between 0.5 and 4 s, with milliseconds, as the service writes it.
    let wait = (500.0 + state.chance() * 3500.0).round() / 1000.0;
    let mut edge = rates.throttled;
    if draw < edge {
        return Some(GraphError::too_many_requests(
            "TooManyRequests",
            "Please retry again later.",
            with_retry_after.then_some(wait),
        ));
    }
    edge += rates.unavailable;
    if draw < edge {
        let e = GraphError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "serviceNotAvailable",
            "The service is temporarily unavailable. Please try again later.",
        );
        return Some(if with_retry_after {
            e.with_header(header::RETRY_AFTER, crate::error::format_retry_after(wait))
        } else {
            e
        });
    }
    edge += rates.gateway_timeout;
    if draw < edge {
        return Some(GraphError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "UnknownError",
            "",
        ));
    }
    None
}

/// [`status_fault`] as the identity platform answers it: `temporarily_unavailable` with an
/// AADSTS body (90055 when throttled, 90033 for a transient failure), Retry-After kept.
pub fn token_fault(state: &SimState, rates: &FaultRates) -> Option<Response> {
    use crate::auth::aadsts::TokenError;
    use axum::response::IntoResponse;
    let e = status_fault(state, rates)?;
    let (code, text) = if e.status == StatusCode::TOO_MANY_REQUESTS {
        (
            90055,
            "There are too many incoming requests. Try again later.",
        )
    } else {
        (90033, "A transient error has occurred. Please try again.")
    };
    let mut resp = TokenError::new(e.status, "temporarily_unavailable", code, text).into_response();
    for (name, value) in e.headers {
        if let Ok(v) = axum::http::HeaderValue::from_str(&value) {
            resp.headers_mut().insert(name, v);
        }
    }
    Some(resp)
}

/// The handler of this request crashes (hostile `internal_error`).
pub fn handler_crash(state: &SimState, rates: &FaultRates) -> bool {
    rates.internal_error > 0.0 && state.chance() < rates.internal_error
}

/// What happens to a successful response's body on the way out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BodyFault {
    /// Half the body, then the connection drops.
    Reset,
    /// The body in ten pieces spread over this long.
    Slow(Duration),
}

/// A processed write whose answer never arrives (hostile `lost_write_response`).
pub fn lost_write(state: &SimState, rates: &FaultRates) -> bool {
    rates.lost_write_response > 0.0 && state.chance() < rates.lost_write_response
}

pub fn body_fault(state: &SimState, rates: &FaultRates) -> Option<BodyFault> {
    if rates.connection_reset <= 0.0 && rates.slow_body <= 0.0 {
        return None;
    }
    let draw = state.chance();
    if draw < rates.connection_reset {
        Some(BodyFault::Reset)
    } else if draw < rates.connection_reset + rates.slow_body {
        Some(BodyFault::Slow(rates.slow_body_duration))
    } else {
        None
    }
}

/// A processed write's answer, lost: the status line goes out (a 204 becomes a 200 so there
/// is a body to lose), then the connection drops before the body is complete.
pub fn lose(resp: Response) -> Response {
    let (mut parts, _) = resp.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    if parts.status == axum::http::StatusCode::NO_CONTENT {
        parts.status = axum::http::StatusCode::OK;
    }
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"{")),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "simulated connection reset",
        )),
    ];
    Response::from_parts(parts, Body::from_stream(futures::stream::iter(chunks)))
}

/// Rewrites a response's body per the fault.
pub async fn apply(resp: Response, fault: BodyFault) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = match fault {
        BodyFault::Reset => {
            let half = bytes.slice(..bytes.len() / 2);
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(half),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "simulated connection reset",
                )),
            ];
            Body::from_stream(futures::stream::iter(chunks))
        }
        BodyFault::Slow(total) => {
            let pieces = 10usize;
            let size = bytes.len().div_ceil(pieces).max(1);
            let pause = total / pieces as u32;
            let chunks: Vec<Bytes> = (0..bytes.len())
                .step_by(size)
                .map(|i| bytes.slice(i..(i + size).min(bytes.len())))
                .collect();
            let stream = futures::stream::unfold(chunks.into_iter(), move |mut it| async move {
                let next = it.next()?;
                tokio::time::sleep(pause).await;
                Some((Ok::<_, std::io::Error>(next), it))
            });
            Body::from_stream(stream)
        }
    };
    Response::from_parts(parts, body)
}
