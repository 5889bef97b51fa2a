//! The sections of the app and who may open each (the shell's navigation).

use domain::Role;

use crate::i18n::Texts;

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
