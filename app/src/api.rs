//! The only place that knows the API's URLs: typed calls that return the shared `domain::api`
//! types, or an error the pages can show in the user's language.

use domain::api::{
    AssignRequest, CannedReply, CannedReplyInput, Case, CaseDetail, CaseFilter, ComplaintEntry, ComplaintFilter, Customer,
    CustomerProfile, ErrorBody, EscalateRequest, LoginRequest, LoginResponse, NewCase, NewCustomer, NewEvent, Page,
    PublicCaseReceipt, PublicCaseRequest, QueueCounts, RevealField, RevealRequest, Revealed, SettingUpdate, Settings,
    StaffMember, TeamUpdate, TeamView, TransitionRequest, User,
};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::i18n::Lang;

/// What went wrong with a call, in a form a page can explain.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer: offline, or the server is down.
    Network,
    /// The server answered with the shared error body.
    Api { status: u16, code: String, field: Option<String> },
}

impl ApiError {
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Api { field, .. } => field.as_deref(),
            ApiError::Network => None,
        }
    }

    /// The message to show, in `lang`; field errors name the field as the form labels it.
    pub fn message(&self, lang: Lang) -> String {
        let t = lang.t();
        match self {
            ApiError::Network => t.error_network.into(),
            ApiError::Api { code, .. } if code == "invalid_credentials" => t.wrong_credentials.into(),
            ApiError::Api { status: 401, .. } => t.error_session.into(),
            ApiError::Api { status: 403, .. } => t.error_forbidden.into(),
            ApiError::Api { status: 404, .. } => t.error_not_found.into(),
            ApiError::Api { code, .. } if code == "identity_unverified" => t.identity_needed.into(),
            ApiError::Api { code, .. } if code.starts_with("password_") => password_weakness(lang, code).into(),
            ApiError::Api { code, .. } if code == "wrong_password" => lang.tr("当前密码不正确。", "The current password is wrong.").into(),
            ApiError::Api { code, .. } if code == "email_taken" => lang.tr("该邮箱已有账户。", "This e-mail address already has an account.").into(),
            ApiError::Api { code, .. } if code == "own_account" => {
                lang.tr("不能更改自己的角色或停用自己，请由另一位管理员操作。", "You cannot change your own role or deactivate yourself; another admin can.").into()
            }
            ApiError::Api { code, .. } if code == "last_admin" => {
                lang.tr("必须保留至少一位启用的管理员：请先将另一人设为管理员。", "An active admin must remain: make someone else an admin first.").into()
            }
            ApiError::Api { code, .. } if code == "open_cases" => {
                lang.tr("该客户仍有未结案件：结案后才能删除其个人数据。", "The customer still has open cases: close them before erasing their data.").into()
            }
            ApiError::Api { code, .. } if code == "record_retention" => lang
                .tr(
                    "投诉结案后三年内须完整保留其档案，期满后才能删除该客户的个人数据。",
                    "A complaint's file is kept whole for three years after it closed; the customer's data can be erased after that.",
                )
                .into(),
            ApiError::Api { code, .. } if code == "already_erased" => lang.tr("该客户的个人数据已删除。", "The customer's personal data has already been erased.").into(),
            ApiError::Api { code, .. } if code == "slot_full" => lang.tr("该时段已约满，请选择其他时间。", "This time is fully booked; choose another.").into(),
            ApiError::Api { status: 410, .. } => lang.tr("此链接已使用或已过期。", "This link has been used or has expired.").into(),
            ApiError::Api { status: 409, .. } => t.error_conflict.into(),
            ApiError::Api { status: 429, .. } => lang.tr("尝试过于频繁，请稍后再试。", "Too many attempts; please try again later.").into(),
            ApiError::Api { status: 400 | 413 | 422, field, .. } => {
                format!("{} {}", t.error_field, lang.field(field.as_deref().unwrap_or("")))
            }
            ApiError::Api { .. } => t.error_server.into(),
        }
    }
}

