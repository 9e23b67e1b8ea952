-- Issue 13 §16: a reply that could not be delivered after retries is marked on the user's conversation, so
-- their next message first gets the card they missed (rebuilt from the draft: no content is stored here).
ALTER TABLE teams_conversations ADD COLUMN missed_at TEXT;
