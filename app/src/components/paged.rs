//! A list read a page at a time: its rows so far, where the next page starts, and how the
//! last read went. A new first-page read (the filters changed) makes any answer still on its
//! way for an earlier one be dropped, so a slow answer never replaces a newer list.

use std::future::Future;

use domain::api::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiError, ApiResult};

pub struct Paged<T: Send + Sync + 'static> {
    pub items: RwSignal<Vec<T>>,
    pub next: RwSignal<Option<String>>,
    pub loading: RwSignal<bool>,
    pub error: RwSignal<Option<ApiError>>,
    generation: StoredValue<u32>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Send + Sync + 'static> Paged<T> {
    pub fn new() -> Self {
        Paged {
            items: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            loading: RwSignal::new(true),
            error: RwSignal::new(None),
            generation: StoredValue::new(0),
        }
    }

    /// Reads the first page (the rows so far are replaced) or, with `more`, the next one;
    /// `read` is given the cursor.
    pub fn load<F, Fut>(self, more: bool, read: F)
    where
        F: FnOnce(Option<String>) -> Fut,
        Fut: Future<Output = ApiResult<Page<T>>> + 'static,
    {
        let generation = self.generation.get_value() + u32::from(!more);
        self.generation.set_value(generation);
        let request = read(if more { self.next.get_untracked() } else { None });
        self.loading.set(true);
        self.error.set(None);
        spawn_local(async move {
            let result = request.await;
            if self.generation.get_value() != generation {
                return;
            }
            self.loading.set(false);
            match result {
                Ok(page) => {
                    self.next.set(page.next_cursor);
                    if more { self.items.update(|i| i.extend(page.items)) } else { self.items.set(page.items) }
                }
                Err(e) => self.error.set(Some(e)),
            }
        });
    }

    /// Still waiting for the first rows.
    pub fn first_loading(self) -> bool {
        self.loading.get() && self.items.with(Vec::is_empty)
    }
}