/// What is wrong with a new password, by the policy's code (domain::password::Weakness).
fn password_weakness(lang: Lang, code: &str) -> &'static str {
    match code {
        "password_too_short" => lang.tr("密码至少需要 12 个字符。", "The password needs at least 12 characters."),
        "password_too_long" => lang.tr("密码最多 128 个字符。", "The password can have at most 128 characters."),
        "password_common" => lang.tr("这是常见密码，很容易被猜到，请换一个。", "This is a well-known password that is easy to guess; choose another."),
        "password_personal" => lang.tr("密码不能包含您的姓名或邮箱名。", "The password must not contain your name or e-mail name."),
        "password_repetitive" => lang.tr("密码至少需要 5 个不同的字符。", "The password needs at least 5 different characters."),
        _ => lang.tr("密码包含不允许的字符。", "The password contains characters that are not allowed."),
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ApiError {}

pub type ApiResult<T> = Result<T, ApiError>;

async fn decode<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    let status = response.status();
    if (200..300).contains(&status) {
        return response.json::<T>().await.map_err(|_| ApiError::Api { status, code: "bad_response".into(), field: None });
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(ApiError::Api { status, code: body.error.code, field: body.error.field }),
        Err(_) => Err(ApiError::Api { status, code: "unknown".into(), field: None }),
    }
}

async fn get<T: DeserializeOwned>(url: &str) -> ApiResult<T> {
    let response = Request::get(url).send().await.map_err(|_| ApiError::Network)?;
    decode(response).await
}

/// Every state-changing call carries the header the server's CSRF check asks for.
fn mutation(builder: RequestBuilder) -> RequestBuilder {
    builder.header("X-Requested-With", "kefu")
}

async fn post<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> ApiResult<T> {
    let request = mutation(Request::post(url)).json(body).map_err(|_| ApiError::Network)?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    decode(response).await
}

async fn put<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> ApiResult<T> {
    let request = mutation(Request::put(url)).json(body).map_err(|_| ApiError::Network)?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    decode(response).await
}

fn query_string(pairs: &[(&str, String)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(v)))
        .collect();
    if encoded.is_empty() { String::new() } else { format!("?{}", encoded.join("&")) }
}

pub async fn me() -> ApiResult<User> {
    get("/api/me").await
}

pub async fn login(email: String, password: String) -> ApiResult<User> {
    let response: LoginResponse = post("/api/auth/login", &LoginRequest { email, password }).await?;
    Ok(response.user)
}

pub async fn logout() -> ApiResult<()> {
    end_sessions("/api/auth/logout").await
}

/// Signs out on every browser and device.
pub async fn logout_everywhere() -> ApiResult<()> {
    end_sessions("/api/auth/logout-everywhere").await
}

async fn end_sessions(path: &str) -> ApiResult<()> {
    let response = mutation(Request::post(path)).send().await.map_err(|_| ApiError::Network)?;
    if response.status() == 204 || response.status() == 401 { Ok(()) } else { decode(response).await }
}

pub async fn list_cases(filter: CaseFilter, cursor: Option<String>) -> ApiResult<Page<Case>> {
    let mut pairs = filter.to_query();
    if let Some(cursor) = cursor {
        pairs.push(("cursor", cursor));
    }
    get(&format!("/api/cases{}", query_string(&pairs))).await
}

/// The address of the CSV export of a queue filter, the header row in `lang` (zh or en).
pub fn export_cases_url(filter: &CaseFilter, lang: &str) -> String {
    let mut pairs = filter.to_query();
    pairs.push(("lang", lang.to_string()));
    format!("/api/cases/export{}", query_string(&pairs))
}

pub async fn get_case(id: String) -> ApiResult<CaseDetail> {
    get(&format!("/api/cases/{}", js_sys::encode_uri_component(&id))).await
}

pub async fn create_case(case: NewCase) -> ApiResult<CaseDetail> {
    post("/api/cases", &case).await
}

pub async fn add_event(case_id: String, event: NewEvent) -> ApiResult<CaseDetail> {
    post(&format!("/api/cases/{}/events", js_sys::encode_uri_component(&case_id)), &event).await
}

