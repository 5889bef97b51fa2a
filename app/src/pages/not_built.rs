//! The sections of the app, who may open each, and the page for those not built yet.

use domain::Role;
use leptos::prelude::*;

use crate::i18n::{use_i18n, Texts};
use crate::session::use_session;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Queue,
    Complaints,
    Customers,
    Knowledge,
    Appointments,
    FollowUps,
    Surveys,
    Dashboard,
    Reports,
    Settings,
    Audit,
}

impl Section {
    pub const ALL: [Section; 11] = [
        Section::Queue,
        Section::Complaints,
        Section::Customers,
        Section::Knowledge,
        Section::Appointments,
        Section::FollowUps,
        Section::Surveys,
        Section::Dashboard,
        Section::Reports,
        Section::Settings,
        Section::Audit,
    ];

    pub fn href(self) -> &'static str {
        match self {
            Section::Queue => "/queue",
            Section::Complaints => "/complaints",
            Section::Customers => "/customers",
            Section::Knowledge => "/knowledge",
            Section::Appointments => "/appointments",
            Section::FollowUps => "/follow-ups",
            Section::Surveys => "/surveys",
            Section::Dashboard => "/dashboard",
            Section::Reports => "/reports",
            Section::Settings => "/settings",
            Section::Audit => "/audit",
        }
    }

    pub fn label(self, t: &'static Texts) -> &'static str {
        match self {
            Section::Queue => t.nav_queue,
            Section::Complaints => t.nav_complaints,
            Section::Customers => t.nav_customers,
            Section::Knowledge => t.nav_knowledge,
            Section::Appointments => t.nav_appointments,
            Section::FollowUps => t.nav_follow_ups,
            Section::Surveys => t.nav_surveys,
            Section::Dashboard => t.nav_dashboard,
            Section::Reports => t.nav_reports,
            Section::Settings => t.nav_settings,
            Section::Audit => t.nav_audit,
        }
    }

    /// Supervisors watch the dashboard and keep the complaint register; survey schedules,
    /// settings and the audit trail are the admin's.
    pub fn min_role(self) -> Role {
        match self {
            Section::Dashboard | Section::Reports | Section::Complaints => Role::Supervisor,
            Section::Surveys | Section::Settings | Section::Audit => Role::Admin,
            _ => Role::Agent,
        }
    }

    pub fn test_id(self) -> &'static str {
        match self {
            Section::Queue => "nav-queue",
            Section::Complaints => "nav-complaints",
            Section::Customers => "nav-customers",
            Section::Knowledge => "nav-knowledge",
            Section::Appointments => "nav-appointments",
            Section::FollowUps => "nav-follow-ups",
            Section::Surveys => "nav-surveys",
            Section::Dashboard => "nav-dashboard",
            Section::Reports => "nav-reports",
            Section::Settings => "nav-settings",
            Section::Audit => "nav-audit",
        }
    }
}

/// A section that is not built yet says so plainly; one the role may not open says that.
#[component]
pub fn NotBuilt(section: Section) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let allowed = move || session.user.get().is_some_and(|u| u.role.includes(section.min_role()));
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || section.label(i18n.get().t())}</h1>
            <Show
                when=allowed
                fallback=move || view! { <p class="notice" data-testid="forbidden">{move || i18n.get().t().forbidden_page}</p> }
            >
                <div class="notice" data-testid="not-built">
                    <p class="notice-title">{move || i18n.get().t().not_built_title}</p>
                    <p>{move || i18n.get().t().not_built_body}</p>
                </div>
            </Show>
        </section>
    }
}
