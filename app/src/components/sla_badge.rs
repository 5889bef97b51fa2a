//! A case's deadline with its state: the colour changes at due-soon and at breach, live.

use domain::api::Case;
use domain::SlaState;
use leptos::prelude::*;

use crate::components::time::{countdown, short, use_now};
use crate::i18n::use_i18n;

/// A case's SLA state now, by the same rule the worker uses, so the colour turns at due-soon
/// and at breach without a reload.
pub fn live_state(case: &Case, now: chrono::DateTime<chrono::Utc>) -> SlaState {
    case.deadlines().state(now)
}

/// The state as the API spells it, for CSS classes and tests.
pub fn state_name(state: SlaState) -> &'static str {
    match state {
        SlaState::OnTrack => "on_track",
        SlaState::DueSoon => "due_soon",
        SlaState::Breached => "breached",
        SlaState::Met => "met",
    }
}

#[component]
pub fn SlaBadge(case: Case) -> impl IntoView {
    let i18n = use_i18n();
    let now = use_now();
    let open = case.status.is_open();
    let due = case.sla_due_at;
    let state = Memo::new(move |_| live_state(&case, now.get()));
    view! {
        <span class=move || format!("sla sla-{}", state_name(state.get())) data-testid="sla-badge" data-state=move || state_name(state.get())>
            <span class="sla-label">{move || i18n.get().sla(state.get())}</span>
            <time class="sla-due" datetime=due.to_rfc3339()>{short(due)}</time>
            {open.then(|| view! { <span class="sla-countdown">{move || countdown(i18n.get(), due, now.get())}</span> })}
        </span>
    }
}
