//! Every `/api` route, and the handler each one calls.

mod auth;
mod canned;
pub mod cases;
mod customers;
mod dashboard;
mod meta;
mod ops;
mod public;
mod reports;
mod settings;
mod surveys;
mod teams;

use domain::Role;
use worker::{Method, Response};

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::router::{Access, Route};

/// What a route does; `call` maps each to its handler, so none can be left without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Health,
    OpenApi,
    Login,
    Logout,
    LogoutEverywhere,
    Me,
    CreateCustomer,
    SearchCustomers,
    ListProducts,
    GetCustomer,
    CreateCase,
    ListCases,
    ExportCases,
    CaseCounts,
    GetCase,
    AddEvent,
    Transition,
    VerifyIdentity,
    AssignCase,
    Classify,
    EscalateCase,
    ComplaintRegister,
    RevealCustomer,
    CustomerRelationship,
    ListStaff,
    ListCannedReplies,
    CreateCannedReply,
    UpdateCannedReply,
    PublicCreateCase,
    Notifications,
    MarkNotificationsRead,
    JobRuns,
    OutboxList,
    OutboxRetry,
    GetSettings,
    UpdateSetting,
    ListTeams,
    UpdateTeam,
    ListSurveyTemplates,
    GetSurveyTemplate,
    CreateSurveyTemplate,
    UpdateSurveyTemplate,
    ListSurveySchedules,
    GetSurveySchedule,
    CreateSurveySchedule,
    UpdateSurveySchedule,
    SurveyResults,
    OpenSurvey,
    AnswerSurvey,
    Dashboard,
    ComplaintReturn,
    Scorecards,
}

const AGENT: Access = Access::Role(Role::Agent);
const SUPERVISOR: Access = Access::Role(Role::Supervisor);
const ADMIN: Access = Access::Role(Role::Admin);

