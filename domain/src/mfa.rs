//! Two-factor sign-in (TOTP, RFC 6238): a code from the user's authenticator app, checked with
//! one step of drift either way and accepted once (a step at or before the last one used is
//! refused, so a code seen over a shoulder cannot be replayed), and single-use recovery codes.
//! The HMAC arithmetic and its constant-time comparison are `totp-rs`'s.

use totp_rs::{Algorithm, TOTP};

/// Seconds a code is good for (RFC 6238's default, what every authenticator app uses).
pub const STEP_SECONDS: u64 = 30;
/// Digits in a code.
pub const DIGITS: usize = 6;
/// Bytes of a new secret: 160 bits, RFC 4226's recommendation.
pub const SECRET_BYTES: usize = 20;
/// Recovery codes shown at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// Minutes a password-checked sign-in waits for its code.
pub const PENDING_MINUTES: i64 = 5;

/// The secret as authenticator apps take it: base32 without padding.
pub fn encode_secret(secret: &[u8]) -> String {
    base32::encode(base32::Alphabet::Rfc4648 { padding: false }, secret)
}

pub fn decode_secret(text: &str) -> Option<Vec<u8>> {
    base32::decode(base32::Alphabet::Rfc4648 { padding: false }, text)
}

/// The `otpauth://` address an authenticator app scans (Key Uri Format).
pub fn otpauth_url(secret: &[u8], issuer: &str, account: &str) -> String {
    let label = format!("{}:{}", urlencoding_like(issuer), urlencoding_like(account));
    format!(
        "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        encode_secret(secret),
        urlencoding_like(issuer)
    )
}

fn urlencoding_like(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The time step a code at `now_s` (seconds since the epoch) matches — the current one, or one
/// either side — if it is later than `last_used`; `None` for a wrong, malformed or replayed code.
pub fn verify(secret: &[u8], code: &str, now_s: u64, last_used: Option<u64>) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Skew 0: each step is tried on its own, so the one that matched is known.
    let totp = TOTP::new_unchecked(Algorithm::SHA1, DIGITS, 0, STEP_SECONDS, secret.to_vec());
    let current = now_s / STEP_SECONDS;
    let mut found = None;
    // Every candidate is compared (no early exit), so timing does not tell which matched.
    for step in [current.saturating_sub(1), current, current + 1] {
        if totp.check(&code, step * STEP_SECONDS) && last_used.is_none_or(|last| step > last) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// A recovery code as typed: spaces and dashes dropped, lower case, for hashing.
pub fn normalize_recovery(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// A recovery code of 10 random bytes, as shown: four groups of four base32 letters and digits.
pub fn recovery_code(bytes: &[u8; 10]) -> String {
    let text = base32::encode(base32::Alphabet::Rfc4648 { padding: false }, bytes).to_lowercase();
    text.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 secret, and its codes (the last six of eight digits).
    const SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_are_rfc_6238s_and_one_step_of_drift_either_way_is_allowed() {
        assert_eq!(verify(SECRET, "287082", 59, None), Some(1));
        assert_eq!(verify(SECRET, "081804", 1_111_111_109, None), Some(1_111_111_109 / 30));
        assert_eq!(verify(SECRET, "005924", 1_234_567_890, None), Some(1_234_567_890 / 30));
        // The code of step 1 is still good 30 s later (step 2) and before it (step 0), not after.
        assert_eq!(verify(SECRET, "287082", 89, None), Some(1));
        assert_eq!(verify(SECRET, "287082", 1, None), Some(1));
        assert_eq!(verify(SECRET, "287082", 120, None), None);
        assert_eq!(verify(SECRET, " 287 082 ", 59, None), Some(1), "spaces as typed are ignored");
        for bad in ["28708", "2870821", "28708a", "", "000000"] {
            assert_eq!(verify(SECRET, bad, 59, None), None, "{bad:?}");
        }
    }

    #[test]
    fn a_code_is_accepted_once() {
        let step = verify(SECRET, "287082", 59, None).unwrap();
        assert_eq!(verify(SECRET, "287082", 60, Some(step)), None, "the same code again is refused");
        // The next step's code is fresh.
        let next = TOTP::new_unchecked(Algorithm::SHA1, DIGITS, 0, STEP_SECONDS, SECRET.to_vec()).generate(60);
        assert_eq!(verify(SECRET, &next, 60, Some(step)), Some(2));
    }

    #[test]
    fn secrets_and_recovery_codes_read_as_typed() {
        let secret = [7u8; SECRET_BYTES];
        assert_eq!(decode_secret(&encode_secret(&secret)).as_deref(), Some(&secret[..]));
        assert_eq!(encode_secret(&secret).len(), 32, "160 bits in base32");
        let url = otpauth_url(&secret, "客服系统 Kefu", "agent@demo.kefu");
        assert!(url.starts_with("otpauth://totp/%E5%AE%A2"), "{url}");
        assert!(url.contains(":agent@demo.kefu?secret=") && url.ends_with("&algorithm=SHA1&digits=6&period=30"), "{url}");
        let code = recovery_code(&[0xA5; 10]);
        assert_eq!(code.len(), 16 + 3, "four groups of four: {code}");
        assert_eq!(normalize_recovery(&code.to_uppercase().replace('-', " ")), code.replace('-', ""));
    }
}
