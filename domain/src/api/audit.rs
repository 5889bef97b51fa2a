//! The audit trail as admins search it: who did what to which record, when.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{is_id, params, FieldError};

/// Every action Kefu records, with its name in Chinese and English. The audit screen offers
/// these to filter by; a test checks that every action in the trail is one of them.
pub const AUDIT_ACTIONS: &[(&str, &str, &str)] = &[
    ("signed_in", "登录", "Signed in"),
    ("sign_in_failed", "登录失败", "Sign-in failed"),
    ("signed_out", "退出", "Signed out"),
    ("signed_out_everywhere", "全部设备退出", "Signed out everywhere"),
    ("password_changed", "修改密码", "Changed password"),
    ("password_change_failed", "修改密码失败（当前密码错误）", "Password change failed (wrong current password)"),
    ("password_set_from_link", "通过邮件链接设置密码", "Set password from e-mailed link"),
    ("user_invited", "邀请用户", "Invited a user"),
    ("user_changed", "修改用户", "Changed a user"),
    ("user_role_changed", "更改用户角色", "Changed a user's role"),
    ("user_deactivated", "停用用户", "Deactivated a user"),
    ("user_reactivated", "重新启用用户", "Reactivated a user"),
    ("user_password_reset", "重置用户密码", "Reset a user's password"),
    ("customer_created", "新建客户", "Created a customer"),
    ("customer_created_by_web_form", "客户经网页表单建档", "Customer created by the web form"),
    ("customer_revealed_phone", "查看完整电话", "Revealed a phone number"),
    ("customer_revealed_email", "查看完整邮箱", "Revealed an e-mail address"),
    ("customer_revealed_id_number", "查看完整证件号", "Revealed an ID number"),
    ("customer_left", "记录客户流失", "Recorded a customer leaving"),
    ("purchase_recorded", "记录客户购买产品", "Recorded a product purchase"),
    ("product_updated", "修改产品风险等级或犹豫期", "Changed a product's risk level or cooling-off"),
    ("customer_returned", "记录客户回归", "Recorded a customer returning"),
    ("consent_withdrawn", "记录客户撤回联系同意", "Recorded a customer withdrawing consent to contact"),
    ("consent_given", "记录客户同意联系", "Recorded a customer consenting to contact"),
    ("customer_data_exported", "导出客户个人数据", "Exported a customer's personal data"),
    ("customer_erased", "删除客户个人数据", "Erased a customer's personal data"),
    ("cases_exported", "导出工单", "Exported cases"),
    ("bulk_reading", "一小时内读取大量工单（疑似批量复制）", "Read an unusual number of cases within an hour (possible bulk copying)"),
    ("setting_changed", "修改设置", "Changed a setting"),
    ("team_changed", "修改团队", "Changed a team"),
    ("canned_reply_created", "新建常用回复", "Created a canned reply"),
    ("canned_reply_updated", "修改常用回复", "Changed a canned reply"),
    ("article_created", "新建知识库文章", "Created a knowledge-base article"),
    ("article_updated", "修改知识库文章", "Changed a knowledge-base article"),
    ("appointment_booked", "预约网点业务", "Booked a branch appointment"),
    ("appointment_rescheduled", "客户改约", "Customer rescheduled an appointment"),
    ("appointment_cancelled", "客户取消预约", "Customer cancelled an appointment"),
    ("appointment_checked_in", "预约客户到店签到（已核验证件）", "Checked in an appointment (ID document checked)"),
    ("appointment_no_show", "记录预约未到", "Recorded an appointment no-show"),
    ("branch_created", "新建网点", "Created a branch"),
    ("branch_updated", "修改网点", "Changed a branch"),
    ("service_created", "新建预约业务", "Created an appointment service"),
    ("service_updated", "修改预约业务", "Changed an appointment service"),
    ("missed_search_dismissed", "忽略无结果搜索", "Dismissed a search that found nothing"),
    ("survey_template_created", "新建问卷模板", "Created a survey template"),
    ("survey_template_updated", "修改问卷模板", "Changed a survey template"),
    ("survey_schedule_created", "新建调查计划", "Created a survey schedule"),
    ("survey_schedule_updated", "修改调查计划", "Changed a survey schedule"),
    ("outbox_retried", "重发消息", "Sent a message again"),
];

