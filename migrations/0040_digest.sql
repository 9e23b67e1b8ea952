-- Reminders and the weekly digest (src/jobs/scheduled.ts, src/jobs/reminders.ts, src/jobs/digest.ts).
-- Nothing personal: case references, rule ids, ISO weeks, counts and identity keys of professionals.

-- One row per ISO week: the stalled counts per intervention and municipality (DigestSnapshot), so next
-- week's change is exact. Counts only: the stalled list itself is rebuilt from the cases when sent.
-- `generated_at` is the cron time the digest was built for; every recipient gets the digest as of then.
CREATE TABLE digests (
  week TEXT PRIMARY KEY,
  generated_at TEXT NOT NULL,
  snapshot_json TEXT NOT NULL
);

-- Digest deliveries, one per ISO week and recipient: a retried cron or queue run never sends twice.
-- A sender claims the row first ('sending'); a failed send gives the claim up, a finished one marks it
-- 'sent'. A claim left 'sending' by a crashed run may be taken over after 10 minutes.
CREATE TABLE digest_deliveries (
  week TEXT NOT NULL,
  recipient TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('sending', 'sent')),
  claimed_at TEXT NOT NULL,
  PRIMARY KEY (week, recipient)
);

-- Reminders, one per case, rule and Amsterdam day (the reminder key), claimed the same way.
-- `status_since` ties a referrer reminder to one information request: a new request counts from zero.
CREATE TABLE reminders_sent (
  reminder_key TEXT PRIMARY KEY,
  reference TEXT NOT NULL,
  rule TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('reminder', 'escalation')),
  status_since TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('sending', 'sent')),
  claimed_at TEXT NOT NULL
);
CREATE INDEX reminders_sent_case ON reminders_sent (reference, rule, status_since);