/// The customers who left from one local date to another (for one reason, if given), a page
/// at a time.
pub async fn customers_left(from: String, to: String, reason: Option<String>, cursor: Option<String>) -> ApiResult<Page<Customer>> {
    let mut pairs = vec![("left_from", from), ("left_to", to)];
    if let Some(reason) = reason {
        pairs.push(("reason", reason));
    }
    if let Some(cursor) = cursor {
        pairs.push(("cursor", cursor));
    }
    get(&format!("/api/customers{}", query_string(&pairs))).await
}

pub async fn search_customers(q: String) -> ApiResult<Vec<Customer>> {
    let page: Page<Customer> = get(&format!("/api/customers{}", query_string(&[("q", q)]))).await?;
    Ok(page.items)
}

pub async fn create_customer(customer: NewCustomer) -> ApiResult<Customer> {
    post("/api/customers", &customer).await
}

pub async fn get_settings() -> ApiResult<Settings> {
    get("/api/settings").await
}

/// Replaces one setting (`calendar`, `sla_policies`, `regime`, `classifier`, `follow_up`).
pub async fn put_setting<T: Serialize>(key: &'static str, version: i64, value: T) -> ApiResult<Settings> {
    put(&format!("/api/settings/{key}"), &SettingUpdate { version, value }).await
}

pub async fn list_teams() -> ApiResult<Vec<TeamView>> {
    get("/api/teams").await
}

pub async fn update_team(id: String, update: TeamUpdate) -> ApiResult<TeamView> {
    put(&format!("/api/teams/{}", js_sys::encode_uri_component(&id)), &update).await
}

pub async fn transition(case_id: String, request: TransitionRequest) -> ApiResult<CaseDetail> {
    post(&format!("/api/cases/{}/transition", js_sys::encode_uri_component(&case_id)), &request).await
}

pub async fn case_counts() -> ApiResult<QueueCounts> {
    get("/api/cases/counts").await
}

pub async fn verify_identity(case_id: String, check: domain::api::IdentityCheck) -> ApiResult<CaseDetail> {
    post(&format!("/api/cases/{}/identity", js_sys::encode_uri_component(&case_id)), &check).await
}

fn case_url(case_id: &str, rest: &str) -> String {
    format!("/api/cases/{}{rest}", js_sys::encode_uri_component(case_id))
}

pub async fn assign_case(case_id: String, request: AssignRequest) -> ApiResult<CaseDetail> {
    post(&case_url(&case_id, "/assign"), &request).await
}

pub async fn escalate_case(case_id: String, request: EscalateRequest) -> ApiResult<CaseDetail> {
    post(&case_url(&case_id, "/escalate"), &request).await
}

pub async fn staff() -> ApiResult<Vec<StaffMember>> {
    get("/api/staff").await
}

pub async fn canned_replies(q: String, all: bool) -> ApiResult<Vec<CannedReply>> {
    let mut pairs = vec![("q", q)];
    if all {
        pairs.push(("all", "1".to_string()));
    }
    let page: Page<CannedReply> = get(&format!("/api/canned-replies{}", query_string(&pairs))).await?;
    Ok(page.items)
}

pub async fn create_canned_reply(input: CannedReplyInput) -> ApiResult<CannedReply> {
    post("/api/canned-replies", &input).await
}

pub async fn update_canned_reply(id: String, input: CannedReplyInput) -> ApiResult<CannedReply> {
    put(&format!("/api/canned-replies/{}", js_sys::encode_uri_component(&id)), &input).await
}

/// Every branch as admins keep it.
pub async fn branch_records() -> ApiResult<Vec<domain::api::BranchRecord>> {
    let page: Page<domain::api::BranchRecord> = get("/api/branches").await?;
    Ok(page.items)
}

pub async fn create_branch(input: domain::api::BranchInput) -> ApiResult<domain::api::BranchRecord> {
    post("/api/branches", &input).await
}

pub async fn update_branch(id: String, input: domain::api::BranchInput) -> ApiResult<domain::api::BranchRecord> {
    put(&format!("/api/branches/{}", js_sys::encode_uri_component(&id)), &input).await
}

