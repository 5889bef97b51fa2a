-- How the customer's identity was verified for a case, and whether the case is sensitive (card
-- loss, transfer dispute, password reset, personal data change): those need a verified identity
-- before they are resolved, and show a fraud-risk warning.
ALTER TABLE cases ADD COLUMN sensitive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN identity TEXT NOT NULL DEFAULT 'not_verified';