pub const ROUTES: &[Route] = &[
    Route { method: Method::Get, path: "/api/health", endpoint: Endpoint::Health, access: Access::Anyone, summary: "Liveness and version" },
    Route { method: Method::Get, path: "/api/openapi.json", endpoint: Endpoint::OpenApi, access: Access::Anyone, summary: "This document" },
    Route { method: Method::Post, path: "/api/auth/login", endpoint: Endpoint::Login, access: Access::Anyone, summary: "Sign in with e-mail and password; sets the session cookie (a new session each time; the one sent, if any, ends). Sessions end after 12 h, or 30 min unused. 429 with Retry-After after 5 failures for one e-mail or 20 from one address within 15 minutes, until the 15 minutes end" },
    Route { method: Method::Post, path: "/api/auth/logout", endpoint: Endpoint::Logout, access: AGENT, summary: "Sign out: ends the session" },
    Route { method: Method::Post, path: "/api/auth/logout-everywhere", endpoint: Endpoint::LogoutEverywhere, access: AGENT, summary: "Sign out on every browser and device: ends all of the user's sessions" },
    Route { method: Method::Get, path: "/api/me", endpoint: Endpoint::Me, access: AGENT, summary: "The signed-in user" },
    Route { method: Method::Post, path: "/api/customers", endpoint: Endpoint::CreateCustomer, access: AGENT, summary: "Create a customer" },
    Route { method: Method::Get, path: "/api/products", endpoint: Endpoint::ListProducts, access: AGENT, summary: "The products the institution offers ({\"items\": [{\"code\", \"name_zh\", \"name_en\", \"kind\"}]})" },
    Route { method: Method::Get, path: "/api/customers", endpoint: Endpoint::SearchCustomers, access: AGENT, summary: "Search customers by name prefix, phone (last digits) or e-mail: ?q=; or those who left from one local date to another: ?left_from=&left_to=&reason=&cursor= (50 a page, in the order they left; reason= one reason for leaving)" },
    Route { method: Method::Get, path: "/api/customers/{id}", endpoint: Endpoint::GetCustomer, access: AGENT, summary: "A customer's profile, products and cases" },
    Route { method: Method::Post, path: "/api/cases", endpoint: Endpoint::CreateCase, access: AGENT, summary: "Register a case; deadlines are set from the SLA policy" },
    Route { method: Method::Get, path: "/api/cases", endpoint: Endpoint::ListCases, access: AGENT, summary: "The queue: ?kind= &status= (or open) &assignee=me|none|id &sla=due_soon|breached &customer_id= &limit= &channel= &category= &team=mine|id &cursor=; the dashboard's drill-down adds &date=received|first_response_due|resolution_due|regulatory_due|complaint_closed|answered|step_due &from= &to= (local dates, both included; listed in that date's order; step_due lists a complaint once per step due) &met=on_time|late &cause=<root cause>|none (complaint_closed) &csat=satisfied|unsatisfied (answered) &step=review|investigation|feedback (step_due)" },
    Route { method: Method::Get, path: "/api/cases/export", endpoint: Endpoint::ExportCases, access: SUPERVISOR, summary: "The cases of any queue filter (the same parameters as GET /api/cases) as CSV, one row per case with every clock and regulatory field: UTF-8 with a byte-order mark, streamed; ?lang=zh|en names the header row" },
    Route { method: Method::Get, path: "/api/cases/counts", endpoint: Endpoint::CaseCounts, access: AGENT, summary: "How many open cases each queue view holds: mine, team, unassigned, open, due_soon, breached; each counted up to 1000 (the app shows 999+)" },
    Route { method: Method::Get, path: "/api/cases/{id}", endpoint: Endpoint::GetCase, access: AGENT, summary: "A case with its timeline, oldest first" },
    Route { method: Method::Post, path: "/api/cases/{id}/events", endpoint: Endpoint::AddEvent, access: AGENT, summary: "Add a reply, note or call log; a reply is the first response" },
    Route { method: Method::Post, path: "/api/cases/{id}/transition", endpoint: Endpoint::Transition, access: AGENT, summary: "Move a case: {\"to\": \"assigned\"|\"resolved\"|\"closed\", \"version\", \"resolution\"|\"reason\"}; 409 when the lifecycle does not allow it" },
    Route { method: Method::Post, path: "/api/cases/{id}/identity", endpoint: Endpoint::VerifyIdentity, access: AGENT, summary: "Record how the customer's identity was verified ({\"method\": \"sms_code\"|\"face\"|\"id_document\", \"version\"})" },
    Route { method: Method::Post, path: "/api/classify", endpoint: Endpoint::Classify, access: AGENT, summary: "The classifier's suggestion (category, complexity, complaint or not, with confidences) for {\"subject\", \"description\"}; stores nothing" },
    Route { method: Method::Post, path: "/api/cases/{id}/assign", endpoint: Endpoint::AssignCase, access: AGENT, summary: "Hand an open case to a colleague ({\"assignee_id\", \"version\", \"reason\"})" },
    Route { method: Method::Post, path: "/api/cases/{id}/escalate", endpoint: Endpoint::EscalateCase, access: AGENT, summary: "Hand an open case to a supervisor of the assignee's team ({\"reason\", \"version\"})" },
    Route { method: Method::Get, path: "/api/dashboard", endpoint: Endpoint::Dashboard, access: SUPERVISOR, summary: "The supervisor dashboard for ?from=&to= (local dates, both included; default the last 30 days, at most 366) and ?team=: the period's tally beside the previous period's, each day's tally, and open and breached cases now (counted up to 1000)" },
    Route { method: Method::Get, path: "/api/reports/complaints", endpoint: Endpoint::ComplaintReturn, access: SUPERVISOR, summary: "The regulatory complaint return for ?from=&to= (local dates, as the dashboard's): received, closed within 3 business days / 4 weeks / 4–8 weeks / over 8 weeks (FCA DISP 1.10) and within 15 / 30 / 60 days / over 60 (China), upheld, redress paid; in total, by product (category) and by root cause. ?format=csv (&lang=zh|en) for the CSV" },
    Route { method: Method::Get, path: "/api/scorecards", endpoint: Endpoint::Scorecards, access: SUPERVISOR, summary: "Agent scorecards for ?from=&to= (&team=): per agent, cases handled, first response, resolution and regulatory clocks decided and on time, first-response median, follow-ups, CSAT" },
    Route { method: Method::Get, path: "/api/complaints", endpoint: Endpoint::ComplaintRegister, access: SUPERVISOR, summary: "The complaint register, newest first, with every regulatory field: ?status=open|closed &category= &outcome= &from= &to= &limit= &cursor=" },
    Route { method: Method::Post, path: "/api/customers/{id}/relationship", endpoint: Endpoint::CustomerRelationship, access: AGENT, summary: "Record that the customer has left the institution ({\"status\": \"left\", \"reason\"}) or is a customer again ({\"status\": \"active\"}); audited, counted as churn on its day; 409 when already so" },
    Route { method: Method::Post, path: "/api/customers/{id}/reveal", endpoint: Endpoint::RevealCustomer, access: AGENT, summary: "Show one masked detail in full ({\"field\": \"phone\"|\"email\"|\"id_number\"}); every reveal is an audit event" },
    Route { method: Method::Get, path: "/api/staff", endpoint: Endpoint::ListStaff, access: AGENT, summary: "Active staff with role and team, for handing a case over" },
    Route { method: Method::Get, path: "/api/canned-replies", endpoint: Endpoint::ListCannedReplies, access: AGENT, summary: "Canned replies by title: ?q= words in title or body; ?all=1 (admins) includes retired ones" },
    Route { method: Method::Post, path: "/api/canned-replies", endpoint: Endpoint::CreateCannedReply, access: ADMIN, summary: "Write a canned reply ({\"title\", \"body\", \"active\"}); {customer_name}, {agent_name}, {reference} are filled in when inserted" },
    Route { method: Method::Put, path: "/api/canned-replies/{id}", endpoint: Endpoint::UpdateCannedReply, access: ADMIN, summary: "Edit or retire a canned reply ({\"title\", \"body\", \"active\", \"version\"})" },
    Route { method: Method::Post, path: "/api/public/cases", endpoint: Endpoint::PublicCreateCase, access: Access::Anyone, summary: "The public web form: file an inquiry or complaint without an account; answers with the reference. Rate-limited per address and per contact (429)" },
    Route { method: Method::Get, path: "/api/notifications", endpoint: Endpoint::Notifications, access: AGENT, summary: "The bell: unread count and the latest in-app notifications (SLA reminders, breaches, escalations)" },
    Route { method: Method::Post, path: "/api/notifications/read", endpoint: Endpoint::MarkNotificationsRead, access: AGENT, summary: "Mark notifications read ({\"ids\": [...]}, or {} for all); 204" },
    Route { method: Method::Get, path: "/api/jobs", endpoint: Endpoint::JobRuns, access: ADMIN, summary: "The latest cron job runs: when, which cron and job, what each did, any error" },
    Route { method: Method::Get, path: "/api/outbox", endpoint: Endpoint::OutboxList, access: ADMIN, summary: "E-mail and SMS in the outbox: ?status=dead (dead letters, default) or pending" },
    Route { method: Method::Post, path: "/api/outbox/{id}/retry", endpoint: Endpoint::OutboxRetry, access: ADMIN, summary: "Send a dead letter again from its first attempt; 204, 404 when it is not a dead letter" },
    Route { method: Method::Get, path: "/api/settings", endpoint: Endpoint::GetSettings, access: ADMIN, summary: "Business calendar, SLA policies, regulatory regime, classifier phrases, follow-up rules, with versions" },
    Route { method: Method::Put, path: "/api/settings/{key}", endpoint: Endpoint::UpdateSetting, access: ADMIN, summary: "Replace one setting ({\"version\", \"value\"}); applies to new clocks at once" },
    Route { method: Method::Get, path: "/api/teams", endpoint: Endpoint::ListTeams, access: ADMIN, summary: "Teams with their skills and members" },
    Route { method: Method::Put, path: "/api/teams/{id}", endpoint: Endpoint::UpdateTeam, access: ADMIN, summary: "Rename a team or change its skills ({\"name\", \"skills\", \"version\"})" },
    Route { method: Method::Get, path: "/api/survey-templates", endpoint: Endpoint::ListSurveyTemplates, access: ADMIN, summary: "Survey templates by name" },
    Route { method: Method::Get, path: "/api/survey-templates/{id}", endpoint: Endpoint::GetSurveyTemplate, access: ADMIN, summary: "A survey template with its questions" },
    Route { method: Method::Post, path: "/api/survey-templates", endpoint: Endpoint::CreateSurveyTemplate, access: ADMIN, summary: "Write a survey template ({\"name\", \"title\": {\"zh\", \"en\"}, \"questions\": [{\"id\", \"kind\": \"csat\"|\"nps\"|\"single_choice\"|\"multiple_choice\"|\"free_text\", \"required\", \"text\", \"options\"}], \"active\"})" },
    Route { method: Method::Put, path: "/api/survey-templates/{id}", endpoint: Endpoint::UpdateSurveyTemplate, access: ADMIN, summary: "Edit or retire a survey template (the same fields and \"version\")" },
    Route { method: Method::Get, path: "/api/survey-schedules", endpoint: Endpoint::ListSurveySchedules, access: ADMIN, summary: "Survey schedules with their next run (in the institution's zone) and their last run's progress (invited, delivered, answered)" },
    Route { method: Method::Post, path: "/api/survey-schedules", endpoint: Endpoint::CreateSurveySchedule, access: ADMIN, summary: "Create a schedule ({\"name\", \"template_id\", \"cadence\": {\"every\": \"quarterly\"|\"monthly\"|\"once\"|\"after_complaint\", ...}, \"audience\", \"channel\": \"email\"|\"sms\", \"quiet_hours\", \"link_days\", \"active\"})" },
    Route { method: Method::Get, path: "/api/survey-schedules/{id}", endpoint: Endpoint::GetSurveySchedule, access: ADMIN, summary: "A survey schedule" },
    Route { method: Method::Patch, path: "/api/survey-schedules/{id}", endpoint: Endpoint::UpdateSurveySchedule, access: ADMIN, summary: "Change a schedule: the fields named, with \"version\" (e.g. {\"active\": false} pauses it)" },
    Route { method: Method::Get, path: "/api/survey-schedules/{id}/results", endpoint: Endpoint::SurveyResults, access: ADMIN, summary: "A schedule's last runs, newest first: response rate, CSAT, NPS, counts per question, answers with a low score or a comment" },
    Route { method: Method::Get, path: "/api/public/surveys/{token}", endpoint: Endpoint::OpenSurvey, access: Access::Anyone, summary: "The survey a link opens; records nothing. 404 unknown, 410 used or expired" },
    Route { method: Method::Post, path: "/api/public/surveys/{token}", endpoint: Endpoint::AnswerSurvey, access: Access::Anyone, summary: "Answer the survey ({\"answers\": [{\"question\", \"score\"|\"choices\"|\"text\"}]}) → 201; 410 when already answered or expired" },
];

