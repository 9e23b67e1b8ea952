-- ret-intake storage. Personal data lives only in *_enc columns (AES-256-GCM, see adapters/crypto);
-- every other column is non-personal: identity keys, statuses, enums, timestamps.

-- Cases. `version` is bumped by every change (optimistic concurrency) and equals the seq of the
-- latest event in case_events.
CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'in_triage', 'info_requested',
    'accepted', 'scheduled', 'advised', 'closed', 'withdrawn', 'declined')),
  suggested_intervention TEXT NOT NULL,
  chosen_intervention TEXT,
  municipality TEXT NOT NULL,
  age_band TEXT NOT NULL,
  urgency TEXT NOT NULL CHECK (urgency IN ('acuut', 'spoed', 'regulier')),
  flags_json TEXT NOT NULL DEFAULT '[]',
  consultation INTEGER NOT NULL DEFAULT 0 CHECK (consultation IN (0, 1)),
  referrer_key TEXT NOT NULL,
  lead_key TEXT,
  created_at TEXT NOT NULL,
  status_since TEXT NOT NULL,
  submitted_at TEXT,
  triaged_at TEXT,
  scheduled_for TEXT,
  advised_at TEXT,
  follow_up_done_at TEXT,
  closed_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  intake_enc TEXT NOT NULL,
  pseudonym_enc TEXT,
  idempotency_key TEXT NOT NULL UNIQUE
);
CREATE INDEX cases_referrer ON cases (referrer_key, created_at);
CREATE INDEX cases_status ON cases (status);

-- The append-only timeline: who, when, what (type, from → to); the why (reasons, questions, advice)
-- is free text and lives encrypted in data_enc.
CREATE TABLE case_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  actor_key TEXT NOT NULL,
  surface TEXT NOT NULL,
  type TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  data_enc TEXT,
  UNIQUE (case_id, seq)
);

CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN
  SELECT RAISE(ABORT, 'case_events is append-only');
END;

-- An event's seq must be the case's current version: the UPDATE that bumps the version runs first in
-- the same transaction, so an insert after a lost race aborts the whole change.
CREATE TRIGGER case_events_seq_matches_version BEFORE INSERT ON case_events
WHEN NEW.seq IS NOT (SELECT version FROM cases WHERE id = NEW.case_id)
BEGIN
  SELECT RAISE(ABORT, 'version_conflict');
END;

-- Routing suggestions (non-personal: interventions, rule ids, field names, bilingual reasons).
CREATE TABLE routing_decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  decision_json TEXT NOT NULL
);
CREATE INDEX routing_decisions_case ON routing_decisions (case_id, id);

-- Reference numbers per year: only ever counted up, so a reference is never reused, not even after
-- the case was erased.
CREATE TABLE reference_counters (
  year INTEGER PRIMARY KEY,
  last INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (scope, key)
);

-- Every view, download, change, export and erasure (DESIGN.md §6). Append-only; non-personal.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor_key TEXT NOT NULL,
  surface TEXT NOT NULL,
  action TEXT NOT NULL,
  case_reference TEXT,
  request_id TEXT,
  detail TEXT
);
CREATE INDEX audit_log_reference ON audit_log (case_reference, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- The queue consumer's ledger: a job id (per handler) seen twice is acted on once.
CREATE TABLE processed_jobs (
  job_id TEXT PRIMARY KEY,
  at TEXT NOT NULL
);
