//! The password policy: long, not common, not the person's own name or e-mail.
//!
//! It follows NIST SP 800-63B §5.1.1.2: a length floor and a check against known-bad passwords
//! instead of composition rules (which make passwords harder to remember, not to guess), no
//! ceiling below 64 characters, and every Unicode character allowed (a Chinese passphrase is a
//! good passphrase).

use std::collections::BTreeSet;

/// The fewest characters a password may have.
pub const MIN_CHARS: usize = 12;
/// The most characters a password may have: long enough for any passphrase, short enough that
/// hashing it costs nothing extra.
pub const MAX_CHARS: usize = 128;
/// The fewest different characters: `aaaaaaaaaaaa` and `abababababab` are not passwords.
const MIN_DISTINCT: usize = 5;

/// What makes a password unacceptable; each has its own error code, so the app can say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    TooShort,
    TooLong,
    /// A well-known password, or one with only digits or symbols added to it.
    Common,
    /// Contains the person's name or the name part of their e-mail address.
    Personal,
    /// Too few different characters.
    Repetitive,
    ControlCharacters,
}

impl Weakness {
    pub fn code(self) -> &'static str {
        match self {
            Weakness::TooShort => "password_too_short",
            Weakness::TooLong => "password_too_long",
            Weakness::Common => "password_common",
            Weakness::Personal => "password_personal",
            Weakness::Repetitive => "password_repetitive",
            Weakness::ControlCharacters => "password_control_characters",
        }
    }

    pub fn message(self) -> String {
        match self {
            Weakness::TooShort => format!("must be at least {MIN_CHARS} characters"),
            Weakness::TooLong => format!("must be at most {MAX_CHARS} characters"),
            Weakness::Common => "is a well-known password".into(),
            Weakness::Personal => "contains your name or e-mail address".into(),
            Weakness::Repetitive => format!("needs at least {MIN_DISTINCT} different characters"),
            Weakness::ControlCharacters => "contains control characters".into(),
        }
    }
}

/// Passwords that lists of leaked passwords open with, and words people build them from
/// (checked after trailing digits and symbols are taken off, so `Password2026!` is caught).
const COMMON: &[&str] = &[
    "password", "passw0rd", "p@ssw0rd", "qwerty", "qwertyuiop", "asdfghjkl", "zxcvbnm", "iloveyou", "woaini", "woaini1314",
    "admin", "administrator", "welcome", "letmein", "monkey", "dragon", "football", "baseball", "sunshine", "princess",
    "abc", "abcd", "abcdef", "abcdefg", "abcdefgh", "abcdefghijkl", "aaaaaa", "qazwsx", "1qaz2wsx", "qweasd", "qweasdzxc",
    "123456789012", "1234567890", "12345678910", "111111111111", "000000000000", "123123123123", "888888888888",
    "666666666666", "147258369", "987654321", "changeme", "trustno1", "master", "superman", "batman", "shadow", "secret",
    "bank", "banking", "service", "customer", "kefu", "default", "test", "testing", "guest", "user", "login", "system",
];

/// Checks a password for a person with this e-mail address and name.
pub fn check(password: &str, email: &str, name: &str) -> Result<(), Weakness> {
    if password.chars().any(char::is_control) {
        return Err(Weakness::ControlCharacters);
    }
    let length = password.chars().count();
    if length < MIN_CHARS {
        return Err(Weakness::TooShort);
    }
    if length > MAX_CHARS {
        return Err(Weakness::TooLong);
    }
    let lower = password.to_lowercase();
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    if COMMON.contains(&lower.as_str()) || COMMON.contains(&core) || lower.chars().all(|c| c.is_ascii_digit()) {
        return Err(Weakness::Common);
    }
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    let name = name.trim().to_lowercase();
    // A Chinese name of two characters is already a real part of a password; a Latin name part
    // shorter than four letters (e.g. "li") would refuse too many good ones.
    let personal = |part: &str| {
        let chars = part.chars().count();
        let long_enough = if part.chars().any(|c| c.is_ascii_alphabetic()) { chars >= 4 } else { chars >= 2 };
        long_enough && lower.contains(part)
    };
    if personal(&local) || personal(&name) || name.split_whitespace().any(|p| p != name && personal(p)) {
        return Err(Weakness::Personal);
    }
    if lower.chars().collect::<BTreeSet<_>>().len() < MIN_DISTINCT {
        return Err(Weakness::Repetitive);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_uncommon_passwords_pass_in_any_script() {
        for good in ["kefu-demo-2026", "correct horse battery staple", "我的密码是一首很长很长的诗", "Zürich-Bahnhof-7", "🐼🐼 熊猫 panda 🎋🎋"] {
            assert_eq!(check(good, "li.wei@bank.cn", "李伟"), Ok(()), "{good}");
        }
    }

    #[test]
    fn each_weakness_is_named() {
        let email = "zhang.min@bank.cn";
        let name = "张敏 Zhang Min";
        let table = [
            ("short-pass1", Weakness::TooShort),
            ("十一个字的中文密码好吗", Weakness::TooShort),
            ("Password2026!", Weakness::Common),
            ("  qwertyuiop  ", Weakness::Common),
            ("123456789012", Weakness::Common),
            ("20262026202620", Weakness::Common),
            ("i-am-zhang.min-here", Weakness::Personal),
            ("my name is ZHANG forever", Weakness::Personal),
            ("张敏的银行账户密码很长很长", Weakness::Personal),
            ("abababababab", Weakness::Repetitive),
            ("tab\tinside-password", Weakness::ControlCharacters),
        ];
        for (password, weakness) in table {
            assert_eq!(check(password, email, name), Err(weakness), "{password}");
        }
        assert_eq!(check(&"长".repeat(MAX_CHARS + 1), email, name), Err(Weakness::TooLong));
        assert_eq!(check(&format!("{}abcde", "长".repeat(MAX_CHARS - 5)), email, name), Ok(()));
    }

    #[test]
    fn short_latin_name_parts_do_not_refuse_a_password() {
        // "li" and "wu" are in many good passphrases.
        assert_eq!(check("delivery-window-42", "li@bank.cn", "Li Wu"), Ok(()));
    }

    #[test]
    fn codes_are_distinct() {
        let all = [
            Weakness::TooShort,
            Weakness::TooLong,
            Weakness::Common,
            Weakness::Personal,
            Weakness::Repetitive,
            Weakness::ControlCharacters,
        ];
        let codes: BTreeSet<_> = all.iter().map(|w| w.code()).collect();
        assert_eq!(codes.len(), all.len());
        assert!(all.iter().all(|w| !w.message().is_empty()));
    }
}
