//! Sign-in with e-mail and password.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::session::use_session;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sign_in = Action::new_local(|(email, password): &(String, String)| api::login(email.clone(), password.clone()));
    let error = RwSignal::new(None::<ApiError>);

    Effect::new(move |_| {
        if let Some(result) = sign_in.value().get() {
            match result {
                Ok(user) => {
                    session.user.set(Some(user));
                    session.checked.set(true);
                    navigate("/queue", NavigateOptions::default());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        sign_in.dispatch((email.get_untracked(), password.get_untracked()));
    };
    let t = move || i18n.get().t();

    view! {
        <main class="login" id="main">
            <div class="login-card">
                <div class="login-head">
                    <span class="brand-mark" aria-hidden="true">"客"</span>
                    <div>
                        <h1>{move || t().sign_in_title}</h1>
                        <p class="muted">{move || t().sign_in_lead}</p>
                    </div>
                </div>
                <form on:submit=submit novalidate>
                    <label for="login-email">{move || t().email}</label>
                    <input id="login-email" type="email" autocomplete="username" required
                        data-testid="login-email" bind:value=email/>
                    <label for="login-password">{move || t().password}</label>
                    <input id="login-password" type="password" autocomplete="current-password" required
                        data-testid="login-password" bind:value=password/>
                    {move || error.get().map(|e| view! {
                        <p class="form-error" role="alert" data-testid="login-error">{e.message(i18n.get())}</p>
                    })}
                    <button type="submit" class="button primary wide" data-testid="login-submit"
                        disabled=move || sign_in.pending().get()>
                        {move || if sign_in.pending().get() { t().signing_in } else { t().sign_in }}
                    </button>
                </form>
                <button type="button" class="button ghost small" data-testid="language-switch" on:click=move |_| i18n.toggle()>
                    {move || t().other_language}
                </button>
                <p class="hint"><a href="/contact" data-testid="contact-link">{move || i18n.get().tr("客户？在线咨询或投诉，无需登录", "A customer? Ask us or complain here, no account needed")}</a></p>
            </div>
        </main>
    }
}
