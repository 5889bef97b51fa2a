//! The knowledge base's search terms: how an article's text and a customer's question become
//! the terms a search matches on.
//!
//! Chinese is written without spaces, so words cannot be found by splitting on them: a run of
//! Han (or kana, or Hangul) characters becomes its overlapping pairs of characters (bigrams;
//! a lone character stays itself), which match whatever the segmentation would have been —
//! "信用卡年费" and "年费" share "年费". Latin letters and digits are words, lower-cased.
//! Full-width forms (ＡＴＭ, １２３) are read as their ASCII letters and digits first.

/// Whether `c` is written without spaces between words (Han, kana, Hangul).
fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x2FA1F) // CJK extensions B–F and compatibility supplement
}

/// Full-width ASCII (U+FF01–U+FF5E) as ASCII; other characters as they are.
fn narrow(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// The search terms of `text`, in order, repeats kept (a term's count weighs it).
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    let flush_run = |run: &mut Vec<char>, out: &mut Vec<String>| {
        match run.len() {
            0 => {}
            1 => out.push(run[0].to_string()),
            _ => out.extend(run.windows(2).map(|pair| pair.iter().collect::<String>())),
        }
        run.clear();
    };
    for c in text.chars().map(narrow) {
        if is_unspaced(c) {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            run.push(c);
        } else if c.is_alphanumeric() {
            flush_run(&mut run, &mut out);
            word.extend(c.to_lowercase());
        } else {
            flush_run(&mut run, &mut out);
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
        }
    }
    flush_run(&mut run, &mut out);
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The distinct terms of a search, in the order first typed; none for a search of only
/// punctuation and spaces.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    terms(query).into_iter().filter(|t| seen.insert(t.clone())).collect()
}

/// Words too common to tell articles apart: English function words, and the Chinese pairs and
/// lone characters every question is made of ("怎么", "我的", "吗"). A search drops them.
const STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "is", "are", "be", "do", "does", "did", "how",
    "what", "when", "where", "why", "which", "who", "i", "my", "me", "you", "your", "we", "our", "it", "its", "this",
    "that", "can", "with", "from", "at", "by", "as", "if", "will", "would", "should", "could", "please", "have", "has",
    "我的", "我们", "你们", "怎么", "什么", "如何", "请问", "为什", "是否", "一下", "可以", "能否", "的", "了", "吗",
    "呢", "是", "我", "你", "在", "有", "和", "要", "么",
];

/// The terms a search matches on: [`query_terms`] without the [`STOP`] words. A search of only
/// stop words matches nothing.
pub fn search_terms(query: &str) -> Vec<String> {
    query_terms(query).into_iter().filter(|t| !STOP.contains(&t.as_str())).collect()
}

/// How much of an article a term is: titles and tags weigh [`TITLE_WEIGHT`] times the body.
pub const TITLE_WEIGHT: i64 = 3;

/// An article's terms with their weights, for the index: each term of its titles and tags
/// counts [`TITLE_WEIGHT`], of its bodies 1, summed over every occurrence.
pub fn article_terms(titles: &[&str], bodies: &[&str]) -> Vec<(String, i64)> {
    let mut weights = std::collections::BTreeMap::<String, i64>::new();
    for (texts, weight) in [(titles, TITLE_WEIGHT), (bodies, 1)] {
        for term in texts.iter().flat_map(|t| terms(t)) {
            *weights.entry(term).or_default() += weight;
        }
    }
    weights.into_iter().collect()
}

/// One row of the index: `term` occurs in `article` with `weight`.
#[derive(Debug, Clone, PartialEq)]
pub struct Posting {
    pub term: String,
    pub article: String,
    pub weight: i64,
}

