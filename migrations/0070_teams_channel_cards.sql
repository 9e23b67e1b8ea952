-- Teams: where each case's card lives in the chairs' triage channel (one card per case, updated in
-- place), and how far its reply thread is. Non-personal: references, conversation and activity ids.
-- `activity_id` is NULL while a post is in flight (claimed); `thread_seq` is the last timeline event
-- posted as a reply in the card's thread (`<conversation>;messageid=<activity_id>`).
CREATE TABLE teams_channel_cards (
  reference TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  service_url TEXT NOT NULL,
  activity_id TEXT,
  claimed_at TEXT NOT NULL,
  thread_seq INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT
);
