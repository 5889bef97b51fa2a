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
}