/// The articles matching a search, best first (ties by id, so the order is stable): BM25's term
/// weighting over the index rows of the search's terms among `articles` published ones. A term
/// in few articles counts for more than one in many; repeats count with diminishing returns.
pub fn rank(postings: &[Posting], articles: usize) -> Vec<(String, f64)> {
    const K1: f64 = 1.2;
    let n = articles.max(1) as f64;
    let mut frequency = std::collections::BTreeMap::<&str, usize>::new();
    for p in postings {
        *frequency.entry(p.term.as_str()).or_default() += 1;
    }
    let mut scores = std::collections::BTreeMap::<&str, f64>::new();
    for p in postings {
        let df = frequency[p.term.as_str()] as f64;
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        let tf = p.weight.max(0) as f64;
        *scores.entry(p.article.as_str()).or_default() += idf * tf * (K1 + 1.0) / (tf + K1);
    }
    let mut ranked: Vec<(String, f64)> = scores.into_iter().filter(|(_, s)| *s > 0.0).map(|(a, s)| (a.to_string(), s)).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked
}

/// The start of an article's body for a result list: at most `max` characters, cut at the last
/// sentence end or space before it when there is one in its second half, with "…" when cut.
pub fn excerpt(body: &str, max: usize) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let end = cut
        .char_indices()
        .filter(|(i, c)| *i >= cut.len() / 2 && matches!(c, '。' | '！' | '？' | '；' | '.' | ' ' | '，' | ','))
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(cut.len());
    format!("{}…", cut[..end].trim_end())
}

