-- The dashboard's satisfaction figures drill down to the cases behind them (issue 8): each case
-- carries its latest survey answer's time and CSAT score, kept by a trigger as answers come in,
-- so `date=answered` lists walk one (date, id) index like the other drill-downs (0017).
-- Answers to general surveys (the quarterly one) ask about no case and have none to list.
ALTER TABLE cases ADD COLUMN answered_at INTEGER;
ALTER TABLE cases ADD COLUMN answer_csat INTEGER;

-- A case's answers, newest last (the backfill below, and the case's answers in order).
CREATE INDEX survey_answers_by_case ON survey_answers (case_id, created_at) WHERE case_id IS NOT NULL;

UPDATE cases SET
  answered_at = (SELECT MAX(a.created_at) FROM survey_answers a WHERE a.case_id = cases.id),
  answer_csat = (SELECT a.csat FROM survey_answers a WHERE a.case_id = cases.id ORDER BY a.created_at DESC LIMIT 1)
WHERE id IN (SELECT DISTINCT case_id FROM survey_answers WHERE case_id IS NOT NULL);

CREATE INDEX cases_by_answered ON cases (answered_at, id) WHERE answered_at IS NOT NULL;

CREATE TRIGGER survey_answers_on_case AFTER INSERT ON survey_answers
WHEN NEW.case_id IS NOT NULL
BEGIN
  UPDATE cases SET answered_at = NEW.created_at, answer_csat = NEW.csat
  WHERE id = NEW.case_id AND (answered_at IS NULL OR answered_at <= NEW.created_at);
END;
