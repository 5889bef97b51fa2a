//! Loading, error and empty states, the same on every page.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::use_i18n;

#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="loading" role="status" aria-live="polite" data-testid="loading">
            <span class="spinner" aria-hidden="true"></span>
            {move || i18n.get().t().loading}
        </div>
    }
}

/// An error in the user's language, with a retry when the caller offers one.
#[component]
pub fn ErrorPanel(error: ApiError, #[prop(optional, into)] retry: Option<Callback<()>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="error-panel" role="alert" data-testid="error">
            <strong>{move || i18n.get().t().error_title}</strong>
            <p>{move || error.message(i18n.get())}</p>
            {retry.map(|retry| view! {
                <button type="button" class="button" on:click=move |_| retry.run(())>{move || i18n.get().t().retry}</button>
            })}
        </div>
    }
}

#[component]
pub fn Empty(
    #[prop(into)] title: Signal<&'static str>,
    #[prop(into)] hint: Signal<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="empty" data-testid="empty">
            <p class="empty-title">{title}</p>
            <p class="empty-hint">{hint}</p>
            {children.map(|c| c())}
        </div>
    }
}

/// Loads `fetch`'s answer into `data` (with `error` and `loading` for the states above) each
/// time the returned callback runs, dropping answers to an earlier request.
pub fn loader<T, F, Fut>(fetch: F) -> (RwSignal<Option<T>>, RwSignal<Option<ApiError>>, RwSignal<bool>, Callback<()>)
where
    T: Send + Sync + 'static,
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, ApiError>> + 'static,
{
    let data = RwSignal::new(None::<T>);
    let error = RwSignal::new(None::<ApiError>);
    let loading = RwSignal::new(true);
    let generation = StoredValue::new(0u32);
    let run = Callback::new(move |()| {
        let gen = generation.get_value() + 1;
        generation.set_value(gen);
        loading.set(true);
        error.set(None);
        let request = fetch();
        leptos::task::spawn_local(async move {
            let result = request.await;
            if generation.get_value() != gen {
                return;
            }
            loading.set(false);
            match result {
                Ok(d) => data.set(Some(d)),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    (data, error, loading, run)
}

