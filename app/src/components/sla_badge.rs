//! A case's deadline with its state: the colour changes at due-soon and at breach, live.

use domain::api::Case;
use domain::sla::Clock;
use domain::SlaState;
use leptos::prelude::*;

use crate::components::time::{countdown, short, use_now};
use crate::i18n::use_i18n;

/// The state of a case's current clock now: recomputed in the browser for open cases, so
/// the colour turns without a reload; closed cases keep the state the server gave.
pub fn live_state(case: &Case, now: chrono::DateTime<chrono::Utc>) -> SlaState {
    if !case.status.is_open() || matches!(case.sla_state, SlaState::Met | SlaState::Breached) {
        return case.sla_state;
    }
    // Every clock of a case starts when the case was received.
    Clock { start: case.created_at, due: case.sla_due_at, met_at: None }.state(now)
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
