//! Collections: follow `@odata.nextLink` verbatim until it is absent, resend
//! `ConsistencyLevel` on every page (it is not carried by the link), guard against loops, and
//! never truncate silently: a collection that stopped early says so.

use super::error::{GraphError, RequestIds};
use super::http::{GraphRequest, HttpCore, Target};
use super::progress::ProgressEvent;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::Arc;

/// Pages a collection may have before the client stops (50,000 sign-ins at 1,000 a page is
/// 50 pages; 100,000 users at 999 is ~100).
pub const DEFAULT_PAGE_CAP: u32 = 5_000;

#[derive(Deserialize)]
struct PageBody<T> {
    #[serde(default = "Vec::new")]
    value: Vec<T>,
    #[serde(default, rename = "@odata.nextLink")]
    next_link: Option<String>,
    #[serde(default, rename = "@odata.count")]
    count: Option<u64>,
}

/// One page as it arrived.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// 1-based.
    pub number: u32,
    /// `@odata.count` (page 1 only, with `$count=true` and ConsistencyLevel).
    pub count: Option<u64>,
    pub ids: RequestIds,
    pub has_more: bool,
}

/// Why a collection is incomplete.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Incomplete {
    #[error("Graph returned a next link it had already returned (a paging loop); stopped after {pages} pages")]
    Loop { pages: u32, link: String },
    #[error("stopped after the page cap of {pages} pages; more pages remain")]
    PageCap { pages: u32 },
    #[error("stopped at the item cap of {items}; more items remain")]
    ItemCap { items: usize },
    #[error("a later page failed after {pages} pages: {error}")]
    Failed { pages: u32, error: Box<GraphError> },
    /// A long log read gave up on some time ranges (split to the floor, or paging that broke
    /// again and again) and read the rest.
    #[error("{count} time range(s) could not be read (the first: {first})")]
    Gaps {
        count: usize,
        first: String,
        error: Box<GraphError>,
    },
}

/// Every page of a collection, or as many as could be read, flagged.
#[derive(Debug, Clone)]
pub struct Collection<T> {
    pub items: Vec<T>,
    pub pages: u32,
    pub count: Option<u64>,
    /// `Some` when the items are not the whole collection.
    pub partial: Option<Incomplete>,
    /// Ids of the first page's exchange (for the audit trail).
    pub first_ids: Option<RequestIds>,
}

impl<T> Collection<T> {
    pub fn is_complete(&self) -> bool {
        self.partial.is_none()
    }

    /// The items, or an error when the collection is partial (for callers that cannot use
    /// partial data).
    pub fn into_complete(self) -> Result<Vec<T>, GraphError> {
        match self.partial {
            None => Ok(self.items),
            Some(Incomplete::Failed { error, .. }) => Err(*error),
            Some(other) => Err(GraphError::Invalid(format!(
                "incomplete collection: {other}"
            ))),
        }
    }
}

/// The loop guard: no link twice, at most `cap` pages.
#[derive(Debug)]
pub struct LoopGuard {
    seen: HashSet<String>,
    pages: u32,
    cap: u32,
}

impl LoopGuard {
    pub fn new(cap: u32) -> Self {
        Self {
            seen: HashSet::new(),
            pages: 0,
            cap: cap.max(1),
        }
    }

    /// Counts a received page.
    pub fn page_received(&mut self) -> u32 {
        self.pages += 1;
        self.pages
    }

    /// May the client follow `next`?
    pub fn admit(&mut self, next: &str) -> Result<(), Incomplete> {
        if self.pages >= self.cap {
            return Err(Incomplete::PageCap { pages: self.pages });
        }
        if !self.seen.insert(next.to_string()) {
            return Err(Incomplete::Loop {
                pages: self.pages,
                link: next.to_string(),
            });
        }
        Ok(())
    }
}