/// A search as the admins' list of missed searches keeps it: trimmed to 100 characters, and
/// any number of 6 or more digits (a phone, card or ID number typed into the search) masked,
/// also when its groups are split by single spaces or dashes (`6222 0212 3456 7890`,
/// `139-1234-5678`) and with the check character of an 18-character ID number (`…002X`).
/// The separators are kept, so the admins still see what was typed around it.
pub fn record_text(query: &str) -> String {
    let chars: Vec<char> = query.trim().chars().take(100).collect();
    let digit = |i: usize| chars.get(i).is_some_and(|c| narrow(*c).is_ascii_digit());
    let separator = |i: usize| chars.get(i).is_some_and(|c| matches!(narrow(*c), ' ' | '-' | '\u{3000}' | '\u{2010}'..='\u{2015}'));
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if !digit(i) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The number starting here: digits, each further group after one separator.
        let start = i;
        let mut digits = 0;
        loop {
            while digit(i) {
                digits += 1;
                i += 1;
            }
            if separator(i) && digit(i + 1) {
                i += 1;
            } else {
                break;
            }
        }
        if digits == 17 && chars.get(i).is_some_and(|c| matches!(narrow(*c), 'X' | 'x')) {
            digits += 1;
            i += 1;
        }
        for &c in &chars[start..i] {
            let secret = digits >= 6 && !matches!(narrow(c), ' ' | '-' | '\u{3000}' | '\u{2010}'..='\u{2015}');
            out.push(if secret { '*' } else { c });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Vec<String> {
        terms(text)
    }

    #[test]
    fn chinese_is_searched_by_pairs_of_characters() {
        assert_eq!(t("信用卡年费"), ["信用", "用卡", "卡年", "年费"]);
        assert_eq!(t("卡"), ["卡"]);
        // Punctuation ends a run: no pair spans it.
        assert_eq!(t("挂失，补卡"), ["挂失", "补卡"]);
    }

    #[test]
    fn english_is_searched_by_lower_cased_words() {
        assert_eq!(t("Credit-card annual FEE?"), ["credit", "card", "annual", "fee"]);
        assert_eq!(t("  "), Vec::<String>::new());
    }

    #[test]
    fn mixed_text_and_full_width_forms() {
        assert_eq!(t("VISA卡境外ATM取现"), ["visa", "卡境", "境外", "atm", "取现"]);
        assert_eq!(t("ＡＴＭ取款１０００元"), ["atm", "取款", "1000", "元"]);
    }

    #[test]
    fn a_question_shares_terms_with_the_article_that_answers_it() {
        let article = t("信用卡年费标准：金卡每年 200 元，刷卡满 6 次免次年年费。");
        let question = query_terms("我的信用卡年费怎么收？");
        let shared: Vec<&String> = question.iter().filter(|q| article.contains(q)).collect();
        assert_eq!(shared, ["信用", "用卡", "卡年", "年费"]);
    }

    #[test]
    fn a_search_keeps_each_term_once_in_the_order_typed() {
        assert_eq!(query_terms("年费 年费 fee Fee"), ["年费", "fee"]);
        assert!(query_terms("？！。，").is_empty());
    }

    fn postings(corpus: &[(&str, &str)], query: &str) -> Vec<Posting> {
        let wanted = search_terms(query);
        corpus
            .iter()
            .flat_map(|(id, text)| article_terms(&[], &[text]).into_iter().map(move |(term, weight)| Posting { term, article: id.to_string(), weight }))
            .filter(|p| wanted.contains(&p.term))
            .collect()
    }

    #[test]
    fn the_article_sharing_the_rarer_terms_ranks_first() {
        let corpus = [
            ("fee", "信用卡年费标准：金卡每年200元，刷卡满6次免次年年费。"),
            ("lost", "信用卡挂失：拨打客服热线或在手机银行挂失，挂失后补办新卡。"),
            ("limit", "信用卡额度调整：在手机银行申请提高临时额度。"),
        ];
        let ranked = rank(&postings(&corpus, "我的信用卡年费怎么收？"), corpus.len());
        assert_eq!(ranked[0].0, "fee");
        let ranked = rank(&postings(&corpus, "卡丢了要挂失"), corpus.len());
        assert_eq!(ranked[0].0, "lost");
        assert!(rank(&postings(&corpus, "怎么办？我的"), corpus.len()).is_empty(), "stop words alone match nothing");
    }

    #[test]
    fn titles_weigh_more_than_bodies() {
        let weights = article_terms(&["Annual fee"], &["The fee is waived."]);
        assert!(weights.contains(&("fee".to_string(), TITLE_WEIGHT + 1)));
        assert!(weights.contains(&("waived".to_string(), 1)));
    }

    #[test]
    fn excerpts_end_at_a_sentence_when_they_can() {
        assert_eq!(excerpt("短文。", 10), "短文。");
        assert_eq!(excerpt("第一句话说明年费。第二句话说明怎样免除年费和其他费用", 12), "第一句话说明年费。…");
        assert_eq!(excerpt("one  two\nthree", 100), "one two three");
    }

    #[test]
    fn numbers_typed_into_a_search_are_not_kept() {
        assert_eq!(record_text(" 卡号6222021234567890怎么挂失 "), "卡号****************怎么挂失");
        assert_eq!(record_text("2024年 年费 200元"), "2024年 年费 200元");
        assert_eq!(record_text("１３８１２３４５６７８"), "***********");
    }

    #[test]
    fn numbers_typed_in_groups_are_masked_too() {
        assert_eq!(record_text("卡号 6222 0212 3456 7890 被盗刷"), "卡号 **** **** **** **** 被盗刷");
        assert_eq!(record_text("手机139-1234-5678收不到验证码"), "手机***-****-****收不到验证码");
        assert_eq!(record_text("139 1234 5678"), "*** **** ****");
        assert_eq!(record_text("１３９－１２３４－５６７８"), "***－****－****");
        // An ID number ends in a digit or X; the X is part of the number.
        assert_eq!(record_text("身份证11010519491231002X挂失"), "身份证******************挂失");
        assert_eq!(record_text("11010519491231002x"), "******************");
        // Short numbers and numbers split by more than one separator stay.
        assert_eq!(record_text("2024年 年费 200元"), "2024年 年费 200元");
        assert_eq!(record_text("12-34"), "12-34");
        assert_eq!(record_text("123  456"), "123  456");
        // A dash that ends the number is not part of it.
        assert_eq!(record_text("13912345678-"), "***********-");
    }
}
