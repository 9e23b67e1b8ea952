-- Slack: where each case's card lives in the triage channel (one card per case, updated in place with
-- chat.update) and how far its thread is. Non-personal: references, channel ids and message timestamps.
-- `ts` is NULL while a post is in flight (claimed); `thread_seq` is the last timeline event posted into
-- the card's thread, so a retried job never repeats a line and a missed one is caught up in order.
CREATE TABLE slack_messages (
  reference TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  ts TEXT,
  claimed_at TEXT NOT NULL,
  thread_seq INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT
);