/// Reads a collection page by page.
pub struct Pager<T> {
    core: Arc<HttpCore>,
    next: Option<GraphRequest>,
    guard: LoopGuard,
    max_items: Option<usize>,
    seen_items: usize,
    stopped: Option<Incomplete>,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Pager<T> {
    pub fn new(core: Arc<HttpCore>, first: GraphRequest) -> Self {
        Self {
            core,
            next: Some(first),
            guard: LoopGuard::new(DEFAULT_PAGE_CAP),
            max_items: None,
            seen_items: 0,
            stopped: None,
            _t: std::marker::PhantomData,
        }
    }

    pub fn page_cap(mut self, cap: u32) -> Self {
        self.guard = LoopGuard::new(cap);
        self
    }

    /// Stop (flagged partial) once this many items have arrived.
    pub fn max_items(mut self, n: usize) -> Self {
        self.max_items = Some(n);
        self
    }

    /// The next page; `None` when the collection is exhausted or stopped. `Err` carries why
    /// the collection stops early (it is the last item).
    pub async fn next_page(&mut self) -> Option<Result<Page<T>, Incomplete>> {
        if let Some(stop) = self.stopped.take() {
            return Some(Err(stop));
        }
        let req = self.next.take()?;
        let pages_so_far = self.guard.pages;
        let resp = match self.core.send(&req).await {
            Ok(r) => r,
            Err(error) => {
                return Some(Err(Incomplete::Failed {
                    pages: pages_so_far,
                    error: Box::new(error),
                }))
            }
        };
        let body: PageBody<T> = match resp.json(&req.describe()) {
            Ok(b) => b,
            Err(error) => {
                return Some(Err(Incomplete::Failed {
                    pages: pages_so_far,
                    error: Box::new(error),
                }))
            }
        };
        let number = self.guard.page_received();
        self.seen_items += body.value.len();
        self.core.progress.emit(ProgressEvent::Page {
            capability: req.capability,
            pages: number,
            items: body.value.len(),
        });
        if let Some(link) = body.next_link.filter(|l| !l.is_empty()) {
            if self.max_items.is_some_and(|m| self.seen_items >= m) {
                self.stopped = Some(Incomplete::ItemCap {
                    items: self.seen_items,
                });
            } else {
                match self.guard.admit(&link) {
                    Ok(()) => {
                        self.next = Some(GraphRequest {
                            target: Target::Absolute(link),
                            body: None,
                            ..req.clone()
                        })
                    }
                    Err(stop) => {
                        tracing::warn!(capability = req.capability, %stop, "paging stopped early");
                        self.stopped = Some(stop);
                    }
                }
            }
        }
        Some(Ok(Page {
            items: body.value,
            number,
            count: body.count,
            ids: resp.ids,
            has_more: self.next.is_some(),
        }))
    }

    /// Pages as a stream, for views that fill in as data arrives.
    pub fn into_stream(self) -> impl futures::Stream<Item = Result<Page<T>, Incomplete>> + Send
    where
        T: Send + 'static,
    {
        futures::stream::unfold(self, |mut p| async move {
            let item = p.next_page().await?;
            Some((item, p))
        })
    }

    /// Every page. Fails when the first page fails (nothing was read); a later failure gives
    /// the items so far, flagged partial.
    pub async fn collect(mut self) -> Result<Collection<T>, GraphError> {
        let mut out = Collection {
            items: Vec::new(),
            pages: 0,
            count: None,
            partial: None,
            first_ids: None,
        };
        while let Some(page) = self.next_page().await {
            match page {
                Ok(p) => {
                    if p.number == 1 {
                        out.count = p.count;
                        out.first_ids = Some(p.ids.clone());
                    }
                    out.pages = p.number;
                    out.items.extend(p.items);
                }
                Err(Incomplete::Failed { pages: 0, error }) => return Err(*error),
                Err(stop) => {
                    out.partial = Some(stop);
                    break;
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_stops_repeated_links_and_caps_pages() {
        let mut g = LoopGuard::new(3);
        g.page_received();
        assert!(g.admit("https://g/v1.0/users?$skiptoken=a").is_ok());
        g.page_received();
        match g.admit("https://g/v1.0/users?$skiptoken=a") {
            Err(Incomplete::Loop { pages: 2, .. }) => {}
            other => panic!("{other:?}"),
        }
        assert!(g.admit("https://g/v1.0/users?$skiptoken=b").is_ok());
        g.page_received();
        assert!(matches!(
            g.admit("https://g/v1.0/users?$skiptoken=c"),
            Err(Incomplete::PageCap { pages: 3 })
        ));
    }

    #[test]
    fn pages_parse_with_and_without_value_and_links() {
        let p: PageBody<serde_json::Value> = serde_json::from_str(
            r#"{"@odata.context":"x","@odata.count":3,"value":[{"id":"1"}],"@odata.nextLink":"https://g/next"}"#,
        )
        .unwrap();
        assert_eq!(p.count, Some(3));
        assert_eq!(p.next_link.as_deref(), Some("https://g/next"));
        let empty: PageBody<serde_json::Value> = serde_json::from_str(r#"{"value":[]}"#).unwrap();
        assert!(empty.value.is_empty() && empty.next_link.is_none());
    }

    #[test]
    fn a_partial_collection_refuses_to_pose_as_complete() {
        let c: Collection<u8> = Collection {
            items: vec![1, 2],
            pages: 2,
            count: None,
            partial: Some(Incomplete::PageCap { pages: 2 }),
            first_ids: None,
        };
        assert!(!c.is_complete());
        assert!(c.into_complete().is_err());
    }
}
