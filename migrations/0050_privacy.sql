-- Privacy and security (docs/security.md, docs/privacy.md).

-- Key rotation re-encrypts `case_events.data_enc` under the active key. The timeline stays append-only
-- for everything it says (who, when, what): only the ciphertext column may be rewritten, and only by
-- a value of the same shape (a `v1.` ciphertext, never NULL or plaintext).
DROP TRIGGER case_events_no_update;

CREATE TRIGGER case_events_no_update
BEFORE UPDATE OF id, case_id, seq, at, actor_key, surface, type, from_status, to_status ON case_events
BEGIN
  SELECT RAISE(ABORT, 'case_events is append-only');
END;

CREATE TRIGGER case_events_rekey_only
BEFORE UPDATE OF data_enc ON case_events
WHEN OLD.data_enc IS NULL OR NEW.data_enc IS NULL OR substr(NEW.data_enc, 1, 3) <> 'v1.'
BEGIN
  SELECT RAISE(ABORT, 'case_events is append-only');
END;

-- Conversation keys (`surface:tenant:user`, identity keys like cases.referrer_key) that have a draft
-- Durable Object, so key rotation and retention can reach every draft. No draft content here.
CREATE TABLE draft_keys (
  key TEXT PRIMARY KEY,
  created_at TEXT NOT NULL
);

-- Fixed-window request counters per bucket (`surface:tenant` or `surface:tenant:user`) and window start
-- (Unix seconds). Old windows are deleted by the daily retention job.
CREATE TABLE rate_limits (
  bucket TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
