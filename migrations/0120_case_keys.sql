-- Per-case data keys (issue 14 §10; docs/privacy.md §5). Each case has its own random 256-bit key,
-- stored wrapped by the active master key (`v1.<kid>.…`, AAD `casekey:<case id>`). Every personal value
-- of the case (intake, pseudonym, timeline data, file keys and names) is encrypted under it (`v2.case.…`).
-- Erasure deletes the row: copies of the case's ciphertext in D1 free pages, Time Travel or R2 can then
-- no longer be decrypted. No foreign key: the key is made just before the case row is written.
CREATE TABLE case_keys (
  case_id TEXT PRIMARY KEY,
  key_enc TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- `ret rotate-key` moves timeline data written before case keys (`v1.`) to the case key (`v2.`): the
-- ciphertext column may take either shape, never NULL or plaintext.
DROP TRIGGER case_events_rekey_only;

CREATE TRIGGER case_events_rekey_only
BEFORE UPDATE OF data_enc ON case_events
WHEN OLD.data_enc IS NULL OR NEW.data_enc IS NULL
  OR (substr(NEW.data_enc, 1, 3) <> 'v1.' AND substr(NEW.data_enc, 1, 3) <> 'v2.')
BEGIN
  SELECT RAISE(ABORT, 'case_events is append-only');
END;
