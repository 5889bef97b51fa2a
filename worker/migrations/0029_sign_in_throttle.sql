-- Sign-in attempts as leaky buckets (domain::limits::Bucket), counted before the password is
-- checked in one statement (db/sign_in.rs), so parallel guesses cannot all pass the check and
-- no window boundary can be straddled. Keys are hashes of the purpose and the account (by
-- e-mail), the client (address or IPv6 /64), or both; never the e-mail or the address.
CREATE TABLE sign_in_buckets (
  key   TEXT PRIMARY KEY,
  level REAL NOT NULL,
  at    INTEGER NOT NULL
) WITHOUT ROWID;
-- Buckets that have leaked empty are deleted by the next failure (sign_in::aged).
CREATE INDEX sign_in_buckets_by_at ON sign_in_buckets (at);

-- The clients an account signed in from lately: the per-account ceiling does not hold back its
-- own person there, so guessers elsewhere cannot lock them out.
CREATE TABLE sign_in_known (
  key     TEXT PRIMARY KEY,
  last_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sign_in_known_by_last ON sign_in_known (last_at);