/// Every appointment service, retired ones too.
pub async fn service_records() -> ApiResult<Vec<domain::api::ServiceRecord>> {
    let page: Page<domain::api::ServiceRecord> = get("/api/services").await?;
    Ok(page.items)
}

pub async fn create_service(input: domain::api::ServiceInput) -> ApiResult<domain::api::ServiceRecord> {
    post("/api/services", &input).await
}

pub async fn update_service(code: String, input: domain::api::ServiceInput) -> ApiResult<domain::api::ServiceRecord> {
    put(&format!("/api/services/{}", js_sys::encode_uri_component(&code)), &input).await
}

pub async fn customer(id: String) -> ApiResult<CustomerProfile> {
    get(&format!("/api/customers/{}", js_sys::encode_uri_component(&id))).await
}

/// Records that the customer left (with why), or is a customer again (`None`).
pub async fn relationship(customer_id: String, left: Option<domain::LeaveReason>) -> ApiResult<domain::api::Customer> {
    use domain::api::{RelationshipRequest, RelationshipStatus};
    let status = if left.is_some() { RelationshipStatus::Left } else { RelationshipStatus::Active };
    post(&format!("/api/customers/{}/relationship", js_sys::encode_uri_component(&customer_id)), &RelationshipRequest { status, reason: left }).await
}

/// `POST /api/customers/{id}/consent`: withdrawn, the customer's open follow-ups end.
pub async fn consent(customer_id: String, consent_contact: bool, notes: Option<String>) -> ApiResult<domain::api::Customer> {
    let request = domain::api::ConsentRequest { consent_contact, notes };
    post(&format!("/api/customers/{}/consent", js_sys::encode_uri_component(&customer_id)), &request).await
}

/// Where a customer's personal-data export downloads from (a plain link: the session cookie
/// goes with it, and the server audits it).
pub fn customer_export_url(customer_id: &str) -> String {
    format!("/api/customers/{}/export", js_sys::encode_uri_component(customer_id))
}

pub async fn erase_customer(customer_id: String) -> ApiResult<domain::api::Customer> {
    post(&format!("/api/customers/{}/erase", js_sys::encode_uri_component(&customer_id)), &()).await
}

pub async fn reveal(customer_id: String, field: RevealField) -> ApiResult<Revealed> {
    post(&format!("/api/customers/{}/reveal", js_sys::encode_uri_component(&customer_id)), &RevealRequest { field }).await
}

pub async fn complaints(filter: ComplaintFilter, cursor: Option<String>) -> ApiResult<Page<ComplaintEntry>> {
    let mut pairs = filter.to_query();
    if let Some(cursor) = cursor {
        pairs.push(("cursor", cursor));
    }
    get(&format!("/api/complaints{}", query_string(&pairs))).await
}

/// The regulatory complaint return for a period (local dates, both included).
pub async fn complaint_return(from: String, to: String) -> ApiResult<domain::api::ComplaintReturn> {
    get(&format!("/api/reports/complaints{}", query_string(&[("from", from), ("to", to)]))).await
}

/// The address of the complaint return's CSV.
pub fn complaint_return_csv_url(from: &str, to: &str, lang: &str) -> String {
    format!("/api/reports/complaints{}", query_string(&[("from", from.to_string()), ("to", to.to_string()), ("format", "csv".into()), ("lang", lang.to_string())]))
}

/// Agent scorecards for a period and a team (`""`: all teams).
pub async fn scorecards(from: String, to: String, team: String) -> ApiResult<domain::api::Scorecards> {
    let mut pairs = vec![("from", from), ("to", to)];
    if !team.is_empty() {
        pairs.push(("team", team));
    }
    get(&format!("/api/scorecards{}", query_string(&pairs))).await
}

