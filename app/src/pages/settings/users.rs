//! Users (admin): invite staff, change their role and team, deactivate them, reset their
//! password. The server keeps an active admin and refuses changes to one's own role.

use domain::api::{Account, AccountStatus, AccountUpdate, Invitation, TeamView};
use domain::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{SaveBar, Saved};
use crate::api::{self, ApiError};
use crate::components::feedback::{ErrorPanel, Loading};
use crate::components::time::full;
use crate::i18n::use_i18n;

const ROLES: [Role; 3] = [Role::Agent, Role::Supervisor, Role::Admin];

#[component]
pub fn UsersSection() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let accounts = LocalResource::new(api::accounts);
    let teams = LocalResource::new(api::list_teams);
    let filter = RwSignal::new(String::new());
    // Outside the list's Transition, so the notice outlives the refetch that shows the invitee.
    let sent_to = RwSignal::new(None::<String>);
    view! {
        <section class="card" data-testid="users-section" aria-labelledby="users-title">
            <h2 id="users-title">{move || tr("用户", "Users")}</h2>
            <p class="hint">{move || tr(
                "受邀者会收到设置密码的邮件（72 小时内有效），设置后即可登录。停用会立即结束其所有登录；重置密码会使原密码失效并发送新的设置邮件（24 小时内有效）。至少保留一位启用的管理员。",
                "Invitees get an e-mail with a link to set their password (valid 72 hours), then sign in. Deactivating ends all their sessions at once; resetting a password stops the old one and e-mails a new link (valid 24 hours). An active admin always remains.")}</p>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    let teams = match teams.await {
                        Ok(t) => t,
                        Err(e) => return view! { <ErrorPanel error=e retry=Callback::new(move |_| teams.refetch())/> }.into_any(),
                    };
                    match accounts.await {
                        Ok(list) => {
                            let teams = StoredValue::new(teams);
                            let total = list.len();
                            view! {
                                <InviteForm teams sent_to on_invited=Callback::new(move |_| accounts.refetch())/>
                                <div class="field narrow-field">
                                    <label for="users-filter">{move || tr("查找用户", "Find a user")}</label>
                                    <input id="users-filter" type="search" data-testid="users-filter" bind:value=filter
                                        placeholder=move || tr("姓名或邮箱", "Name or e-mail")/>
                                </div>
                                <p class="muted" data-testid="users-count">{move || format!("{total} {}", tr("个账户", "accounts"))}</p>
                                <ul class="accounts" data-testid="users-list">
                                    {list.into_iter().map(|account| {
                                        let text = format!("{} {}", account.name, account.email).to_lowercase();
                                        let shown = move || { let f = filter.get().trim().to_lowercase(); f.is_empty() || text.contains(&f) };
                                        view! { <li hidden=move || !shown()><AccountForm account teams/></li> }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| accounts.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// A team select: "no team" and each team by name.
#[component]
fn TeamSelect(id: String, value: RwSignal<String>, teams: StoredValue<Vec<TeamView>>, test_id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <select id=id data-testid=test_id bind:value=value>
            <option value="">{move || i18n.get().tr("无团队", "No team")}</option>
            {teams.get_value().into_iter().map(|t| view! { <option value=t.id.clone()>{t.name}</option> }).collect_view()}
        </select>
    }
}

#[component]
fn RoleSelect(id: String, value: RwSignal<Role>, test_id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <select id=id data-testid=test_id
            on:change=move |ev| if let Some(r) = ROLES.into_iter().find(|r| r.as_str() == event_target_value(&ev)) { value.set(r) }
            prop:value=move || value.get().as_str()>
            {ROLES.into_iter().map(|r| view! { <option value=r.as_str()>{move || i18n.get().role(r)}</option> }).collect_view()}
        </select>
    }
}

fn team_of(value: String) -> Option<String> {
    Some(value).filter(|v| !v.is_empty())
}

#[component]
fn InviteForm(teams: StoredValue<Vec<TeamView>>, sent_to: RwSignal<Option<String>>, on_invited: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let team = RwSignal::new(String::new());
    let status = RwSignal::new(Saved::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let invitation = Invitation { name: name.get_untracked(), email: email.get_untracked(), role: role.get_untracked(), team_id: team_of(team.get_untracked()) };
        status.set(Saved::Saving);
        sent_to.set(None);
        spawn_local(async move {
            match api::invite_user(invitation).await {
                Ok(account) => {
                    name.set(String::new());
                    email.set(String::new());
                    sent_to.set(Some(account.email));
                    status.set(Saved::Idle);
                    on_invited.run(());
                }
                Err(e) => status.set(Saved::Failed(e)),
            }
        });
    };
    view! {
        <form class="team" on:submit=submit novalidate data-testid="invite-form">
            <h3 class="form-title">{move || tr("邀请新用户", "Invite someone")}</h3>
            <div class="grid-2">
                <div class="field">
                    <label for="invite-name">{move || tr("姓名", "Name")}</label>
                    <input id="invite-name" data-testid="invite-name" autocomplete="off" bind:value=name/>
                </div>
                <div class="field">
                    <label for="invite-email">{move || tr("工作邮箱", "Work e-mail")}</label>
                    <input id="invite-email" type="email" data-testid="invite-email" autocomplete="off" bind:value=email/>
                </div>
                <div class="field">
                    <label for="invite-role">{move || tr("角色", "Role")}</label>
                    <RoleSelect id="invite-role".into() value=role test_id="invite-role"/>
                </div>
                <div class="field">
                    <label for="invite-team">{move || tr("团队", "Team")}</label>
                    <TeamSelect id="invite-team".into() value=team teams test_id="invite-team"/>
                </div>
            </div>
            <SaveBar status test_id="invite-submit" label=Signal::derive(move || tr("发送邀请", "Send invitation"))/>
            {move || sent_to.get().map(|to| view! {
                <p class="ok" role="status" data-testid="invite-sent">{format!("{} {to}", tr("邀请邮件已发往", "Invitation e-mailed to"))}</p>
            })}
        </form>
    }
}

/// One account: its details, editable, with a two-step reset.
#[component]
fn AccountForm(account: Account, teams: StoredValue<Vec<TeamView>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let key = account.id.clone();
    let id = StoredValue::new(account.id.clone());
    let name = RwSignal::new(account.name.clone());
    let role = RwSignal::new(account.role);
    let team = RwSignal::new(account.team_id.clone().unwrap_or_default());
    let active = RwSignal::new(account.status != AccountStatus::Deactivated);
    let version = RwSignal::new(account.version);
    let state = RwSignal::new(account.status);
    let status = RwSignal::new(Saved::Idle);
    let confirming = RwSignal::new(false);
    let reset_result = RwSignal::new(None::<Result<(), ApiError>>);
    let take = move |a: Account| {
        version.set(a.version);
        state.set(a.status);
        active.set(a.status != AccountStatus::Deactivated);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let update = AccountUpdate {
            name: name.get_untracked(),
            role: role.get_untracked(),
            team_id: team_of(team.get_untracked()),
            active: active.get_untracked(),
            version: version.get_untracked(),
        };
        status.set(Saved::Saving);
        spawn_local(async move {
            match api::update_user(id.get_value(), update).await {
                Ok(a) => {
                    take(a);
                    status.set(Saved::Done);
                }
                Err(e) => status.set(Saved::Failed(e)),
            }
        });
    };
    let reset = move |_| {
        confirming.set(false);
        spawn_local(async move {
            match api::reset_password(id.get_value()).await {
                Ok(a) => {
                    take(a);
                    reset_result.set(Some(Ok(())));
                }
                Err(e) => reset_result.set(Some(Err(e))),
            }
        });
    };
    let last_sign_in = account.last_sign_in_at;
    let (name_id, role_id, team_id, active_id) = (format!("user-name-{key}"), format!("user-role-{key}"), format!("user-team-{key}"), format!("user-active-{key}"));
    view! {
        <form class="team" on:submit=submit novalidate data-testid="user-form" data-email=account.email.clone()>
            <p class="user-line">
                <strong>{account.email.clone()}</strong>
                <span class=move || format!("badge {}", match state.get() { AccountStatus::Active => "ok", AccountStatus::AwaitingPassword => "warn", AccountStatus::Deactivated => "muted" })
                    data-testid="user-status">
                    {move || match state.get() {
                        AccountStatus::Active => tr("启用", "Active"),
                        AccountStatus::AwaitingPassword => tr("待设置密码", "Awaiting password"),
                        AccountStatus::Deactivated => tr("已停用", "Deactivated"),
                    }}
                </span>
                <a href=format!("/audit?entity=user&entity_id={key}") data-testid="user-audit">{move || tr("操作记录", "Audit trail")}</a>
                <span class="muted">{move || match last_sign_in {
                    Some(at) => format!("{} {}", tr("最近登录", "Last signed in"), full(at)),
                    None => tr("从未登录", "Never signed in").to_string(),
                }}</span>
            </p>
            <div class="grid-3">
                <div class="field">
                    <label for=name_id.clone()>{move || tr("姓名", "Name")}</label>
                    <input id=name_id data-testid="user-name" bind:value=name/>
                </div>
                <div class="field">
                    <label for=role_id.clone()>{move || tr("角色", "Role")}</label>
                    <RoleSelect id=role_id value=role test_id="user-role"/>
                </div>
                <div class="field">
                    <label for=team_id.clone()>{move || tr("团队", "Team")}</label>
                    <TeamSelect id=team_id value=team teams test_id="user-team"/>
                </div>
            </div>
            <label class="check" for=active_id.clone()>
                <input type="checkbox" id=active_id.clone() data-testid="user-active" bind:checked=active/>
                {move || tr("启用（取消勾选并保存即停用，立即结束其登录）", "Active (untick and save to deactivate; their sessions end at once)")}
            </label>
            <SaveBar status test_id="user-save"/>
            <div class="actions">
                <Show when=move || !confirming.get() fallback=move || view! {
                    <span>{move || tr("确定重置此人的密码？原密码立即失效。", "Reset this person's password? The current one stops working at once.")}</span>
                    <button type="button" class="button danger small" data-testid="user-reset-confirm" on:click=reset>{move || tr("确定重置", "Reset")}</button>
                    <button type="button" class="button ghost small" on:click=move |_| confirming.set(false)>{move || tr("取消", "Cancel")}</button>
                }>
                    <button type="button" class="button ghost small" data-testid="user-reset"
                        disabled=move || state.get() == AccountStatus::Deactivated
                        on:click=move |_| { reset_result.set(None); confirming.set(true) }>
                        {move || tr("重置密码", "Reset password")}
                    </button>
                </Show>
                <span role="status" aria-live="polite">
                    {move || reset_result.get().map(|r| match r {
                        Ok(()) => view! { <span class="ok" data-testid="user-reset-done">{tr("已重置，设置新密码的邮件已发出", "Reset; a link to set a new password was e-mailed")}</span> }.into_any(),
                        Err(e) => view! { <span class="form-error inline">{e.message(i18n.get())}</span> }.into_any(),
                    })}
                </span>
            </div>
        </form>
    }
}
