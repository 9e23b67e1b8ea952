-- Teams surface (adapters/teams, src/routes/teams.ts).

-- Inbound deliveries seen, per tenant and activity id: a repeated delivery never runs twice.
-- `state` is 'processing' while the first delivery runs (a crashed one can be taken over after 2
-- minutes) and 'done' after. No content of the activity is kept.
CREATE TABLE teams_activities (
  activity_key TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('processing', 'done')),
  claimed_at TEXT NOT NULL
);
CREATE INDEX teams_activities_claimed_at ON teams_activities (claimed_at);

-- Conversation references for proactive messages, one per user (`teams:<tenant>:<aadObjectId>`).
-- Identifiers only: no display name, no message content.
CREATE TABLE teams_conversations (
  user_key TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  bot_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  service_url TEXT NOT NULL,
  lang TEXT NOT NULL CHECK (lang IN ('nl', 'en')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Proactive cards already sent, per job and user, so a retried job never posts twice; the activity
-- id lets a later card (an answered question) replace it in place.
CREATE TABLE teams_sent_cards (
  send_key TEXT PRIMARY KEY,
  user_key TEXT NOT NULL,
  activity_id TEXT,
  sent_at TEXT NOT NULL
);