/// The dashboard for a period (local dates, both included) and a team (`""`: all teams).
pub async fn dashboard(from: String, to: String, team: String) -> ApiResult<domain::api::Dashboard> {
    let mut pairs = vec![("from", from), ("to", to)];
    if !team.is_empty() {
        pairs.push(("team", team));
    }
    get(&format!("/api/dashboard{}", query_string(&pairs))).await
}

/// The public web form: no session, so no CSRF header is needed, but it does no harm.
pub async fn file_public_case(request: PublicCaseRequest) -> ApiResult<PublicCaseReceipt> {
    post("/api/public/cases", &request).await
}

pub async fn classify(subject: String, description: String) -> ApiResult<domain::classify::Suggestion> {
    post("/api/classify", &domain::api::ClassifyRequest { subject, description }).await
}

pub async fn notifications() -> ApiResult<domain::api::Inbox> {
    get("/api/notifications").await
}

pub async fn mark_read(request: domain::api::MarkRead) -> ApiResult<()> {
    post_no_content("/api/notifications/read", &request).await
}

pub async fn job_runs() -> ApiResult<Vec<domain::api::JobRun>> {
    let page: Page<domain::api::JobRun> = get("/api/jobs").await?;
    Ok(page.items)
}

pub async fn outbox(status: &'static str) -> ApiResult<Vec<domain::api::OutboxMessage>> {
    let page: Page<domain::api::OutboxMessage> = get(&format!("/api/outbox?status={status}")).await?;
    Ok(page.items)
}

pub async fn retry_message(id: String) -> ApiResult<()> {
    let url = format!("/api/outbox/{}/retry", js_sys::encode_uri_component(&id));
    let response = mutation(Request::post(&url)).send().await.map_err(|_| ApiError::Network)?;
    if response.status() == 204 { Ok(()) } else { decode(response).await }
}

pub async fn public_survey(token: String) -> ApiResult<domain::api::PublicSurvey> {
    get(&format!("/api/public/surveys/{}", js_sys::encode_uri_component(&token))).await
}

pub async fn answer_survey(token: String, submission: domain::api::SurveySubmission) -> ApiResult<domain::api::SurveyReceipt> {
    post(&format!("/api/public/surveys/{}", js_sys::encode_uri_component(&token)), &submission).await
}

pub async fn survey_templates() -> ApiResult<Vec<domain::api::SurveyTemplate>> {
    get::<Page<domain::api::SurveyTemplate>>("/api/survey-templates").await.map(|p| p.items)
}

pub async fn products() -> ApiResult<Vec<domain::api::Product>> {
    get::<Page<domain::api::Product>>("/api/products").await.map(|p| p.items)
}

pub async fn create_survey_template(input: domain::api::SurveyTemplateInput) -> ApiResult<domain::api::SurveyTemplate> {
    post("/api/survey-templates", &input).await
}

pub async fn update_survey_template(id: String, input: domain::api::SurveyTemplateInput) -> ApiResult<domain::api::SurveyTemplate> {
    put(&format!("/api/survey-templates/{}", js_sys::encode_uri_component(&id)), &input).await
}

pub async fn survey_schedules() -> ApiResult<Vec<domain::api::SurveySchedule>> {
    get::<Page<domain::api::SurveySchedule>>("/api/survey-schedules").await.map(|p| p.items)
}

pub async fn create_survey_schedule(input: domain::api::SurveyScheduleInput) -> ApiResult<domain::api::SurveySchedule> {
    post("/api/survey-schedules", &input).await
}

pub async fn patch_survey_schedule(id: String, patch: domain::api::SurveySchedulePatch) -> ApiResult<domain::api::SurveySchedule> {
    let request = mutation(Request::patch(&format!("/api/survey-schedules/{id}"))).json(&patch).map_err(|_| ApiError::Network)?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    decode(response).await
}

pub async fn survey_results(id: String) -> ApiResult<domain::api::SurveyResults> {
    get(&format!("/api/survey-schedules/{id}/results")).await
}

pub async fn accounts() -> ApiResult<Vec<domain::api::Account>> {
    get("/api/users").await
}

pub async fn invite_user(invitation: domain::api::Invitation) -> ApiResult<domain::api::Account> {
    post("/api/users", &invitation).await
}

