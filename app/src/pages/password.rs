//! Passwords people set themselves: from the link an invitation or an admin's reset e-mails
//! (no sign-in), and on their account page (the current password first). Both say the policy
//! before it is broken, and the server's check says which part was.

use domain::api::{LinkPurpose, PasswordChange, PasswordLink};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::feedback::Loading;
use crate::components::shell::PublicHead;
use crate::i18n::use_i18n;
use crate::session::use_session;

/// The policy in a sentence, shown under every new-password field.
#[component]
fn PolicyHint(id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="hint" id=id>{move || i18n.get().tr(
            "至少 12 个字符，可用中文、空格和符号；一句话比一个词更好记也更安全。不能是常见密码，也不能包含您的姓名或邮箱名。",
            "At least 12 characters; Chinese, spaces and symbols are welcome, and a phrase is easier to remember and safer than a word. Not a well-known password, and not containing your name or e-mail name.")}</p>
    }
}

/// A new password and its repetition; `Some(password)` once both are filled and agree.
#[component]
fn NewPassword(password: RwSignal<String>, repeat: RwSignal<String>, prefix: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let (new_id, repeat_id, hint_id) = (format!("{prefix}-new"), format!("{prefix}-repeat"), "password-policy");
    view! {
        <label for=new_id.clone()>{move || tr("新密码", "New password")}</label>
        <input id=new_id type="password" autocomplete="new-password" required aria-describedby=hint_id
            data-testid="new-password" bind:value=password/>
        <PolicyHint id=hint_id/>
        <label for=repeat_id.clone()>{move || tr("再次输入新密码", "New password again")}</label>
        <input id=repeat_id type="password" autocomplete="new-password" required data-testid="repeat-password" bind:value=repeat/>
    }
}

/// The two new-password fields disagree: said in the browser, before anything is sent.
fn mismatch(password: RwSignal<String>, repeat: RwSignal<String>) -> bool {
    password.get_untracked() != repeat.get_untracked()
}

#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let link = LocalResource::new(move || api::password_link(token()));
    view! {
        <main class="public-page" id="main" lang=move || i18n.get().code()>
            <PublicHead/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match link.await {
                        Ok(l) => view! { <SetPasswordForm link=l token=token()/> }.into_any(),
                        Err(ApiError::Api { status: status @ (404 | 410), .. }) => view! {
                            <section class="card survey-notice" data-testid="password-link-gone">
                                <h1>{move || if status == 410 { tr("此链接已使用或已过期", "This link has been used or has expired") } else { tr("链接无效", "This link is not valid") }}</h1>
                                <p>{move || tr("请联系系统管理员重新发送设置密码的邮件。", "Ask your administrator to send you a new e-mail to set your password.")}</p>
                                <p><a href="/login">{move || tr("前往登录", "Go to sign-in")}</a></p>
                            </section>
                        }.into_any(),
                        Err(e) => view! {
                            <section class="card survey-notice" role="alert" data-testid="password-link-error">
                                <h1>{move || tr("暂时无法打开此链接", "This link can't be opened right now")}</h1>
                                <p>{move || e.message(i18n.get())}</p>
                                <button type="button" class="button primary" on:click=move |_| link.refetch()>{move || tr("重试", "Try again")}</button>
                            </section>
                        }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn SetPasswordForm(link: PasswordLink, token: String) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let token = StoredValue::new(token);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if mismatch(password, repeat) {
            error.set(Some(tr("两次输入的密码不一致。", "The two passwords differ.").into()));
            return;
        }
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            match api::set_password(token.get_value(), password.get_untracked()).await {
                Ok(()) => done.set(true),
                Err(e) => error.set(Some(e.message(i18n.get()))),
            }
            busy.set(false);
        });
    };
    let invite = link.purpose == LinkPurpose::Invite;
    let name = link.name.clone();
    view! {
        <Show when=move || !done.get() fallback=move || view! {
            <section class="card survey-notice" data-testid="password-set">
                <h1>{move || tr("密码已设置", "Your password is set")}</h1>
                <p>{move || tr("现在可以用邮箱和新密码登录。", "You can now sign in with your e-mail address and the new password.")}</p>
                <p><a class="button primary" href="/login" data-testid="go-sign-in">{move || tr("前往登录", "Go to sign-in")}</a></p>
            </section>
        }>
            <section class="card" data-testid="set-password">
                <h1>{move || if invite { tr("欢迎使用 Kefu", "Welcome to Kefu") } else { tr("设置新密码", "Set a new password") }}</h1>
                <p class="muted">{
                    let (name, email) = (name.clone(), link.email.clone());
                    move || format!("{}{name}（{email}）", tr("账户：", "Account: "))
                }</p>
                <form class="stack" on:submit=submit novalidate>
                    <NewPassword password repeat prefix="link"/>
                    {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="password-error">{e}</p> })}
                    <button type="submit" class="button primary wide" data-testid="set-password-submit" disabled=move || busy.get()>
                        {move || tr("设置密码", "Set password")}
                    </button>
                </form>
            </section>
        </Show>
    }
}

/// The signed-in person's own account: who they are, and changing their password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let session = use_session();
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        if mismatch(password, repeat) {
            error.set(Some(tr("两次输入的密码不一致。", "The two passwords differ.").into()));
            return;
        }
        error.set(None);
        busy.set(true);
        let change = PasswordChange { current_password: current.get_untracked(), new_password: password.get_untracked() };
        spawn_local(async move {
            match api::change_password(change).await {
                Ok(()) => {
                    for field in [current, password, repeat] {
                        field.set(String::new());
                    }
                    done.set(true);
                }
                Err(e) => error.set(Some(e.message(i18n.get()))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="page narrow" aria-labelledby="page-title">
            <h1 id="page-title">{move || tr("我的账户", "My account")}</h1>
            {move || session.user.get().map(|u| view! {
                <dl class="facts" data-testid="account-facts">
                    <div><dt>{move || tr("姓名", "Name")}</dt><dd>{u.name.clone()}</dd></div>
                    <div><dt>{move || tr("邮箱", "E-mail")}</dt><dd>{u.email.clone()}</dd></div>
                    <div><dt>{move || tr("角色", "Role")}</dt><dd>{move || i18n.get().role(u.role)}</dd></div>
                </dl>
            })}
            <section class="card account-password" aria-labelledby="password-title">
                <h2 id="password-title">{move || tr("修改密码", "Change password")}</h2>
                <p class="hint">{move || tr("修改后，其他浏览器和设备上的登录将结束，本页保持登录。",
                    "Once changed, you are signed out on every other browser and device; this one stays signed in.")}</p>
                <form class="stack" on:submit=submit novalidate data-testid="change-password">
                    <label for="current-password">{move || tr("当前密码", "Current password")}</label>
                    <input id="current-password" type="password" autocomplete="current-password" required
                        data-testid="current-password" bind:value=current/>
                    <NewPassword password repeat prefix="account"/>
                    {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="password-error">{e}</p> })}
                    <div class="actions">
                        <button type="submit" class="button primary" data-testid="change-password-submit" disabled=move || busy.get()>
                            {move || tr("修改密码", "Change password")}
                        </button>
                        <span role="status" aria-live="polite">
                            {move || done.get().then(|| view! { <span class="ok" data-testid="password-changed">{tr("密码已修改", "Password changed")}</span> })}
                        </span>
                    </div>
                </form>
            </section>
        </section>
    }
}
