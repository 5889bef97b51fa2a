//! The case export: one CSV row per case with every clock and regulatory field, for any queue
//! filter. UTF-8 with a byte-order mark, so Excel opens Chinese text correctly; values are the
//! API's codes (`complaint`, `on_time`), times are local to the institution, amounts in yuan.
//!
//! Personal data is masked as lists show it (the customer's name by its first character), and
//! a cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) is prefixed with `'`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::api::{Case, ComplaintReturn, FieldError};
use crate::lifecycle::{Extension, Outcome, RedressType};
use crate::stats::{resolution_met_at, ClockResult, ReturnCounts};

/// The byte-order mark the file starts with.
pub const BOM: &str = "\u{feff}";

/// The language of the header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Zh,
    En,
}

impl Language {
    /// Reads `lang=zh|en` (absent: Chinese); anything else names the parameter.
    pub fn from_param(value: Option<&str>) -> Result<Language, FieldError> {
        match value {
            None | Some("zh") => Ok(Language::Zh),
            Some("en") => Ok(Language::En),
            Some(_) => Err(FieldError::invalid("lang", "lang must be zh or en")),
        }
    }
}

/// Every column: its key (the API's field name), and its header in Chinese and in English.
pub const COLUMNS: &[(&str, &str, &str)] = &[
    ("reference", "受理编号", "Reference"),
    ("kind", "类型", "Kind"),
    ("channel", "渠道", "Channel"),
    ("category", "业务分类", "Category"),
    ("complexity", "复杂度", "Complexity"),
    ("status", "状态", "Status"),
    ("sensitive", "敏感业务", "Sensitive"),
    ("customer_id", "客户编号", "Customer ID"),
    ("customer_name", "客户姓名（脱敏）", "Customer name (masked)"),
    ("team", "班组", "Team"),
    ("assignee", "经办人", "Assignee"),
    ("subject", "主题", "Subject"),
    ("created_at", "受理时间", "Received"),
    ("first_response_due_at", "首次响应时限", "First response due"),
    ("first_responded_at", "首次响应时间", "First responded"),
    ("first_response_result", "首次响应结果", "First response result"),
    ("resolution_due_at", "解决时限", "Resolution due"),
    ("resolved_at", "解决时间", "Resolved"),
    ("resolution_result", "解决结果", "Resolution result"),
    ("sla_state", "当前SLA状态", "SLA state now"),
    ("step", "投诉环节", "Complaint step"),
    ("step_due_at", "环节时限", "Step due"),
    ("regulatory_due_at", "监管时限", "Regulatory deadline"),
    ("regulatory_result", "监管时限结果", "Regulatory result"),
    ("extension", "延期", "Extension"),
    ("paused", "暂停中", "Paused"),
    ("closed_at", "结案时间", "Closed"),
    ("outcome", "处理结果", "Outcome"),
    ("root_cause", "原因分析", "Root cause"),
    ("redress_type", "补偿方式", "Redress type"),
    ("redress_amount", "补偿金额（元）", "Redress (yuan)"),
    ("customer_informed", "已告知客户", "Customer informed"),
];

/// What a row shows beyond the case as lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportCase {
    pub case: Case,
    pub team: Option<String>,
    pub extension: Extension,
    pub paused: bool,
    pub closed_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
    pub root_cause: Option<String>,
    pub redress_type: Option<RedressType>,
    /// In fen.
    pub redress_amount: Option<i64>,
    pub customer_informed: bool,
}

/// A name as an export shows it: the first character, then one `*` for each other letter.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    let first: String = chars.next().map(String::from).unwrap_or_default();
    first + &chars.map(|c| if c.is_whitespace() { c } else { '*' }).collect::<String>()
}

