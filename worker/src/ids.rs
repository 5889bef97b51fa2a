//! Random identifiers and secrets from the runtime's cryptographic generator, and the hashes
//! under which secrets are stored.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Crypto, CryptoKey, Pbkdf2Params};

use crate::error::ApiError;

/// PBKDF2 rounds: Workers' WebCrypto accepts at most 100,000, which is also our floor.
pub const PBKDF2_ROUNDS: u32 = 100_000;

fn crypto() -> Result<Crypto, ApiError> {
    // Workers expose `crypto` on the global scope, which is not a Window, so read it by name.
    let value = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
        .map_err(|_| ApiError::Internal("no crypto on the global scope".into()))?;
    Ok(value.unchecked_into())
}

fn js_err(what: &str) -> impl Fn(JsValue) -> ApiError + '_ {
    move |e| ApiError::Internal(format!("{what}: {e:?}"))
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    crypto()?.get_random_values_with_u8_array(&mut bytes).map_err(js_err("getRandomValues"))?;
    Ok(bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// A new row id: 80 random bits, hex.
pub fn new_id() -> Result<String, ApiError> {
    Ok(hex(&random_bytes::<10>()?))
}

/// A new secret token for a cookie or a link: 128 random bits, hex.
pub fn new_token() -> Result<String, ApiError> {
    Ok(hex(&random_bytes::<16>()?))
}

/// A new secret for a link that lives for weeks and opens personal details without a session
/// (an appointment's manage link): 256 random bits, hex.
pub fn new_long_token() -> Result<String, ApiError> {
    Ok(hex(&random_bytes::<32>()?))
}

/// SHA-256 of a token, hex: the only form in which tokens are stored. Computed in Rust, not
/// WebCrypto, so survey dispatch can hash thousands a chunk without a promise each.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(token.as_bytes()))
}

async fn pbkdf2(password: &str, salt: &[u8], rounds: u32) -> Result<Vec<u8>, ApiError> {
    let subtle = crypto()?.subtle();
    let usages = js_sys::Array::of1(&JsValue::from_str("deriveBits"));
    let key_data = Uint8Array::from(password.as_bytes());
    let promise = subtle
        .import_key_with_str("raw", &key_data, "PBKDF2", false, &usages)
        .map_err(js_err("importKey"))?;
    let key: CryptoKey = JsFuture::from(promise).await.map_err(js_err("importKey"))?.unchecked_into();
    let params = Pbkdf2Params::new_with_str("PBKDF2", "SHA-256", rounds, &Uint8Array::from(salt));
    let promise = subtle.derive_bits_with_object(&params, &key, 256).map_err(js_err("deriveBits"))?;
    let bits = JsFuture::from(promise).await.map_err(js_err("deriveBits"))?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// The stored form of a new password: PBKDF2-SHA256 with a fresh 128-bit salt, in the
/// `pbkdf2_sha256$rounds$salt$hash` form [`verify_password`] and the demo seed use.
pub async fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = random_bytes::<16>()?;
    let hash = pbkdf2(password, &salt, PBKDF2_ROUNDS).await?;
    Ok(format!("pbkdf2_sha256${PBKDF2_ROUNDS}${}${}", hex(&salt), hex(&hash)))
}

/// Whether `password` matches a stored hash. A malformed stored hash matches nothing.
pub async fn verify_password(password: &str, stored: &str) -> Result<bool, ApiError> {
    let mut parts = stored.split('$');
    let (Some("pbkdf2_sha256"), Some(rounds), Some(salt), Some(hash), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Ok(false);
    };
    let (Ok(rounds), Some(salt), Some(expected)) = (rounds.parse::<u32>(), unhex(salt), unhex(hash)) else {
        return Ok(false);
    };
    if rounds == 0 || rounds > PBKDF2_ROUNDS {
        return Ok(false);
    }
    let actual = pbkdf2(password, &salt, rounds).await?;
    // Compare every byte so the time taken does not say how much of the hash matched.
    let diff = actual.iter().zip(&expected).fold(actual.len() ^ expected.len(), |acc, (a, b)| {
        acc | usize::from(a ^ b)
    });
    Ok(diff == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(hex(&bytes), "0001abff");
        assert_eq!(unhex("0001abff").unwrap(), bytes);
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
    }
}
