//! Survey templates — questions in Chinese and English — and the answers a customer gives:
//! checked against the template, scored (CSAT 1–5, NPS 0–10), and judged for service recovery.

use serde::{Deserialize, Serialize};

use crate::api::FieldError;

/// Most questions a template may hold.
pub const QUESTIONS_MAX: usize = 30;
/// Most options a choice question may offer.
pub const OPTIONS_MAX: usize = 20;
/// Longest question or option text, in characters.
pub const LABEL_MAX: usize = 500;
/// Longest free-text answer, in characters.
pub const ANSWER_MAX: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Customer satisfaction, 1 (very dissatisfied) to 5 (very satisfied).
    Csat,
    /// Net promoter: how likely to recommend us, 0 to 10.
    Nps,
    SingleChoice,
    MultipleChoice,
    FreeText,
}

impl QuestionKind {
    /// The scores a scale question accepts.
    pub fn scale(self) -> Option<std::ops::RangeInclusive<u8>> {
        match self {
            QuestionKind::Csat => Some(1..=5),
            QuestionKind::Nps => Some(0..=10),
            _ => None,
        }
    }

    fn has_options(self) -> bool {
        matches!(self, QuestionKind::SingleChoice | QuestionKind::MultipleChoice)
    }
}

/// A text in both languages the institution serves.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: &str, en: &str) -> Text {
        Text { zh: zh.into(), en: en.into() }
    }

    /// The text in `lang` (`"en"` or anything else for Chinese).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "en" { &self.en } else { &self.zh }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable within the template: answers name it.
    pub id: String,
    pub kind: QuestionKind,
    pub required: bool,
    pub text: Text,
    /// The choices of a choice question, in order; answers give their indexes.
    #[serde(default)]
    pub options: Vec<Text>,
}

/// The questions a survey asks, with its title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub title: Text,
    pub questions: Vec<Question>,
}

fn at(field: String, code: &'static str, message: impl Into<String>) -> FieldError {
    FieldError { field, code, message: message.into() }
}

fn check_label(field: String, value: &str) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(at(field.clone(), "missing_field", format!("{field} is required")));
    }
    if value.chars().count() > LABEL_MAX || value.chars().any(char::is_control) {
        return Err(at(field.clone(), "invalid_field", format!("{field} must be one line of at most {LABEL_MAX} characters")));
    }
    Ok(())
}

fn check_text(field: &str, text: &Text) -> Result<(), FieldError> {
    check_label(format!("{field}.zh"), &text.zh)?;
    check_label(format!("{field}.en"), &text.en)
}

impl Questionnaire {
    pub fn validate(&self) -> Result<(), FieldError> {
        check_text("title", &self.title)?;
        if self.questions.is_empty() || self.questions.len() > QUESTIONS_MAX {
            return Err(FieldError::invalid("questions", format!("a survey asks 1 to {QUESTIONS_MAX} questions")));
        }
        for (i, q) in self.questions.iter().enumerate() {
            let field = format!("questions[{i}]");
            let id_ok = !q.id.is_empty() && q.id.len() <= 40 && q.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !id_ok {
                return Err(at(format!("{field}.id"), "invalid_field", "a question id is 1–40 letters, digits, _ or -"));
            }
            if self.questions[..i].iter().any(|other| other.id == q.id) {
                return Err(at(format!("{field}.id"), "invalid_field", format!("question id {} is used twice", q.id)));
            }
            check_text(&format!("{field}.text"), &q.text)?;
            let options = format!("{field}.options");
            match (q.kind.has_options(), q.options.len()) {
                (true, n) if !(2..=OPTIONS_MAX).contains(&n) => {
                    return Err(at(options, "invalid_field", format!("a choice question offers 2 to {OPTIONS_MAX} options")));
                }
                (false, n) if n > 0 => return Err(at(options, "invalid_field", "only choice questions have options")),
                _ => {}
            }
            for (k, option) in q.options.iter().enumerate() {
                check_text(&format!("{options}[{k}]"), option)?;
            }
        }
        Ok(())
    }

    /// The survey Kefu starts with: overall satisfaction, likelihood to recommend, the channel
    /// used, what could be better, and a comment.
    pub fn standard() -> Questionnaire {
        let q = |id: &str, kind, required, zh: &str, en: &str, options: &[(&str, &str)]| Question {
            id: id.into(),
            kind,
            required,
            text: Text::new(zh, en),
            options: options.iter().map(|(zh, en)| Text::new(zh, en)).collect(),
        };
        Questionnaire {
            title: Text::new("客户满意度调查", "Customer satisfaction survey"),
            questions: vec![
                q("overall", QuestionKind::Csat, true, "您对我行本季度的服务总体满意吗？", "Overall, how satisfied were you with our service this quarter?", &[]),
                q("recommend", QuestionKind::Nps, true, "您向亲友推荐我行的可能性有多大？", "How likely are you to recommend us to friends and family?", &[]),
                q(
                    "channel",
                    QuestionKind::SingleChoice,
                    false,
                    "您最常通过哪种方式联系我们？",
                    "How do you contact us most often?",
                    &[("电话", "Phone"), ("手机银行", "Mobile banking"), ("网点", "Branch"), ("在线客服", "Online chat")],
                ),
                q(
                    "improve",
                    QuestionKind::MultipleChoice,
                    false,
                    "您希望我们在哪些方面改进？",
                    "What should we improve?",
                    &[("等待时间", "Waiting time"), ("业务办理效率", "Speed of service"), ("服务态度", "Staff attitude"), ("手机银行体验", "Mobile banking")],
                ),
                q("comment", QuestionKind::FreeText, false, "还有什么想告诉我们的吗？", "Is there anything else you would like to tell us?", &[]),
            ],
        }
    }