pub async fn update_user(id: String, update: domain::api::AccountUpdate) -> ApiResult<domain::api::Account> {
    put(&format!("/api/users/{}", js_sys::encode_uri_component(&id)), &update).await
}

pub async fn reset_password(id: String) -> ApiResult<domain::api::Account> {
    post(&format!("/api/users/{}/reset-password", js_sys::encode_uri_component(&id)), &serde_json::json!({})).await
}

/// A POST that answers 204 on success.
async fn post_no_content<B: Serialize>(url: &str, body: &B) -> ApiResult<()> {
    let request = mutation(Request::post(url)).json(body).map_err(|_| ApiError::Network)?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    if response.status() == 204 { Ok(()) } else { decode(response).await }
}

pub async fn change_password(change: domain::api::PasswordChange) -> ApiResult<()> {
    post_no_content("/api/me/password", &change).await
}

pub async fn password_link(token: String) -> ApiResult<domain::api::PasswordLink> {
    get(&format!("/api/public/password-links/{}", js_sys::encode_uri_component(&token))).await
}

pub async fn set_password(token: String, password: String) -> ApiResult<()> {
    post_no_content(&format!("/api/public/password-links/{}", js_sys::encode_uri_component(&token)), &domain::api::PasswordSet { password }).await
}

/// One page of the audit search; `filters` are the query's pairs (empty ones are no filter).
pub async fn audit(filters: Vec<(&'static str, String)>, cursor: Option<String>) -> ApiResult<Page<domain::api::AuditEntry>> {
    let mut pairs: Vec<(&str, String)> = filters.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    if let Some(cursor) = cursor {
        pairs.push(("cursor", cursor));
    }
    get(&format!("/api/audit{}", query_string(&pairs))).await
}

/// The knowledge base's articles (`q` empty: all the user may see, newest change first).
pub async fn articles(q: String, category: String) -> ApiResult<Vec<domain::api::ArticleHit>> {
    let pairs: Vec<(&str, String)> = [("q", q), ("category", category)].into_iter().filter(|(_, v)| !v.trim().is_empty()).collect();
    let page: Page<domain::api::ArticleHit> = get(&format!("/api/articles{}", query_string(&pairs))).await?;
    Ok(page.items)
}

pub async fn article(id: String) -> ApiResult<domain::api::Article> {
    get(&format!("/api/articles/{}", js_sys::encode_uri_component(&id))).await
}

pub async fn create_article(input: domain::api::ArticleInput) -> ApiResult<domain::api::Article> {
    post("/api/articles", &input).await
}

pub async fn update_article(id: String, input: domain::api::ArticleInput) -> ApiResult<domain::api::Article> {
    put(&format!("/api/articles/{}", js_sys::encode_uri_component(&id)), &input).await
}

pub async fn case_articles(case_id: String) -> ApiResult<Vec<domain::api::ArticleHit>> {
    let page: Page<domain::api::ArticleHit> = get(&format!("/api/cases/{}/suggested-articles", js_sys::encode_uri_component(&case_id))).await?;
    Ok(page.items)
}

pub async fn knowledge_insights() -> ApiResult<domain::api::KnowledgeInsights> {
    get("/api/knowledge/insights").await
}

pub async fn dismiss_missed_search(id: String) -> ApiResult<()> {
    post_no_content(&format!("/api/knowledge/missed-searches/{}/dismiss", js_sys::encode_uri_component(&id)), &serde_json::json!({})).await
}

/// The public FAQ, or a search of it.
pub async fn public_articles(q: String, category: String) -> ApiResult<Vec<domain::api::ArticleHit>> {
    let pairs: Vec<(&str, String)> = [("q", q), ("category", category)].into_iter().filter(|(_, v)| !v.trim().is_empty()).collect();
    let page: Page<domain::api::ArticleHit> = get(&format!("/api/public/articles{}", query_string(&pairs))).await?;
    Ok(page.items)
}

pub async fn public_article(id: String) -> ApiResult<domain::api::PublicArticle> {
    get(&format!("/api/public/articles/{}", js_sys::encode_uri_component(&id))).await
}

/// The articles related to what a customer has typed into the web form.
pub async fn suggest_articles(text: String) -> ApiResult<Vec<domain::api::ArticleHit>> {
    let page: Page<domain::api::ArticleHit> = post("/api/public/articles/suggest", &domain::api::SuggestRequest { text }).await?;
    Ok(page.items)
}

pub async fn article_answered(article_id: String) -> ApiResult<()> {
    post_no_content("/api/public/deflections", &domain::api::DeflectionRequest { article_id }).await
}

/// Branches that take appointments, with their services.
pub async fn branches() -> ApiResult<Vec<domain::api::Branch>> {
    let page: Page<domain::api::Branch> = get("/api/public/branches").await?;
    Ok(page.items)
}

pub async fn slots(branch: String, service: String, date: String) -> ApiResult<domain::api::DaySlots> {
    get(&format!("/api/public/slots{}", query_string(&[("branch", branch), ("service", service), ("date", date)]))).await
}

pub async fn book(request: domain::api::BookingRequest) -> ApiResult<domain::api::BookingReceipt> {
    post("/api/public/appointments", &request).await
}

pub async fn managed_appointment(token: String) -> ApiResult<domain::api::PublicAppointment> {
    get(&format!("/api/public/appointments/{}", js_sys::encode_uri_component(&token))).await
}

pub async fn reschedule(token: String, start: chrono::DateTime<chrono::Utc>) -> ApiResult<domain::api::PublicAppointment> {
    post(&format!("/api/public/appointments/{}/reschedule", js_sys::encode_uri_component(&token)), &domain::api::RescheduleRequest { start }).await
}

pub async fn cancel_appointment(token: String) -> ApiResult<domain::api::PublicAppointment> {
    post(&format!("/api/public/appointments/{}/cancel", js_sys::encode_uri_component(&token)), &serde_json::json!({})).await
}

pub async fn book_for_customer(request: domain::api::StaffBookingRequest) -> ApiResult<domain::api::Appointment> {
    post("/api/appointments", &request).await
}

/// Appointments by `?reference=`, `?branch=&date=` or `?customer_id=`.
pub async fn appointments(pairs: Vec<(&'static str, String)>) -> ApiResult<Vec<domain::api::Appointment>> {
    let page: Page<domain::api::Appointment> = get(&format!("/api/appointments{}", query_string(&pairs))).await?;
    Ok(page.items)
}

pub async fn check_in(id: String, version: i64) -> ApiResult<domain::api::Appointment> {
    post(&format!("/api/appointments/{}/check-in", js_sys::encode_uri_component(&id)), &domain::api::CheckInRequest { id_document_checked: true, version }).await
}

pub async fn no_show(id: String, version: i64) -> ApiResult<domain::api::Appointment> {
    post(&format!("/api/appointments/{}/no-show", js_sys::encode_uri_component(&id)), &domain::api::NoShowRequest { version }).await
}

/// `GET /api/follow-ups` with the list's query (`assignee`, `due`, `reason`, `mismatch`).
pub async fn follow_ups(query: Vec<(&'static str, String)>) -> ApiResult<domain::api::Page<domain::api::FollowUp>> {
    get(&format!("/api/follow-ups{}", query_string(&query))).await
}

pub async fn follow_up(id: String) -> ApiResult<domain::api::FollowUp> {
    get(&format!("/api/follow-ups/{}", js_sys::encode_uri_component(&id))).await
}

pub async fn attempt_follow_up(id: String, request: domain::api::AttemptRequest) -> ApiResult<domain::api::FollowUp> {
    post(&format!("/api/follow-ups/{}/attempts", js_sys::encode_uri_component(&id)), &request).await
}

/// `PUT /api/products/{code}` (admins).
pub async fn update_product(code: String, update: domain::api::ProductUpdate) -> ApiResult<domain::api::Product> {
    put(&format!("/api/products/{}", js_sys::encode_uri_component(&code)), &update).await
}
