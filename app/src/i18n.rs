//! Every string the UI shows, in Simplified Chinese (the default) and English.
//!
//! One catalogue struct, one value per language: the compiler refuses a language that lacks a
//! string, lookups cost nothing at run time, and nothing is parsed in the browser. (leptos_i18n
//! does the same from JSON files, but brings ICU data and a build step the bundle cannot afford
//! for two languages without plural forms.)

use domain::follow_up::Cadence;
use domain::regulatory::Regime;
use domain::sla::Basis;
use domain::{CaseKind, Channel, Complexity, EventType, LeaveReason, Lifecycle, Role, Segment, SlaState, Status, Step};
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

const STORAGE_KEY: &str = "kefu.lang";

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn t(self) -> &'static Texts {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// A string of one screen, given in both languages where it is used. Shared words live in
    /// `Texts`; strings only one component shows are written beside it with `tr`.
    pub fn tr(self, zh: &'static str, en: &'static str) -> &'static str {
        self.pick(zh, en)
    }

    /// A customer's name or a case's subject, or what stands for it once the customer's personal
    /// data is erased (the only way either is empty).
    pub fn or_erased(self, text: &str) -> String {
        if text.is_empty() { self.pick("（已删除）", "(erased)").to_string() } else { text.to_string() }
    }

    fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub fn kind(self, k: CaseKind) -> &'static str {
        match k {
            CaseKind::Inquiry => self.pick("咨询", "Inquiry"),
            CaseKind::Complaint => self.pick("投诉", "Complaint"),
            CaseKind::FollowUp => self.pick("回访", "Follow-up"),
        }
    }

    pub fn channel(self, c: Channel) -> &'static str {
        match c {
            Channel::Phone => self.pick("电话", "Phone"),
            Channel::OnlineChat => self.pick("在线客服", "Online chat"),
            Channel::Email => self.pick("电子邮件", "E-mail"),
            Channel::WebForm => self.pick("网页表单", "Web form"),
            Channel::MobileApp => self.pick("手机银行", "Mobile app"),
            Channel::Branch => self.pick("网点柜台", "Branch counter"),
            Channel::SocialMedia => self.pick("社交媒体", "Social media"),
            Channel::Regulator => self.pick("监管转办", "Regulator referral"),
        }
    }

    pub fn complexity(self, c: Complexity) -> &'static str {
        match c {
            Complexity::Ordinary => self.pick("普通", "Ordinary"),
            Complexity::Complex => self.pick("复杂", "Complex"),
        }
    }

    pub fn status(self, s: Status) -> &'static str {
        match s {
            Status::New => self.pick("新建", "New"),
            Status::Assigned => self.pick("已分派", "Assigned"),
            Status::Responded => self.pick("已响应", "Responded"),
            Status::Resolved => self.pick("已解决", "Resolved"),
            Status::Closed => self.pick("已关闭", "Closed"),
        }
    }

    pub fn step(self, s: Step) -> &'static str {
        match s {
            Step::Review => self.pick("初步审核", "Review"),
            Step::Investigation => self.pick("调查处理", "Investigation"),
            Step::Feedback => self.pick("结果反馈", "Feedback"),
        }
    }

    pub fn sla(self, s: SlaState) -> &'static str {
        match s {
            SlaState::OnTrack => self.pick("正常", "On track"),
            SlaState::DueSoon => self.pick("即将到期", "Due soon"),
            SlaState::Breached => self.pick("已超时", "Breached"),
            SlaState::Met => self.pick("已达标", "Met"),
        }
    }

    pub fn event(self, e: EventType) -> &'static str {
        match e {
            EventType::Created => self.pick("登记", "Registered"),
            EventType::Assigned => self.pick("自动分派", "Routed"),
            EventType::Reply => self.pick("回复客户", "Reply"),
            EventType::Note => self.pick("内部备注", "Internal note"),
            EventType::Call => self.pick("电话记录", "Call log"),
            EventType::StatusChanged => self.pick("状态变更", "Status change"),
            EventType::StepChanged => self.pick("进入下一环节", "Next step"),
            EventType::Paused => self.pick("暂停计时", "Clocks paused"),
            EventType::Resumed => self.pick("恢复计时", "Clocks resumed"),
            EventType::ExtensionRequested => self.pick("申请延期", "Extension requested"),
            EventType::ExtensionApproved => self.pick("批准延期", "Extension approved"),
            EventType::ExtensionRefused => self.pick("拒绝延期", "Extension refused"),
            EventType::Merged => self.pick("合并至原投诉", "Merged into earlier complaint"),
            EventType::ReviewRequested => self.pick("客户申请核查", "Review requested"),
            EventType::IdentityVerified => self.pick("核实客户身份", "Identity verified"),
            EventType::Escalated => self.pick("升级至主管", "Escalated to a supervisor"),
            EventType::SlaDueSoon => self.pick("即将超时", "Due soon"),
            EventType::SlaBreached => self.pick("已超时", "Deadline breached"),
            EventType::SlaEscalated => self.pick("超时升级", "Breach escalated"),
            EventType::StepBreached => self.pick("投诉环节超时", "Complaint step breached"),
            EventType::SurveyAnswered => self.pick("客户满意度评价", "Customer rated the handling"),
        }
    }

    pub fn role(self, r: Role) -> &'static str {
        match r {
            Role::Agent => self.pick("客服人员", "Agent"),
            Role::Supervisor => self.pick("客服主管", "Supervisor"),
            Role::Admin => self.pick("系统管理员", "Admin"),
        }
    }

    pub fn category(self, code: &str) -> &'static str {
        match code {
            "cards" => self.pick("银行卡", "Cards"),
            "loans" => self.pick("贷款", "Loans"),
            "deposits" => self.pick("存款", "Deposits"),
            "wealth" => self.pick("理财", "Wealth"),
            "payments" => self.pick("支付结算", "Payments"),
            "digital" => self.pick("电子银行", "Digital banking"),
            "account" => self.pick("账户", "Accounts"),
            _ => self.pick("其他", "Other"),
        }
    }

    /// A kind of product (products.kind), as the follow-up figures split post-sale ones.
    pub fn product_kind(self, kind: &str) -> &'static str {
        match kind {
            "card" => self.pick("银行卡", "Cards"),
            "loan" => self.pick("贷款", "Loans"),
            "deposit" => self.pick("存款", "Deposits"),
            "wealth" => self.pick("理财", "Wealth"),
            "insurance" => self.pick("保险", "Insurance"),
            "digital" => self.pick("电子银行", "Digital banking"),
            _ => self.pick("其他", "Other"),
        }
    }

    pub fn segment(self, s: Segment) -> &'static str {
        match s {
            Segment::Mass => self.pick("大众客户", "Mass"),
            Segment::Affluent => self.pick("财富客户", "Affluent"),
            Segment::Private => self.pick("私人银行", "Private banking"),
        }
    }

    pub fn leave_reason(self, r: LeaveReason) -> &'static str {
        match r {
            LeaveReason::Service => self.pick("对服务不满意", "Unhappy with service"),
            LeaveReason::FeesOrRates => self.pick("费用或利率", "Fees or rates"),
            LeaveReason::CompetitorOffer => self.pick("他行优惠", "Another bank's offer"),
            LeaveReason::Relocation => self.pick("迁居", "Moved away"),
            LeaveReason::NoLongerNeeded => self.pick("不再需要", "No longer needed"),
            LeaveReason::Deceased => self.pick("客户身故", "Deceased"),
            LeaveReason::Other => self.pick("其他", "Other"),
        }
    }

    pub fn lifecycle(self, l: Lifecycle) -> &'static str {
        match l {
            Lifecycle::New => self.pick("新客户", "New customer"),
            Lifecycle::Existing => self.pick("存量客户", "Existing customer"),
        }
    }

    pub fn basis(self, b: Basis) -> &'static str {
        match b {
            Basis::Calendar => self.pick("自然时间", "Calendar time"),
            Basis::Business => self.pick("工作时间", "Business hours"),
        }
    }

    pub fn regime(self, r: Regime) -> &'static str {
        match r {
            Regime::China2020 => self.pick("中国：银行业保险业消费投诉处理管理办法（15/30/60 天）", "China: 2020 complaint measures (15/30/60 days)"),
            Regime::UkDisp => self.pick("英国 FCA DISP（3 个工作日 / 8 周）", "UK FCA DISP (3 business days / 8 weeks)"),
            Regime::UkDispPayments => self.pick("英国 DISP 支付服务（15/35 个工作日）", "UK DISP payment services (15/35 business days)"),
            Regime::EuPsd2 => self.pick("欧盟 PSD2（15/35 个工作日）", "EU PSD2 (15/35 business days)"),
            Regime::UsCfpb => self.pick("美国 CFPB（15/60 天）", "US CFPB (15/60 days)"),
        }
    }

    pub fn cadence(self, c: Cadence) -> &'static str {
        match c {
            Cadence::Monthly => self.pick("每月", "Monthly"),
            Cadence::Quarterly => self.pick("每季度", "Quarterly"),
            Cadence::Never => self.pick("不回访", "Never"),
        }
    }

    pub fn obligation(self, o: domain::regulatory::Obligation) -> &'static str {
        use domain::regulatory::Obligation::*;
        match o {
            Decision => self.pick("作出处理决定", "Decision"),
            SummaryResolution => self.pick("简易解决答复（否则进入最终答复）", "Summary resolution communication"),
            HoldingReply => self.pick("说明延迟的过渡答复", "Holding reply"),
            Response => self.pick("首次答复", "Response"),
            FinalResponse => self.pick("最终答复", "Final response"),
        }
    }

    pub fn outcome(self, o: domain::lifecycle::Outcome) -> &'static str {
        use domain::lifecycle::Outcome::*;
        match o {
            Upheld => self.pick("投诉成立", "Upheld"),
            PartlyUpheld => self.pick("部分成立", "Partly upheld"),
            NotUpheld => self.pick("不成立", "Not upheld"),
        }
    }

    pub fn redress(self, r: domain::lifecycle::RedressType) -> &'static str {
        use domain::lifecycle::RedressType::*;
        match r {
            Refund => self.pick("退款", "Refund"),
            FeeWaiver => self.pick("减免费用", "Fee waiver"),
            Compensation => self.pick("补偿", "Compensation"),
            Apology => self.pick("致歉", "Apology"),
            Correction => self.pick("更正记录", "Correction"),
        }
    }

    pub fn opinion(self, o: domain::lifecycle::Opinion) -> &'static str {
        use domain::lifecycle::Opinion::*;
        match o {
            Satisfied => self.pick("满意", "Satisfied"),
            Neutral => self.pick("一般", "Neutral"),
            Dissatisfied => self.pick("不满意", "Dissatisfied"),
        }
    }

    pub fn extension(self, e: domain::lifecycle::Extension) -> &'static str {
        use domain::lifecycle::Extension::*;
        match e {
            None => self.pick("未申请", "None"),
            Requested => self.pick("待主管审批", "Awaiting a supervisor"),
            Approved => self.pick("已批准", "Approved"),
            Refused => self.pick("已拒绝", "Refused"),
        }
    }

    pub fn root_cause(self, code: &str) -> &'static str {
        match code {
            "system_error" => self.pick("系统差错", "System error"),
            "staff_conduct" => self.pick("员工服务行为", "Staff conduct"),
            "process_gap" => self.pick("流程缺陷", "Process gap"),
            "product_design" => self.pick("产品设计", "Product design"),
            "fees_and_pricing" => self.pick("收费定价", "Fees and pricing"),
            "third_party" => self.pick("第三方原因", "Third party"),
            "customer_misunderstanding" => self.pick("客户误解", "Customer misunderstanding"),
            "fraud" => self.pick("欺诈", "Fraud"),
            _ => self.pick("其他", "Other"),
        }
    }

    pub fn pause_reason(self, r: domain::sla::PauseReason) -> &'static str {
        match r {
            domain::sla::PauseReason::WaitingOnCustomer => self.pick("等待客户补充", "Waiting on the customer"),
            domain::sla::PauseReason::ExternalAppraisal => self.pick("外部鉴定（不计入监管时限）", "External appraisal (not counted by the regulator)"),
        }
    }

    pub fn identity(self, i: domain::Identity) -> &'static str {
        match i {
            domain::Identity::NotVerified => self.pick("未核实", "Not verified"),
            domain::Identity::SmsCode => self.pick("短信验证码", "SMS code"),
            domain::Identity::Face => self.pick("人脸识别", "Face recognition"),
            domain::Identity::IdDocument => self.pick("网点核验身份证件", "ID document at a branch"),
        }
    }

    /// Monday is 0.
    pub fn weekday(self, i: usize) -> &'static str {
        let zh = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"];
        let en = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        self.pick(zh[i % 7], en[i % 7])
    }

    /// A request field's name as the form labels it.
    pub fn field(self, field: &str) -> &'static str {
        let t = self.t();
        match field {
            "email" => t.email,
            "password" => t.password,
            "name" => t.customer_name,
            "phone" => t.phone,
            "customer_id" => t.customer,
            "subject" => t.subject,
            "description" => t.description,
            "channel" => t.channel,
            "kind" => t.kind,
            "complexity" => t.complexity,
            "category" => t.category,
            "body" => t.event_body,
            "type" => t.event_type,
            "zone" => t.set_zone,
            "week" => t.set_week,
            "holidays" => t.set_holidays,
            "makeup_days" => t.set_makeup_days,
            "first_response_minutes" => t.set_first_response_h,
            "resolution_minutes" => t.set_resolution_h,
            "due_soon_percent" => t.set_due_soon_pct,
            "steps" => t.set_steps_h,
            "policies" => t.set_policies,
            "categories" | "complaint" | "complex" => t.set_phrases,
            "first_after_days" => t.set_first_after_days,
            "skills" => t.set_team_skills,
            "resolution" | "reason" => t.act_note,
            "outcome" => t.cmp_outcome,
            "root_cause" => t.cmp_root_cause,
            "redress_type" => t.cmp_redress_type,
            "redress_amount" => t.cmp_redress_amount,
            "customer_informed" => t.cmp_informed,
            "into" => t.cmp_merged_into,
            "assignee" => t.assignee,
            "method" => t.identity,
            "max_attempts" => t.set_max_attempts,
            "target_percent" => t.set_target_pct,
            "retry_minutes" => self.tr("未接通后再拨间隔（分钟）", "Minutes before calling again"),
            "daily_calls_per_agent" => self.tr("每位坐席每日回访量", "Follow-ups per agent a day"),
            "risk_level" => self.tr("风险等级", "Risk level"),
            "cooling_off_hours" => self.tr("犹豫期（小时）", "Cooling-off (hours)"),
            "name.zh" => self.tr("中文名称", "Chinese name"),
            "name.en" => self.tr("英文名称", "English name"),
            "address.zh" => self.tr("中文地址", "Chinese address"),
            "address.en" => self.tr("英文地址", "English address"),
            "opens" => self.tr("开门时间", "Opens"),
            "closes" => self.tr("关门时间", "Closes"),
            "services" => self.tr("预约业务", "Services"),
            "code" => self.tr("业务代码", "Code"),
            "minutes" => self.tr("每次时长", "Minutes each"),
            "capacity" => self.tr("每时段人数", "Customers per slot"),
            "bring.zh" | "bring.en" => self.tr("所需材料", "What to bring"),
            _ => t.unknown_field,
        }
    }
}

