//! Canned replies: texts admins write once and agents insert from the composer, with the
//! customer's name and the case's reference filled in.

/// What a placeholder in a canned reply stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    CustomerName,
    AgentName,
    Reference,
}

impl Placeholder {
    /// Every placeholder with the spellings admins may use, Chinese and English.
    pub const ALL: [(Placeholder, [&'static str; 2]); 3] = [
        (Placeholder::CustomerName, ["{客户姓名}", "{customer_name}"]),
        (Placeholder::AgentName, ["{坐席}", "{agent_name}"]),
        (Placeholder::Reference, ["{编号}", "{reference}"]),
    ];
}

/// The values a reply is filled with.
#[derive(Debug, Clone, Copy)]
pub struct Values<'a> {
    pub customer_name: &'a str,
    pub agent_name: &'a str,
    pub reference: &'a str,
}

/// The reply with every placeholder replaced; other braces are left as written.
pub fn fill(template: &str, values: Values) -> String {
    let mut text = template.to_string();
    for (placeholder, spellings) in Placeholder::ALL {
        let value = match placeholder {
            Placeholder::CustomerName => values.customer_name,
            Placeholder::AgentName => values.agent_name,
            Placeholder::Reference => values.reference,
        };
        for spelling in spellings {
            text = text.replace(spelling, value);
        }
    }
    text
}

/// Whether a reply matches what the agent typed: every word of the query (split on spaces)
/// occurs in its title or body, ignoring case. Chinese needs no word breaks: a query like
/// "年费" matches as a substring.
pub fn matches(query: &str, title: &str, body: &str) -> bool {
    let haystack = format!("{title}\n{body}").to_lowercase();
    query.split_whitespace().all(|word| haystack.contains(&word.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUES: Values = Values { customer_name: "张伟", agent_name: "李娜", reference: "KF000042" };

    #[test]
    fn placeholders_are_filled_in_either_language() {
        assert_eq!(fill("{客户姓名}您好，我是{坐席}。", VALUES), "张伟您好，我是李娜。");
        assert_eq!(fill("Dear {customer_name}, re {reference}", VALUES), "Dear 张伟, re KF000042");
        assert_eq!(fill("{customer_name} {customer_name}", VALUES), "张伟 张伟", "every occurrence");
    }

    #[test]
    fn unknown_braces_are_left_alone() {
        assert_eq!(fill("{unknown} {客户", VALUES), "{unknown} {客户");
    }

    #[test]
    fn search_matches_every_word_in_title_or_body() {
        assert!(matches("年费", "信用卡年费说明", "……"));
        assert!(matches("annual FEE", "Card fees", "The annual fee is waived"));
        assert!(!matches("annual loan", "Card fees", "The annual fee is waived"));
        assert!(matches("", "anything", ""), "an empty query lists everything");
    }
}