/// One audit event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<String>,
    /// The actor's name; `None` for the public (a customer's web form) or the system.
    pub actor_name: Option<String>,
    pub action: String,
    /// What kind of record it is about: user, customer, setting, team, export, ...
    pub entity: String,
    pub entity_id: Option<String>,
    /// For events about a member of staff, their name.
    pub entity_name: Option<String>,
}

/// Where the next page of the audit search starts: the last event shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditCursor {
    pub at: i64,
    pub id: i64,
}

impl AuditCursor {
    pub fn encode(self) -> String {
        format!("{}.{}", self.at, self.id)
    }
}

/// `GET /api/audit`: newest first, narrowed by who acted, what they did, which record, and
/// local dates (both included).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub cursor: Option<AuditCursor>,
}

/// An action or entity name: lower-case words joined by underscores.
fn is_name(text: &str) -> bool {
    (1..=64).contains(&text.len()) && text.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

impl AuditQuery {
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, FieldError> {
        let mut q = AuditQuery::default();
        for (key, value) in pairs {
            if value.is_empty() {
                continue;
            }
            match key {
                "actor" if is_id(value) => q.actor = Some(value.into()),
                "actor" => return Err(FieldError::invalid("actor", "actor is not a user id")),
                "action" if AUDIT_ACTIONS.iter().any(|(a, _, _)| *a == value) => q.action = Some(value.into()),
                "action" => return Err(FieldError::invalid("action", "action is not an audited action")),
                "entity" if is_name(value) => q.entity = Some(value.into()),
                "entity" => return Err(FieldError::invalid("entity", "entity is not a record kind")),
                "entity_id" if value.chars().count() <= 500 && !value.chars().any(char::is_control) => q.entity_id = Some(value.into()),
                "entity_id" => return Err(FieldError::invalid("entity_id", "entity_id is too long")),
                "from" => q.from = Some(params::date("from", value)?),
                "to" => q.to = Some(params::date("to", value)?),
                "cursor" => {
                    let parsed = value.split_once('.').and_then(|(at, id)| Some(AuditCursor { at: at.parse().ok()?, id: id.parse().ok()? }));
                    q.cursor = Some(parsed.ok_or_else(|| FieldError::invalid("cursor", "cursor is not one this list gave"))?);
                }
                _ => {}
            }
        }
        if q.entity_id.is_some() && q.entity.is_none() {
            return Err(FieldError::invalid("entity", "entity is needed with entity_id"));
        }
        if let (Some(from), Some(to)) = (q.from, q.to) {
            if from > to {
                return Err(FieldError::invalid("from", "from is after to"));
            }
        }
        Ok(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_reads_each_filter_and_names_a_bad_one() {
        let q = AuditQuery::from_query([("actor", "user-admin"), ("action", "user_deactivated"), ("entity", "user"), ("entity_id", "abc"), ("from", "2026-11-01"), ("to", "2026-11-30"), ("cursor", "1764000000000.42"), ("other", "x")]).unwrap();
        assert_eq!(q.actor.as_deref(), Some("user-admin"));
        assert_eq!(q.cursor, Some(AuditCursor { at: 1_764_000_000_000, id: 42 }));
        assert_eq!(q.cursor.unwrap().encode(), "1764000000000.42");
        let field = |pairs: &[(&str, &str)]| AuditQuery::from_query(pairs.iter().copied()).unwrap_err().field;
        assert_eq!(field(&[("action", "drop_table")]), "action");
        assert_eq!(field(&[("actor", "a b")]), "actor");
        assert_eq!(field(&[("entity", "User")]), "entity");
        assert_eq!(field(&[("entity_id", "x")]), "entity");
        assert_eq!(field(&[("from", "2026-11-02"), ("to", "2026-11-01")]), "from");
        assert_eq!(field(&[("cursor", "12")]), "cursor");
        assert_eq!(AuditQuery::from_query([("action", ""), ("actor", "")]).unwrap(), AuditQuery::default(), "empty filters are no filters");
    }

    #[test]
    fn actions_are_listed_once_with_both_names() {
        let mut names: Vec<_> = AUDIT_ACTIONS.iter().map(|(a, _, _)| *a).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), AUDIT_ACTIONS.len());
        assert!(AUDIT_ACTIONS.iter().all(|(a, zh, en)| is_name(a) && !zh.is_empty() && !en.is_empty()));
    }
}
