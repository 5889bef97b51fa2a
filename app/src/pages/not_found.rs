//! The page for an address the app does not know.

use leptos::prelude::*;

use crate::i18n::use_i18n;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="page narrow" id="main">
            <h1>{move || i18n.get().t().not_found_page}</h1>
            <a class="button" href="/queue">{move || i18n.get().t().back_to_queue}</a>
        </main>
    }
}
