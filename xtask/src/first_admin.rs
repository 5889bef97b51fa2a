//! `cargo xtask first-admin`: the SQL that creates a new deployment's first admin, invited like
//! anyone else (no password until they set one from the link), and the link to send them.
//! Every later account is invited from Settings → Users.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use domain::api::{Invitation, Validate};
use domain::Role;
use sha2::{Digest, Sha256};

/// How long the link works, as an invitation from the app does.
const LINK_HOURS: i64 = 72;

fn random_hex<const N: usize>() -> Result<String> {
    let mut bytes = [0u8; N];
    std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).context("reading /dev/urandom")?;
    Ok(crate::seed::hex(&bytes))
}

/// A SQL string literal.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The statements for an admin `name` <`email`>, whose link carries `token`.
pub fn sql(id: &str, email: &str, name: &str, token: &str, now_ms: i64) -> String {
    let hash = crate::seed::hex(&Sha256::digest(token.as_bytes()));
    let expires = now_ms + LINK_HOURS * 3_600_000;
    format!(
        "INSERT INTO users (id, email, name, role, team_id, password_hash, active, created_at) VALUES ({id}, {email}, {name}, 'admin', NULL, '', 1, {now_ms});\n\
         INSERT INTO password_links (id, user_id, purpose, created_at, expires_at) VALUES ('{hash}', {id}, 'invite', {now_ms}, {expires});\n\
         INSERT INTO audit_events (at, actor_id, action, entity, entity_id) VALUES ({now_ms}, NULL, 'user_invited', 'user', {id});\n",
        id = quote(id),
        email = quote(email),
        name = quote(name),
    )
}

pub fn command(args: &[String]) -> Result<ExitCode> {
    let (mut email, mut name, mut url, mut out) = (None, None, "http://127.0.0.1:8787".to_string(), "first-admin.sql".to_string());
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().with_context(|| format!("{flag} needs a value"))?.clone();
        match flag.as_str() {
            "--email" => email = Some(value),
            "--name" => name = Some(value),
            "--url" => url = value.trim_end_matches('/').to_string(),
            "--out" => out = value,
            _ => bail!("unknown flag {flag}"),
        }
    }
    let (Some(email), Some(name)) = (email, name) else {
        bail!("usage: cargo xtask first-admin --email ADDRESS --name NAME [--url PUBLIC_URL] [--out FILE]");
    };
    // The checks an invitation from Settings → Users passes.
    let invitation = Invitation { name: name.clone(), email: email.clone(), role: Role::Admin, team_id: None };
    if let Err(e) = invitation.validate() {
        bail!("--{}: {}", e.field, e.message);
    }
    let token = random_hex::<16>()?;
    std::fs::write(&out, sql(&random_hex::<10>()?, email.trim(), name.trim(), &token, chrono::Utc::now().timestamp_millis()))?;
    let path = std::fs::canonicalize(&out)?;
    println!("Wrote {out}. Create the account, then send the link to {email} (it works once, for {LINK_HOURS} hours):");
    println!("  cd worker && wrangler d1 execute kefu --remote --file {}", path.display());
    println!("  {url}/password/{token}");
    println!("Delete {out} afterwards; the link is not in it, only its hash.");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sql_quotes_text_and_stores_only_the_tokens_hash() {
        let sql = sql("abc", "o'neil@bank.cn", "奥 尼尔", "00ff", 1_000);
        assert!(sql.contains("'o''neil@bank.cn'"), "{sql}");
        assert!(!sql.contains("00ff'"), "the token itself is not stored");
        assert!(sql.contains(&format!("{}", 1_000 + LINK_HOURS * 3_600_000)));
        assert_eq!(sql.lines().count(), 3);
    }
}