/// The language in use, shared through context; remembered in the browser.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Lang>);

impl I18n {
    pub fn provide() -> Self {
        let stored = window_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        let lang = if stored.as_deref() == Some("en") { Lang::En } else { Lang::Zh };
        let this = I18n(RwSignal::new(lang));
        Effect::new(move |_| {
            let lang = this.0.get();
            if let Some(storage) = window_storage() {
                let _ = storage.set_item(STORAGE_KEY, lang.code());
            }
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("lang", lang.code());
            }
            document().set_title(lang.t().app_title);
        });
        provide_context(this);
        this
    }

    pub fn get(self) -> Lang {
        self.0.get()
    }

    /// Switches between the two languages.
    pub fn toggle(self) {
        self.0.update(|l| *l = if *l == Lang::Zh { Lang::En } else { Lang::Zh });
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

fn window_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub struct Texts {
    pub app_title: &'static str,
    pub brand: &'static str,
    pub brand_sub: &'static str,
    pub other_language: &'static str,
    pub skip_to_content: &'static str,
    pub nav_label: &'static str,
    pub nav_queue: &'static str,
    pub nav_complaints: &'static str,
    pub nav_customers: &'static str,
    pub nav_knowledge: &'static str,
    pub nav_appointments: &'static str,
    pub nav_follow_ups: &'static str,
    pub nav_surveys: &'static str,
    pub nav_dashboard: &'static str,
    pub nav_reports: &'static str,
    pub nav_settings: &'static str,
    pub nav_audit: &'static str,
    pub sign_out: &'static str,
    pub loading: &'static str,
    pub retry: &'static str,
    pub forbidden_page: &'static str,
    pub not_found_page: &'static str,
    pub back_to_queue: &'static str,
    // Sign-in
    pub sign_in_title: &'static str,
    pub sign_in_lead: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub signing_in: &'static str,
    pub wrong_credentials: &'static str,
    // Errors
    pub error_title: &'static str,
    pub error_network: &'static str,
    pub error_server: &'static str,
    pub error_session: &'static str,
    pub error_forbidden: &'static str,
    pub error_not_found: &'static str,
    pub error_conflict: &'static str,
    pub error_field: &'static str,
    pub unknown_field: &'static str,
    // Queue
    pub queue_title: &'static str,
    pub view_mine: &'static str,
    pub view_team: &'static str,
    pub view_unassigned: &'static str,
    pub view_open: &'static str,
    pub view_due_soon: &'static str,
    pub view_breached: &'static str,
    pub queue_views: &'static str,
    pub new_case: &'static str,
    pub queue_empty: &'static str,
    pub queue_empty_hint: &'static str,
    pub load_more: &'static str,
    pub keyboard_hint: &'static str,
    pub col_reference: &'static str,
    pub col_subject: &'static str,
    pub col_customer: &'static str,
    pub col_kind: &'static str,
    pub col_status: &'static str,
    pub col_assignee: &'static str,
    pub col_deadline: &'static str,
    pub unassigned: &'static str,
    // Case fields
    pub customer: &'static str,
    pub customer_name: &'static str,
    pub phone: &'static str,
    pub channel: &'static str,
    pub subject: &'static str,
    pub description: &'static str,
    pub kind: &'static str,
    pub complexity: &'static str,
    pub category: &'static str,
    pub auto_classify: &'static str,
    pub status: &'static str,
    pub assignee: &'static str,
    pub created_at: &'static str,
    // New case
    pub new_case_title: &'static str,
    pub find_customer: &'static str,
    pub find_customer_hint: &'static str,
    pub no_customer_found: &'static str,
    pub create_customer: &'static str,
    pub create_customer_title: &'static str,
    pub change_customer: &'static str,
    pub save_customer: &'static str,
    pub cancel: &'static str,
    pub save_case: &'static str,
    pub saving: &'static str,
    pub sla_note: &'static str,
    pub pick_customer_first: &'static str,
    // Case page
    pub clocks: &'static str,
    pub first_response_due: &'static str,
    pub resolution_due: &'static str,
    pub step_due: &'static str,
    pub regulatory_due: &'static str,
    pub responded_at: &'static str,
    pub current_step: &'static str,
    pub timeline: &'static str,
    pub composer: &'static str,
    pub event_type: &'static str,
    pub event_body: &'static str,
    pub add_event: &'static str,
    pub left: &'static str,
    pub overdue_by: &'static str,
    pub minutes_short: &'static str,
    pub hours_short: &'static str,
    pub days_short: &'static str,
    pub description_heading: &'static str,
    pub settings_title: &'static str,
    pub settings_lead: &'static str,
    pub set_save: &'static str,
    pub set_saved: &'static str,
    pub set_calendar: &'static str,
    pub set_zone: &'static str,
    pub set_week: &'static str,
    pub set_shifts_hint: &'static str,
    pub set_holidays: &'static str,
    pub set_makeup_days: &'static str,
    pub set_dates_hint: &'static str,
    pub set_bad_shift: &'static str,
    pub set_bad_date: &'static str,
    pub set_policies: &'static str,
    pub set_policies_hint: &'static str,
    pub set_any: &'static str,
    pub set_segment: &'static str,
    pub set_basis: &'static str,
    pub set_first_response_h: &'static str,
    pub set_resolution_h: &'static str,
    pub set_due_soon_pct: &'static str,
    pub set_steps_h: &'static str,
    pub set_add_policy: &'static str,
    pub set_remove: &'static str,
    pub set_regime: &'static str,
    pub set_regime_hint: &'static str,
    pub set_follow_up: &'static str,
    pub set_first_after_days: &'static str,
    pub set_max_attempts: &'static str,
    pub set_daily_calls_help: &'static str,
    pub set_target_pct: &'static str,
    pub set_phrases: &'static str,
    pub set_phrases_hint: &'static str,
    pub set_complaint_phrases: &'static str,
    pub set_complex_phrases: &'static str,
    pub set_complex_length: &'static str,
    pub next_obligation: &'static str,
    pub set_teams: &'static str,
    pub fraud_title: &'static str,
    pub fraud_body: &'static str,
    pub identity: &'static str,
    pub identity_record: &'static str,
    pub identity_needed: &'static str,
    pub handle_myself: &'static str,
    pub why_skill: &'static str,
    pub why_no_skill: &'static str,
    pub why_load: &'static str,
    pub why_rotated: &'static str,
    pub why_recused: &'static str,
    pub cmp_title: &'static str,
    pub cmp_advance_investigation: &'static str,
    pub cmp_advance_feedback: &'static str,
    pub cmp_pause: &'static str,
    pub cmp_resume: &'static str,
    pub cmp_request_extension: &'static str,
    pub cmp_approve_extension: &'static str,
    pub cmp_refuse_extension: &'static str,
    pub cmp_close: &'static str,
    pub cmp_request_review: &'static str,
    pub cmp_reason: &'static str,
    pub cmp_pause_reason: &'static str,
    pub cmp_outcome: &'static str,
    pub cmp_root_cause: &'static str,
    pub cmp_prevention: &'static str,
    pub cmp_redress_type: &'static str,
    pub cmp_redress_amount: &'static str,
    pub cmp_none: &'static str,
    pub cmp_informed: &'static str,
    pub cmp_informed_ext: &'static str,
    pub cmp_opinion: &'static str,
    pub cmp_submit: &'static str,
    pub cmp_paused_now: &'static str,
    pub cmp_extension: &'static str,
    pub cmp_merged_into: &'static str,
    pub cmp_closed_at: &'static str,
    pub act_title: &'static str,
    pub act_take: &'static str,
    pub act_resolve: &'static str,
    pub act_close: &'static str,
    pub act_reopen: &'static str,
    pub act_note: &'static str,
    pub set_teams_hint: &'static str,
    pub set_team_name: &'static str,
    pub set_team_skills: &'static str,
    pub set_team_members: &'static str,
}

pub static ZH: Texts = Texts {
    app_title: "客服跟进系统",
    brand: "客服跟进系统",
    brand_sub: "Kefu",
    other_language: "English",
    skip_to_content: "跳到主要内容",
    nav_label: "主导航",
    nav_queue: "工单队列",
    nav_complaints: "投诉管理",
    nav_customers: "客户",
    nav_knowledge: "知识库",
    nav_appointments: "网点预约",
    nav_follow_ups: "回访",
    nav_surveys: "满意度调查",
    nav_dashboard: "统计看板",
    nav_reports: "报表",
    nav_settings: "系统设置",
    nav_audit: "审计日志",
    sign_out: "退出登录",
    loading: "正在加载…",
    retry: "重试",
    forbidden_page: "您的角色无权访问此页面。",
    not_found_page: "找不到这个页面。",
    back_to_queue: "返回工单队列",
    sign_in_title: "登录",
    sign_in_lead: "银行客服跟进系统：咨询、投诉、回访与满意度调查。",
    email: "电子邮箱",
    password: "密码",
    sign_in: "登录",
    signing_in: "正在登录…",
    wrong_credentials: "邮箱或密码错误。",
    error_title: "出错了",
    error_network: "无法连接服务器，请检查网络后重试。",
    error_server: "服务器暂时无法处理请求，请稍后重试。",
    error_session: "登录已失效，请重新登录。",
    error_forbidden: "您的角色无权执行此操作。",
    error_not_found: "没有找到该记录。",
    error_conflict: "该工单已被他人修改，请刷新后重试。",
    error_field: "请检查此项：",
    unknown_field: "请求内容",
    queue_title: "工单队列",
    view_mine: "我的工单",
    view_team: "本组工单",
    view_unassigned: "待分派",
    view_open: "全部未结",
    view_due_soon: "即将到期",
    view_breached: "已超时",
    queue_views: "队列视图",
    new_case: "新建工单",
    queue_empty: "没有符合条件的工单",
    queue_empty_hint: "换一个视图看看，或新建一张工单。",
    load_more: "加载更多",
    keyboard_hint: "快捷键：j / k 上下移动，Enter 打开，n 新建工单",
    col_reference: "编号",
    col_subject: "主题",
    col_customer: "客户",
    col_kind: "类型",
    col_status: "状态",
    col_assignee: "处理人",
    col_deadline: "时限",
    unassigned: "未分派",
    customer: "客户",
    customer_name: "客户姓名",
    phone: "手机号码",
    channel: "渠道",
    subject: "主题",
    description: "问题描述",
    kind: "工单类型",
    complexity: "复杂程度",
    category: "业务分类",
    auto_classify: "自动识别",
    status: "状态",
    assignee: "处理人",
    created_at: "登记时间",
    new_case_title: "新建工单",
    find_customer: "查找客户",
    find_customer_hint: "输入姓名、手机号后四位或电子邮箱",
    no_customer_found: "没有找到匹配的客户。",
    create_customer: "新建客户",
    create_customer_title: "新建客户",
    change_customer: "更换客户",
    save_customer: "保存客户",
    cancel: "取消",
    save_case: "保存工单",
    saving: "正在保存…",
    sla_note: "首次响应时限：普通 24 小时，复杂 48 小时。",
    pick_customer_first: "请先选择或新建客户。",
    clocks: "时限",
    first_response_due: "首次响应时限",
    resolution_due: "解决时限",
    step_due: "当前环节时限",
    regulatory_due: "监管时限",
    responded_at: "首次响应于",
    current_step: "当前环节",
    timeline: "处理记录",
    composer: "添加处理记录",
    event_type: "记录类型",
    event_body: "内容",
    add_event: "提交",
    left: "剩余",
    overdue_by: "逾期",
    minutes_short: "分钟",
    hours_short: "小时",
    days_short: "天",
    description_heading: "问题描述",
    settings_title: "系统设置",
    settings_lead: "这里的修改保存后立即对新登记的工单生效，每次修改都会记入审计日志。",
    set_save: "保存",
    set_saved: "已保存",
    set_calendar: "营业日历",
    set_zone: "时区",
    set_week: "每周营业时间",
    set_shifts_hint: "例如 09:00-12:00, 13:30-17:30；留空表示休息",
    set_holidays: "法定节假日",
    set_makeup_days: "调休上班日",
    set_dates_hint: "每行一个日期，格式 YYYY-MM-DD",
    set_bad_shift: "营业时间格式应为 09:00-12:00，多个时段用逗号分隔。",
    set_bad_date: "日期格式应为 YYYY-MM-DD，每行一个。",
    set_policies: "服务时限（SLA）策略",
    set_policies_hint: "每张工单采用最具体的匹配策略（客户分层与渠道）。时间单位为小时。",
    set_any: "任意",
    set_segment: "客户分层",
    set_basis: "计时方式",
    set_first_response_h: "首次响应（小时）",
    set_resolution_h: "解决（小时）",
    set_due_soon_pct: "预警比例（%）",
    set_steps_h: "投诉环节：审核 / 调查 / 反馈（小时）",
    set_add_policy: "新增策略",
    set_remove: "删除",
    set_regime: "监管时限规则",
    set_regime_hint: "每张投诉都会按所选规则显示监管时限和下一项义务。",
    set_follow_up: "回访规则",
    set_first_after_days: "新客户首次回访（购买后天数）",
    set_max_attempts: "最多尝试次数（之后记为无法联系）",
    set_daily_calls_help: "计划回访每天不超过此数乘以在岗坐席数；超出的按优先级顺延，投诉后和犹豫期内的回访不顺延。",
    set_target_pct: "回访率目标（%）",
    set_phrases: "智能分类关键词",
    set_phrases_hint: "中文按字符匹配，不需要空格。多个关键词用逗号或换行分隔。",
    set_complaint_phrases: "识别为投诉的关键词",
    set_complex_phrases: "识别为复杂工单的关键词",
    set_complex_length: "描述超过多少字视为复杂",
    next_obligation: "下一项监管义务",
    set_teams: "团队与技能",
    fraud_title: "风险提示",
    fraud_body: "此类业务（挂失、转账纠纷、重置密码、个人信息变更）常被冒名办理。请先核实客户身份，并提醒客户保护个人信息、谨防诈骗：银行不会索要密码或验证码。",
    identity: "身份核实",
    identity_record: "记录核实方式",
    identity_needed: "请先核实客户身份，才能解决此工单。",
    handle_myself: "由我处理（不自动分派）",
    why_skill: "按技能",
    why_no_skill: "无匹配技能，按工作量",
    why_load: "当前工作量",
    why_rotated: "同等工作量轮流分派",
    why_recused: "已回避被投诉人员",
    cmp_title: "投诉处理",
    cmp_advance_investigation: "进入调查处理",
    cmp_advance_feedback: "进入结果反馈",
    cmp_pause: "暂停计时",
    cmp_resume: "恢复计时",
    cmp_request_extension: "申请延期",
    cmp_approve_extension: "批准延期",
    cmp_refuse_extension: "拒绝延期",
    cmp_close: "结案",
    cmp_request_review: "登记客户核查申请",
    cmp_reason: "说明",
    cmp_pause_reason: "暂停原因",
    cmp_outcome: "处理结论",
    cmp_root_cause: "原因分析",
    cmp_prevention: "预防措施",
    cmp_redress_type: "补救方式",
    cmp_redress_amount: "补救金额（元）",
    cmp_none: "无",
    cmp_informed: "已将处理结果告知客户",
    cmp_informed_ext: "已告知客户延期",
    cmp_opinion: "客户对处理的评价",
    cmp_submit: "确认",
    cmp_paused_now: "计时已暂停",
    cmp_extension: "延期",
    cmp_merged_into: "已合并至",
    cmp_closed_at: "结案时间",
    act_title: "处理操作",
    act_take: "接手",
    act_resolve: "标记已解决",
    act_close: "关闭工单",
    act_reopen: "重新打开",
    act_note: "说明（解决或重新打开时必填）",
    set_teams_hint: "自动分派按业务分类找到团队，再按技能和工作量找到处理人。",
    set_team_name: "团队名称",
    set_team_skills: "负责的业务",
    set_team_members: "成员",
};

pub static EN: Texts = Texts {
    app_title: "Kefu customer service",
    brand: "Kefu",
    brand_sub: "Customer service",
    other_language: "中文",
    skip_to_content: "Skip to main content",
    nav_label: "Main navigation",
    nav_queue: "Queue",
    nav_complaints: "Complaints",
    nav_customers: "Customers",
    nav_knowledge: "Knowledge base",
    nav_appointments: "Appointments",
    nav_follow_ups: "Follow-ups",
    nav_surveys: "Surveys",
    nav_dashboard: "Dashboard",
    nav_reports: "Reports",
    nav_settings: "Settings",
    nav_audit: "Audit trail",
    sign_out: "Sign out",
    loading: "Loading…",
    retry: "Try again",
    forbidden_page: "Your role may not open this page.",
    not_found_page: "There is no such page.",
    back_to_queue: "Back to the queue",
    sign_in_title: "Sign in",
    sign_in_lead: "The bank's service desk: inquiries, complaints, follow-ups and satisfaction surveys.",
    email: "E-mail",
    password: "Password",
    sign_in: "Sign in",
    signing_in: "Signing in…",
    wrong_credentials: "The e-mail or password is wrong.",
    error_title: "Something went wrong",
    error_network: "Cannot reach the server. Check the connection and try again.",
    error_server: "The server could not handle the request. Try again shortly.",
    error_session: "Your session has ended. Please sign in again.",
    error_forbidden: "Your role may not do this.",
    error_not_found: "That record does not exist.",
    error_conflict: "Someone else changed this case. Reload it and try again.",
    error_field: "Please check:",
    unknown_field: "the request",
    queue_title: "Queue",
    view_mine: "Mine",
    view_team: "My team",
    view_unassigned: "Unassigned",
    view_open: "All open",
    view_due_soon: "Due soon",
    view_breached: "Breached",
    queue_views: "Queue views",
    new_case: "New case",
    queue_empty: "No cases in this view",
    queue_empty_hint: "Try another view, or create a new case.",
    load_more: "Load more",
    keyboard_hint: "Keys: j / k to move, Enter to open, n for a new case",
    col_reference: "Ref.",
    col_subject: "Subject",
    col_customer: "Customer",
    col_kind: "Kind",
    col_status: "Status",
    col_assignee: "Assignee",
    col_deadline: "Deadline",
    unassigned: "Unassigned",
    customer: "Customer",
    customer_name: "Customer name",
    phone: "Mobile number",
    channel: "Channel",
    subject: "Subject",
    description: "Description",
    kind: "Case kind",
    complexity: "Complexity",
    category: "Category",
    auto_classify: "Detect automatically",
    status: "Status",
    assignee: "Assignee",
    created_at: "Registered",
    new_case_title: "New case",
    find_customer: "Find a customer",
    find_customer_hint: "Name, last four digits of the phone, or e-mail",
    no_customer_found: "No customer matches.",
    create_customer: "New customer",
    create_customer_title: "New customer",
    change_customer: "Change customer",
    save_customer: "Save customer",
    cancel: "Cancel",
    save_case: "Save case",
    saving: "Saving…",
    sla_note: "First response due: ordinary 24 hours, complex 48 hours.",
    pick_customer_first: "Pick or create a customer first.",
    clocks: "Deadlines",
    first_response_due: "First response due",
    resolution_due: "Resolution due",
    step_due: "Current step due",
    regulatory_due: "Regulatory deadline",
    responded_at: "First responded",
    current_step: "Current step",
    timeline: "Timeline",
    composer: "Add to the timeline",
    event_type: "Entry type",
    event_body: "Text",
    add_event: "Add",
    left: "left",
    overdue_by: "overdue by",
    minutes_short: "min",
    hours_short: "h",
    days_short: "d",
    description_heading: "Description",
    settings_title: "Settings",
    settings_lead: "Changes apply to newly registered cases as soon as they are saved; every change is recorded in the audit trail.",
    set_save: "Save",
    set_saved: "Saved",
    set_calendar: "Business calendar",
    set_zone: "Time zone",
    set_week: "Weekly opening hours",
    set_shifts_hint: "e.g. 09:00-12:00, 13:30-17:30; empty means closed",
    set_holidays: "Public holidays",
    set_makeup_days: "Make-up working days",
    set_dates_hint: "One date per line, YYYY-MM-DD",
    set_bad_shift: "Opening hours look like 09:00-12:00, several separated by commas.",
    set_bad_date: "Dates look like YYYY-MM-DD, one per line.",
    set_policies: "SLA policies",
    set_policies_hint: "Each case takes the most specific matching policy (segment and channel). Times are in hours.",
    set_any: "Any",
    set_segment: "Segment",
    set_basis: "Counts",
    set_first_response_h: "First response (h)",
    set_resolution_h: "Resolution (h)",
    set_due_soon_pct: "Due soon at (%)",
    set_steps_h: "Complaint steps: review / investigation / feedback (h)",
    set_add_policy: "Add policy",
    set_remove: "Remove",
    set_regime: "Regulatory regime",
    set_regime_hint: "Every complaint shows its regulatory deadline and next obligation under this regime.",
    set_follow_up: "Follow-up rules",
    set_first_after_days: "First follow-up (days after first product)",
    set_max_attempts: "Attempts before unreachable",
    set_daily_calls_help: "Planned follow-ups a day stay within this times the agents at work; the rest wait, most urgent first. Follow-ups after a complaint and inside a cooling-off period never wait.",
    set_target_pct: "Follow-up rate target (%)",
    set_phrases: "Classifier phrases",
    set_phrases_hint: "Chinese is matched by characters, no spaces needed. Separate phrases with commas or new lines.",
    set_complaint_phrases: "Phrases that mark a complaint",
    set_complex_phrases: "Phrases that mark a complex case",
    set_complex_length: "Description length that makes a case complex",
    next_obligation: "Next regulatory obligation",
    set_teams: "Teams and skills",
    fraud_title: "Fraud-risk warning",
    fraud_body: "Requests like this (card loss, transfer disputes, password resets, personal data changes) are a favourite of impostors. Verify the customer's identity first, and remind them to protect their data: the bank never asks for passwords or codes.",
    identity: "Identity",
    identity_record: "Record verification",
    identity_needed: "Verify the customer's identity before resolving this case.",
    handle_myself: "I'll handle it myself (no routing)",
    why_skill: "By skill",
    why_no_skill: "No one with the skill; by load",
    why_load: "current load",
    why_rotated: "rotated among equals",
    why_recused: "named staff recused",
    cmp_title: "Complaint handling",
    cmp_advance_investigation: "Start investigation",
    cmp_advance_feedback: "Move to feedback",
    cmp_pause: "Pause clocks",
    cmp_resume: "Resume clocks",
    cmp_request_extension: "Request extension",
    cmp_approve_extension: "Approve extension",
    cmp_refuse_extension: "Refuse extension",
    cmp_close: "Close complaint",
    cmp_request_review: "Record a review request",
    cmp_reason: "Note",
    cmp_pause_reason: "Why paused",
    cmp_outcome: "Outcome",
    cmp_root_cause: "Root cause",
    cmp_prevention: "Prevention measure",
    cmp_redress_type: "Redress",
    cmp_redress_amount: "Redress amount (CNY)",
    cmp_none: "None",
    cmp_informed: "The customer has been told the result",
    cmp_informed_ext: "The customer has been told of the extension",
    cmp_opinion: "Customer's opinion of the handling",
    cmp_submit: "Confirm",
    cmp_paused_now: "Clocks are paused",
    cmp_extension: "Extension",
    cmp_merged_into: "Merged into",
    cmp_closed_at: "Closed",
    act_title: "Actions",
    act_take: "Take",
    act_resolve: "Resolve",
    act_close: "Close",
    act_reopen: "Reopen",
    act_note: "Note (needed to resolve or reopen)",
    set_teams_hint: "Routing finds the team by category, then the agent by skill and load.",
    set_team_name: "Team name",
    set_team_skills: "Handles",
    set_team_members: "Members",
};