    /// The short survey sent after a complaint closes.
    pub fn after_complaint() -> Questionnaire {
        let standard = Questionnaire::standard();
        Questionnaire {
            title: Text::new("投诉处理满意度回访", "How did we handle your complaint?"),
            questions: vec![
                Question { text: Text::new("您对本次投诉的处理结果满意吗？", "How satisfied are you with how we handled your complaint?"), ..standard.questions[0].clone() },
                standard.questions[4].clone(),
            ],
        }
    }
}

/// A customer's answer to one question: a score for CSAT and NPS, option indexes for choices,
/// text for free text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// What a set of answers says, for the results and for service recovery.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Scores {
    pub csat: Option<u8>,
    pub nps: Option<u8>,
    pub comment: Option<String>,
}

impl Scores {
    /// A low score opens a follow-up case for the customer: CSAT 2 or below, NPS 6 or below.
    pub fn low(&self) -> bool {
        self.csat.is_some_and(|s| s <= 2) || self.nps.is_some_and(|s| s <= 6)
    }
}

/// Checks answers against the questionnaire — each names a question once, fits its kind, and
/// every required question is answered — and returns their scores: the first CSAT and NPS
/// question's, and the first comment. An optional question may be left out, or answered with
/// nothing in it.
pub fn check(questionnaire: &Questionnaire, answers: &[Answer]) -> Result<Scores, FieldError> {
    let mut scores = Scores::default();
    for (i, a) in answers.iter().enumerate() {
        let field = |part: &str| format!("answers[{i}]{part}");
        let Some(q) = questionnaire.questions.iter().find(|q| q.id == a.question) else {
            return Err(at(field(".question"), "invalid_field", "no such question in this survey"));
        };
        if answers[..i].iter().any(|b| b.question == a.question) {
            return Err(at(field(".question"), "invalid_field", "a question is answered once"));
        }
        let wrong = |part: &str, message: &str| Err(at(field(part), "invalid_field", message.to_string()));
        let empty = a.score.is_none() && a.choices.is_empty() && a.text.as_deref().is_none_or(|t| t.trim().is_empty());
        if empty {
            if q.required {
                return Err(at(field(""), "missing_field", "this question needs an answer"));
            }
            continue;
        }
        match q.kind {
            QuestionKind::Csat | QuestionKind::Nps => {
                let scale = q.kind.scale().expect("a scale question");
                match a.score {
                    Some(s) if scale.contains(&s) && a.choices.is_empty() && a.text.is_none() => {}
                    _ => return wrong(".score", &format!("a score from {} to {}", scale.start(), scale.end())),
                }
                let slot = if q.kind == QuestionKind::Csat { &mut scores.csat } else { &mut scores.nps };
                slot.get_or_insert(a.score.expect("checked above"));
            }
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
                let in_range = a.choices.iter().all(|&c| (c as usize) < q.options.len());
                let distinct = a.choices.iter().enumerate().all(|(k, c)| !a.choices[..k].contains(c));
                let count_ok = if q.kind == QuestionKind::SingleChoice { a.choices.len() == 1 } else { !a.choices.is_empty() };
                if !(in_range && distinct && count_ok) || a.score.is_some() || a.text.is_some() {
                    return wrong(".choices", if q.kind == QuestionKind::SingleChoice { "one of the options" } else { "one or more of the options" });
                }
            }
            QuestionKind::FreeText => {
                let text = a.text.as_deref().unwrap_or_default();
                let bad = text.chars().count() > ANSWER_MAX || text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
                if bad || a.score.is_some() || !a.choices.is_empty() {
                    return wrong(".text", &format!("text of at most {ANSWER_MAX} characters"));
                }
                scores.comment.get_or_insert_with(|| text.trim().to_string());
            }
        }
    }
    if let Some(missing) = questionnaire.questions.iter().find(|q| q.required && !answers.iter().any(|a| a.question == q.id)) {
        return Err(at("answers".into(), "missing_field", format!("question {} needs an answer", missing.id)));
    }
    Ok(scores)
}

