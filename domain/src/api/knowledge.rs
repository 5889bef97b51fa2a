//! The knowledge base: FAQ articles staff write and customers read, what searches found nothing,
//! and whether the articles shown on the web form answered the question.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{check_text, optional_text, FieldError, Validate};
use crate::questionnaire::Text;

/// Whether customers can read an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    Published,
}

impl ArticleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Published => "published",
        }
    }

    pub fn parse(text: &str) -> Option<ArticleStatus> {
        match text {
            "draft" => Some(ArticleStatus::Draft),
            "published" => Some(ArticleStatus::Published),
            _ => None,
        }
    }
}

/// An article as staff read and edit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    pub category: String,
    pub tags: Vec<String>,
    pub title: Text,
    pub body: Text,
    pub status: ArticleStatus,
    /// Times customers opened it from the FAQ.
    pub views: i64,
    /// Times a customer said on the web form that it answered their question.
    pub helpful: i64,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub version: i64,
}

/// `POST /api/articles` (no version) and `PUT /api/articles/{id}` (with the version last read).
/// At least one language needs both a title and a body; a language may be left empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    pub category: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub title: Text,
    pub body: Text,
    pub status: ArticleStatus,
    #[serde(default)]
    pub version: Option<i64>,
}

pub const ARTICLE_TITLE_MAX: usize = 120;
pub const ARTICLE_BODY_MAX: usize = 8_000;
pub const ARTICLE_TAGS_MAX: usize = 10;

impl Validate for ArticleInput {
    fn validate(&self) -> Result<(), FieldError> {
        if !crate::case::is_category(&self.category) {
            return Err(FieldError::invalid("category", format!("category must be one of {}", crate::case::CATEGORIES.join(", "))));
        }
        if self.tags.len() > ARTICLE_TAGS_MAX {
            return Err(FieldError::invalid("tags", format!("an article has at most {ARTICLE_TAGS_MAX} tags")));
        }
        for tag in &self.tags {
            check_text("tags", tag, 30)?;
        }
        optional_text("title", &self.title.zh, ARTICLE_TITLE_MAX)?;
        optional_text("title", &self.title.en, ARTICLE_TITLE_MAX)?;
        optional_text("body", &self.body.zh, ARTICLE_BODY_MAX)?;
        optional_text("body", &self.body.en, ARTICLE_BODY_MAX)?;
        for (title, body) in [(&self.title.zh, &self.body.zh), (&self.title.en, &self.body.en)] {
            match (title.trim().is_empty(), body.trim().is_empty()) {
                (true, false) => return Err(FieldError::invalid("title", "a language with a body needs a title")),
                (false, true) => return Err(FieldError::invalid("body", "a language with a title needs a body")),
                _ => {}
            }
        }
        if self.title.zh.trim().is_empty() && self.title.en.trim().is_empty() {
            return Err(FieldError::missing("title"));
        }
        Ok(())
    }
}

impl ArticleInput {
    /// The rows the search index holds for this article: its terms and their weights while it
    /// is published (titles and tags weigh more than bodies), none while it is a draft.
    pub fn index_terms(&self) -> Vec<(String, i64)> {
        if self.status != ArticleStatus::Published {
            return Vec::new();
        }
        let mut titles: Vec<&str> = vec![&self.title.zh, &self.title.en];
        titles.extend(self.tags.iter().map(String::as_str));
        crate::knowledge::article_terms(&titles, &[&self.body.zh, &self.body.en])
    }
}

/// An article in a result list: its title and the start of its body, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleHit {
    pub id: String,
    pub category: String,
    pub tags: Vec<String>,
    pub title: Text,
    pub excerpt: Text,
    pub status: ArticleStatus,
    pub views: i64,
    pub updated_at: DateTime<Utc>,
}

/// An article as the public FAQ shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicArticle {
    pub id: String,
    pub category: String,
    pub tags: Vec<String>,
    pub title: Text,
    pub body: Text,
    pub updated_at: DateTime<Utc>,
}

/// A search that found nothing, as often as it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissedSearch {
    pub id: String,
    pub query: String,
    pub count: i64,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
}

/// What the knowledge base did for customers: its most read articles, the searches that found
/// nothing (not yet dismissed), and how often the web form's suggestions answered the question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeInsights {
    pub most_viewed: Vec<ArticleHit>,
    pub missed: Vec<MissedSearch>,
    /// Since when `answered` and `submitted` are counted (the last 30 days).
    pub since: DateTime<Utc>,
    /// Customers who said a suggested article answered their question.
    pub answered: i64,
    /// Customers who were shown articles and sent the form anyway.
    pub submitted: i64,
}

/// `POST /api/public/articles/suggest`: what the customer has typed into the web form so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestRequest {
    pub text: String,
}

impl Validate for SuggestRequest {
    fn validate(&self) -> Result<(), FieldError> {
        optional_text("text", &self.text, 4_200)
    }
}

/// `POST /api/public/deflections`: the suggested article answered the customer's question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeflectionRequest {
    pub article_id: String,
}

impl Validate for DeflectionRequest {
    fn validate(&self) -> Result<(), FieldError> {
        check_text("article_id", &self.article_id, 64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(title: Text, body: Text) -> ArticleInput {
        ArticleInput { category: "cards".into(), tags: vec![], title, body, status: ArticleStatus::Draft, version: None }
    }

    #[test]
    fn an_article_needs_one_whole_language() {
        assert!(input(Text::new("年费", "说明"), Text::default()).validate().is_err(), "a title without a body");
        assert!(input(Text::new("年费", ""), Text::new("说明", "")).validate().is_ok());
        assert!(input(Text::new("", "Fee"), Text::new("", "Body")).validate().is_ok());
        assert_eq!(input(Text::default(), Text::default()).validate().unwrap_err().field, "title");
        assert_eq!(input(Text::new("年费", "Fee"), Text::new("说明", "")).validate().unwrap_err().field, "body");
        assert_eq!(input(Text::new("", ""), Text::new("说明", "")).validate().unwrap_err().field, "title");
        let mut other = input(Text::new("年费", ""), Text::new("说明", ""));
        other.category = "nonsense".into();
        assert_eq!(other.validate().unwrap_err().field, "category");
    }
}
