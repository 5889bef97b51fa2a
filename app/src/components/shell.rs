//! The frame around every signed-in page: navigation for the user's role, who is signed in,
//! the language switch and sign-out. Sends anyone not signed in to the sign-in page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, Redirect, A};

use crate::api;
use crate::components::bell::Bell;
use crate::components::feedback::Loading;
use crate::i18n::{use_i18n, Lang};
use crate::pages::sections::Section;
use crate::session::use_session;

#[component]
pub fn Shell() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    view! {
        <Show when=move || session.checked.get() fallback=|| view! { <main class="page"><Loading/></main> }>
            <Show when=move || session.user.get().is_some() fallback=|| view! { <Redirect path="/login"/> }>
                <a class="skip-link" href="#main">{move || i18n.get().t().skip_to_content}</a>
                <div class="layout">
                    <Sidebar/>
                    <div class="workspace">
                        <TopBar/>
                        <main id="main" class="content" tabindex="-1">
                            <Outlet/>
                        </main>
                    </div>
                </div>
            </Show>
        </Show>
    }
}

#[component]
fn Sidebar() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let sections = move || {
        let role = session.user.get().map(|u| u.role);
        Section::ALL.into_iter().filter(move |s| role.is_some_and(|r| r.includes(s.min_role())))
    };
    view! {
        <nav class="sidebar" aria-label=move || i18n.get().t().nav_label>
            <div class="brand">
                <span class="brand-mark" aria-hidden="true">"客"</span>
                <span class="brand-text">
                    <span class="brand-name">{move || i18n.get().t().brand}</span>
                    <span class="brand-sub">{move || i18n.get().t().brand_sub}</span>
                </span>
            </div>
            <ul>
                <For each=sections key=|s| *s let:section>
                    <li>
                        <A href=section.href() attr:data-testid=section.test_id()>
                            {move || section.label(i18n.get().t())}
                        </A>
                    </li>
                </For>
            </ul>
        </nav>
    }
}

#[component]
fn TopBar() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let sign_out = move |everywhere: bool| {
        spawn_local(async move {
            // Whatever the server says, this browser no longer has a session to use.
            let _ = if everywhere { api::logout_everywhere().await } else { api::logout().await };
            session.user.set(None);
        });
    };
    view! {
        <header class="topbar">
            <div class="topbar-user" data-testid="current-user">
                {move || session.user.get().map(|u| view! {
                    <a class="user-name" href="/account" data-testid="account-link"
                        title=move || i18n.get().tr("我的账户：修改密码", "My account: change password")>{u.name}</a>
                    <span class="user-role" data-testid="current-role">{move || i18n.get().role(u.role)}</span>
                })}
            </div>
            <div class="topbar-actions">
                <Bell/>
                <LanguageSwitch/>
                <button type="button" class="button ghost" data-testid="sign-out" on:click=move |_| sign_out(false)>
                    {move || i18n.get().t().sign_out}
                </button>
                <button type="button" class="button ghost" data-testid="sign-out-everywhere" on:click=move |_| sign_out(true)
                    title=move || i18n.get().tr("结束本账号在所有浏览器和设备上的登录", "End this account's sessions on every browser and device")>
                    {move || i18n.get().tr("全部设备退出", "Sign out everywhere")}
                </button>
            </div>
        </header>
    }
}

/// The head of a page the public opens without signing in: Kefu's mark and the language switch.
#[component]
pub fn PublicHead() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="page-head">
            <div class="brand public-brand">
                <span class="brand-mark" aria-hidden="true">"客"</span>
                <span class="brand-name">{move || i18n.get().t().brand}</span>
            </div>
            <LanguageSwitch/>
        </div>
    }
}

/// The button that switches between Chinese and English, labelled in the other language.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="button ghost" data-testid="language-switch" on:click=move |_| i18n.toggle()
            lang=move || if i18n.get() == Lang::Zh { "en" } else { "zh-CN" }>
            {move || i18n.get().t().other_language}
        </button>
    }
}