/// How a survey greets the customer: the given name only, never the full name. For a Chinese
/// name that is what follows the surname (a two-character one where it is a known compound);
/// otherwise the first word.
pub fn first_name(full: &str) -> String {
    const COMPOUND: &[&str] = &["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯", "尉迟", "长孙"];
    let full = full.trim();
    let cjk = full.chars().next().is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    if !cjk {
        return full.split_whitespace().next().unwrap_or_default().to_string();
    }
    let surname = COMPOUND.iter().find(|s| full.starts_with(**s)).map_or(1, |s| s.chars().count());
    let given: String = full.chars().skip(surname).collect();
    if given.is_empty() { full.to_string() } else { given }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(question: &str) -> Answer {
        Answer { question: question.into(), ..Answer::default() }
    }

    fn scored(question: &str, score: u8) -> Answer {
        Answer { score: Some(score), ..answer(question) }
    }

    #[test]
    fn the_standard_surveys_are_valid() {
        assert_eq!(Questionnaire::standard().validate(), Ok(()));
        assert_eq!(Questionnaire::after_complaint().validate(), Ok(()));
    }

    #[test]
    fn a_template_names_the_field_it_gets_wrong() {
        let mut t = Questionnaire::standard();
        t.questions[2].options.truncate(1);
        assert_eq!(t.validate().unwrap_err().field, "questions[2].options");
        let mut t = Questionnaire::standard();
        t.questions[0].options.push(Text::new("a", "b"));
        assert_eq!(t.validate().unwrap_err().field, "questions[0].options");
        let mut t = Questionnaire::standard();
        t.questions[1].id = "overall".into();
        assert_eq!(t.validate().unwrap_err().field, "questions[1].id");
        let mut t = Questionnaire::standard();
        t.questions[3].options[1].en = " ".into();
        let e = t.validate().unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("questions[3].options[1].en", "missing_field"));
        let mut t = Questionnaire::standard();
        t.questions.clear();
        assert_eq!(t.validate().unwrap_err().field, "questions");
    }

    #[test]
    fn answers_are_checked_against_their_questions() {
        let t = Questionnaire::standard();
        let ok = vec![
            scored("overall", 4),
            scored("recommend", 9),
            Answer { choices: vec![1], ..answer("channel") },
            Answer { choices: vec![0, 3], ..answer("improve") },
            Answer { text: Some(" 很好 ".into()), ..answer("comment") },
        ];
        assert_eq!(check(&t, &ok), Ok(Scores { csat: Some(4), nps: Some(9), comment: Some("很好".into()) }));
        // Optional questions may be left out.
        assert_eq!(check(&t, &ok[..2]).map(|s| s.comment), Ok(None));

        let table: Vec<(Vec<Answer>, &str)> = vec![
            (vec![scored("overall", 6), scored("recommend", 9)], "answers[0].score"),
            (vec![scored("overall", 0), scored("recommend", 9)], "answers[0].score"),
            (vec![scored("overall", 3), scored("recommend", 11)], "answers[1].score"),
            (vec![scored("overall", 3)], "answers"),
            (vec![answer("overall"), scored("recommend", 1)], "answers[0]"),
            (vec![scored("overall", 3), scored("recommend", 1), scored("overall", 4)], "answers[2].question"),
            (vec![scored("overall", 3), scored("recommend", 1), scored("nope", 4)], "answers[2].question"),
            (vec![scored("overall", 3), scored("recommend", 1), Answer { choices: vec![0, 1], ..answer("channel") }], "answers[2].choices"),
            (vec![scored("overall", 3), scored("recommend", 1), Answer { choices: vec![4], ..answer("channel") }], "answers[2].choices"),
            (vec![scored("overall", 3), scored("recommend", 1), Answer { choices: vec![2, 2], ..answer("improve") }], "answers[2].choices"),
            (vec![scored("overall", 3), scored("recommend", 1), scored("comment", 3)], "answers[2].text"),
            (vec![scored("overall", 3), scored("recommend", 1), Answer { text: Some("x".repeat(ANSWER_MAX + 1)), ..answer("comment") }], "answers[2].text"),
        ];
        for (answers, field) in table {
            assert_eq!(check(&t, &answers).map_err(|e| e.field), Err(field.to_string()), "{answers:?}");
        }
    }

    #[test]
    fn low_scores_call_for_service_recovery() {
        let low = |csat, nps| Scores { csat, nps, comment: None }.low();
        assert!(low(Some(2), Some(9)));
        assert!(low(Some(5), Some(6)));
        assert!(!low(Some(3), Some(7)));
        assert!(!low(None, None));
        assert!(low(None, Some(0)));
    }

    #[test]
    fn the_greeting_uses_the_given_name_only() {
        assert_eq!(first_name("王伟"), "伟");
        assert_eq!(first_name("李秀英"), "秀英");
        assert_eq!(first_name("欧阳娜娜"), "娜娜");
        assert_eq!(first_name("Emily Chen"), "Emily");
        assert_eq!(first_name("王"), "王");
    }
}