/// A cell a spreadsheet would read as a formula, made plain text.
fn plain(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn yes(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// The header row.
pub fn header(language: Language) -> Vec<&'static str> {
    COLUMNS.iter().map(|(_, zh, en)| if language == Language::Zh { *zh } else { *en }).collect()
}

/// A case's row, its times in `zone`, its clocks as they stand at `now`.
pub fn cells(row: &ExportCase, zone: Tz, now: DateTime<Utc>) -> Vec<String> {
    let c = &row.case;
    let at = |t: DateTime<Utc>| t.with_timezone(&zone).format("%Y-%m-%d %H:%M:%S").to_string();
    let maybe = |t: Option<DateTime<Utc>>| t.map(at).unwrap_or_default();
    let result = |due: DateTime<Utc>, met: Option<DateTime<Utc>>| ClockResult::of(due, met, now).as_str().to_string();
    let text = |t: Option<&str>| t.map(plain).unwrap_or_default();
    vec![
        c.reference.clone(),
        c.kind.as_str().into(),
        c.channel.as_str().into(),
        c.category.clone(),
        c.complexity.as_str().into(),
        c.status.as_str().into(),
        yes(c.sensitive),
        c.customer_id.clone(),
        plain(&mask_name(&c.customer_name)),
        text(row.team.as_deref()),
        text(c.assignee_name.as_deref()),
        plain(&c.subject),
        at(c.created_at),
        at(c.first_response_due_at),
        maybe(c.first_responded_at),
        result(c.first_response_due_at, c.first_responded_at),
        at(c.resolution_due_at),
        maybe(c.resolved_at),
        result(c.resolution_due_at, resolution_met_at(c.kind, c.resolved_at, row.closed_at)),
        c.sla_state.as_str().into(),
        c.step.map(|s| s.as_str().to_string()).unwrap_or_default(),
        maybe(c.step_due_at),
        maybe(c.regulatory_due_at),
        c.regulatory_due_at.map(|due| result(due, row.closed_at)).unwrap_or_default(),
        row.extension.as_str().into(),
        yes(row.paused),
        maybe(row.closed_at),
        row.outcome.map(|o| o.as_str().to_string()).unwrap_or_default(),
        text(row.root_cause.as_deref()),
        row.redress_type.map(|r| r.as_str().to_string()).unwrap_or_default(),
        row.redress_amount.map(yuan).unwrap_or_default(),
        yes(row.customer_informed),
    ]
}

/// The columns of the complaint return's CSV, in Chinese and in English.
const RETURN_COLUMNS: &[(&str, &str)] = &[
    ("分组", "group"),
    ("项目", "item"),
    ("受理", "received"),
    ("结案", "closed"),
    ("3个工作日内", "within 3 business days"),
    ("4周内", "within 4 weeks"),
    ("4至8周", "4 to 8 weeks"),
    ("超过8周", "over 8 weeks"),
    ("15日内", "within 15 days"),
    ("30日内", "within 30 days"),
    ("60日内", "within 60 days"),
    ("超过60日", "over 60 days"),
    ("成立", "upheld"),
    ("成立比例（%）", "upheld (%)"),
    ("补偿金额（元）", "redress paid (yuan)"),
];

/// Fen as yuan, two decimals.
pub fn yuan(fen: i64) -> String {
    format!("{}{}.{:02}", if fen < 0 { "-" } else { "" }, fen.abs() / 100, fen.abs() % 100)
}

/// The complaint return as CSV (with the byte-order mark): the total, then a row per product
/// (category) and per root cause, by their codes.
pub fn return_csv(r: &ComplaintReturn, language: Language) -> String {
    let header = RETURN_COLUMNS.iter().map(|(zh, en)| if language == Language::Zh { zh.to_string() } else { en.to_string() });
    let row = |group: &str, item: &str, c: &ReturnCounts| -> Vec<String> {
        let mut cells = vec![group.to_string(), plain(item), c.received.to_string(), c.closed.to_string()];
        cells.extend(c.fca.iter().chain(c.china.iter()).map(u32::to_string));
        cells.push(c.upheld.to_string());
        cells.push(c.upheld_share().map(|s| format!("{:.1}", s * 100.0)).unwrap_or_default());
        cells.push(yuan(c.redress_total));
        cells
    };
    let mut rows = vec![header.collect::<Vec<_>>(), row("total", "", &r.total)];
    rows.extend(r.by_product.iter().map(|(k, c)| row("product", k, c)));
    rows.extend(r.by_cause.iter().map(|(k, c)| row("cause", if k.is_empty() { "none" } else { k }, c)));
    format!("{BOM}{}", csv(rows))
}

/// Records as CSV text (quoted where needed, CRLF line ends as spreadsheets expect).
pub fn csv<I, R, S>(records: I) -> String
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for record in records {
        // Writing to memory cannot fail, and every record has the same number of fields.
        writer.write_record(record).expect("a CSV record written to memory");
    }
    let bytes = writer.into_inner().expect("a CSV flushed to memory");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::SlaState;
    use crate::testing::bj;
    use crate::{CaseKind, Channel, Complexity, Identity, Status, Step};
    use chrono::Duration;

    fn complaint() -> ExportCase {
        let created = bj(2024, 12, 2, 9, 30);
        ExportCase {
            case: Case {
                id: "case-1".into(),
                reference: "KF000042".into(),
                kind: CaseKind::Complaint,
                channel: Channel::Phone,
                category: "cards".into(),
                complexity: Complexity::Complex,
                status: Status::Closed,
                customer_id: "cust-1".into(),
                customer_name: "王小明".into(),
                assignee_id: Some("agent-1".into()),
                assignee_name: Some("李娜".into()),
                subject: "=HYPERLINK(\"http://x\"), 年费, \"未经同意\"".into(),
                created_at: created,
                first_response_due_at: created + Duration::hours(24),
                first_responded_at: Some(created + Duration::minutes(20)),
                resolution_due_at: created + Duration::hours(72),
                resolved_at: None,
                sla_state: SlaState::Met,
                sla_due_at: created + Duration::hours(72),
                sla_due_soon_at: created + Duration::hours(54),
                step: None,
                step_due_at: None,
                regulatory_due_at: Some(created + Duration::days(15)),
                sensitive: false,
                identity: Identity::default(),
                version: 7,
            },
            team: Some("零售一组".into()),
            extension: Extension::None,
            paused: false,
            closed_at: Some(created + Duration::days(5)),
            outcome: Some(Outcome::PartlyUpheld),
            root_cause: Some("fees_and_pricing".into()),
            redress_type: Some(RedressType::FeeWaiver),
            redress_amount: Some(12_005),
            customer_informed: true,
        }
    }

    fn column(cells: &[String], key: &str) -> String {
        cells[COLUMNS.iter().position(|(k, _, _)| *k == key).unwrap()].clone()
    }

    #[test]
    fn a_row_has_every_column_in_local_time() {
        let row = cells(&complaint(), chrono_tz::Asia::Shanghai, bj(2025, 1, 10, 0, 0));
        assert_eq!(row.len(), COLUMNS.len());
        assert_eq!(header(Language::Zh).len(), COLUMNS.len());
        assert_eq!(column(&row, "created_at"), "2024-12-02 09:30:00", "Beijing time, not UTC");
        assert_eq!(column(&row, "first_response_result"), "on_time");
        // Resolved by closing on day 5, after its 72-hour clock.
        assert_eq!(column(&row, "resolution_result"), "late");
        assert_eq!(column(&row, "regulatory_result"), "on_time");
        assert_eq!(column(&row, "redress_amount"), "120.05");
        assert_eq!(column(&row, "customer_name"), "王**", "names are masked");
        assert_eq!(column(&row, "outcome"), "partly_upheld");
        assert_eq!(column(&row, "step"), "");
    }

    #[test]
    fn a_running_clock_is_running_until_its_deadline() {
        let mut open = complaint();
        open.closed_at = None;
        open.case.status = Status::Assigned;
        open.case.step = Some(Step::Investigation);
        let before = cells(&open, chrono_tz::Asia::Shanghai, bj(2024, 12, 3, 0, 0));
        assert_eq!(column(&before, "regulatory_result"), "running");
        assert_eq!(column(&before, "closed_at"), "");
        let after = cells(&open, chrono_tz::Asia::Shanghai, bj(2024, 12, 20, 0, 0));
        assert_eq!(column(&after, "regulatory_result"), "late");
    }

    #[test]
    fn csv_quotes_commas_and_quotes_and_defuses_formulas() {
        let row = cells(&complaint(), chrono_tz::Asia::Shanghai, bj(2025, 1, 10, 0, 0));
        let text = csv([header(Language::En).into_iter().map(String::from).collect::<Vec<_>>(), row]);
        let mut lines = text.split("\r\n");
        assert!(lines.next().unwrap().starts_with("Reference,Kind,Channel"));
        let line = lines.next().unwrap();
        assert!(line.contains(r#""'=HYPERLINK(""http://x""), 年费, ""未经同意""""#), "{line}");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(&record[11], "'=HYPERLINK(\"http://x\"), 年费, \"未经同意\"");
    }

    #[test]
    fn the_return_as_csv_has_the_total_then_products_then_causes() {
        let closed = ReturnCounts { received: 3, closed: 2, fca: [1, 1, 0, 0], china: [2, 0, 0, 0], upheld: 1, redress_total: 12_005 };
        let r = ComplaintReturn {
            from: "2026-01-01".parse().unwrap(),
            to: "2026-06-30".parse().unwrap(),
            total: closed,
            by_product: [("cards".to_string(), closed)].into(),
            by_cause: [(String::new(), closed)].into(),
            as_of: bj(2026, 7, 1, 0, 0),
        };
        let text = return_csv(&r, Language::En);
        let lines: Vec<&str> = text.trim_start_matches(BOM).split("\r\n").collect();
        assert!(lines[0].starts_with("group,item,received,closed,within 3 business days"), "{}", lines[0]);
        assert_eq!(lines[1], "total,,3,2,1,1,0,0,2,0,0,0,1,50.0,120.05");
        assert!(lines[2].starts_with("product,cards,3,2"));
        assert!(lines[3].starts_with("cause,none,3,2"));
        assert!(return_csv(&r, Language::Zh).starts_with("\u{feff}分组,项目,受理,结案"));
    }

    #[test]
    fn the_header_language_is_zh_or_en() {
        assert_eq!(Language::from_param(None), Ok(Language::Zh));
        assert_eq!(Language::from_param(Some("en")), Ok(Language::En));
        assert_eq!(Language::from_param(Some("fr")).unwrap_err().field, "lang");
        assert_eq!((yuan(12_005), yuan(-50)), ("120.05".to_string(), "-0.50".to_string()));
    }

    #[test]
    fn names_keep_their_first_character() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("John Smith"), "J*** *****");
        assert_eq!(mask_name(""), "");
    }
}
