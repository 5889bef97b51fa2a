-- The knowledge base (issue 10): FAQ articles in both languages, the search index of their terms
-- (domain::knowledge), searches that found nothing, and what the web form's suggestions did.

-- Articles: as many as the institution writes (hundreds), not growing with the business.
CREATE TABLE articles (
  id TEXT PRIMARY KEY,
  category TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',          -- a JSON array of strings
  title_zh TEXT NOT NULL DEFAULT '',
  body_zh TEXT NOT NULL DEFAULT '',
  title_en TEXT NOT NULL DEFAULT '',
  body_en TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
  views INTEGER NOT NULL DEFAULT 0,
  helpful INTEGER NOT NULL DEFAULT 0,
  author_id TEXT REFERENCES users (id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  published_at INTEGER,
  version INTEGER NOT NULL DEFAULT 1
);
-- Staff's list, newest change first.
CREATE INDEX articles_by_update ON articles (updated_at DESC);

-- The search index: each term of a published article with its weight (titles and tags count
-- three times the body). Drafts have no rows, so a search only finds what customers may read.
CREATE TABLE article_terms (
  term TEXT NOT NULL,
  article_id TEXT NOT NULL REFERENCES articles (id),
  weight INTEGER NOT NULL,
  PRIMARY KEY (term, article_id)
) WITHOUT ROWID;
-- An article's rows, replaced whenever it is saved.
CREATE INDEX article_terms_by_article ON article_terms (article_id);

-- Searches that found nothing, one row per search (its terms, as the key), counted.
CREATE TABLE missed_searches (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  query TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_at INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  dismissed_at INTEGER
);
-- The list admins act on: those not dismissed, most recent first.
CREATE INDEX missed_searches_open ON missed_searches (last_at DESC) WHERE dismissed_at IS NULL;

-- The web form's suggestions: a customer said an article answered them ('answered'), or sent
-- the form after articles were suggested ('submitted', with the case it became).
CREATE TABLE deflections (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'submitted')),
  article_id TEXT,
  case_id TEXT,
  shown INTEGER NOT NULL DEFAULT 0
);
-- The insights' count over the last 30 days.
CREATE INDEX deflections_by_outcome ON deflections (outcome, at);