pub async fn call(endpoint: Endpoint, ctx: Ctx) -> Result<Response, ApiError> {
    match endpoint {
        Endpoint::Health => meta::health(),
        Endpoint::OpenApi => meta::openapi(),
        Endpoint::Login => auth::login(ctx).await,
        Endpoint::Logout => auth::logout(ctx).await,
        Endpoint::LogoutEverywhere => auth::logout_everywhere(ctx).await,
        Endpoint::Me => auth::me(ctx),
        Endpoint::CreateCustomer => customers::create(ctx).await,
        Endpoint::SearchCustomers => customers::search(ctx).await,
        Endpoint::ListProducts => customers::products(ctx).await,
        Endpoint::GetCustomer => customers::get(ctx).await,
        Endpoint::CreateCase => cases::create(ctx).await,
        Endpoint::ListCases => cases::list(ctx).await,
        Endpoint::ExportCases => cases::export(ctx).await,
        Endpoint::ComplaintReturn => reports::complaint_return(ctx).await,
        Endpoint::Scorecards => reports::scorecards(ctx).await,
        Endpoint::CaseCounts => cases::counts(ctx).await,
        Endpoint::GetCase => cases::get(ctx).await,
        Endpoint::AddEvent => cases::add_event(ctx).await,
        Endpoint::Transition => cases::transition(ctx).await,
        Endpoint::VerifyIdentity => cases::verify_identity(ctx).await,
        Endpoint::AssignCase => cases::assign(ctx).await,
        Endpoint::Classify => cases::classify(ctx).await,
        Endpoint::EscalateCase => cases::escalate(ctx).await,
        Endpoint::ComplaintRegister => cases::complaints(ctx).await,
        Endpoint::RevealCustomer => customers::reveal(ctx).await,
        Endpoint::CustomerRelationship => customers::relationship(ctx).await,
        Endpoint::ListStaff => teams::staff(ctx).await,
        Endpoint::ListCannedReplies => canned::list(ctx).await,
        Endpoint::CreateCannedReply => canned::create(ctx).await,
        Endpoint::UpdateCannedReply => canned::update(ctx).await,
        Endpoint::PublicCreateCase => public::create_case(ctx).await,
        Endpoint::Notifications => ops::notifications(ctx).await,
        Endpoint::MarkNotificationsRead => ops::mark_read(ctx).await,
        Endpoint::JobRuns => ops::job_runs(ctx).await,
        Endpoint::OutboxList => ops::outbox_list(ctx).await,
        Endpoint::OutboxRetry => ops::retry(ctx).await,
        Endpoint::GetSettings => settings::list(ctx).await,
        Endpoint::UpdateSetting => settings::update(ctx).await,
        Endpoint::ListTeams => teams::list(ctx).await,
        Endpoint::UpdateTeam => teams::update(ctx).await,
        Endpoint::ListSurveyTemplates => surveys::list_templates(ctx).await,
        Endpoint::GetSurveyTemplate => surveys::get_template(ctx).await,
        Endpoint::CreateSurveyTemplate => surveys::create_template(ctx).await,
        Endpoint::UpdateSurveyTemplate => surveys::update_template(ctx).await,
        Endpoint::ListSurveySchedules => surveys::list_schedules(ctx).await,
        Endpoint::GetSurveySchedule => surveys::get_schedule(ctx).await,
        Endpoint::CreateSurveySchedule => surveys::create_schedule(ctx).await,
        Endpoint::UpdateSurveySchedule => surveys::update_schedule(ctx).await,
        Endpoint::SurveyResults => surveys::results(ctx).await,
        Endpoint::OpenSurvey => surveys::open(ctx).await,
        Endpoint::AnswerSurvey => surveys::answer(ctx).await,
        Endpoint::Dashboard => dashboard::get(ctx).await,
    }
}
