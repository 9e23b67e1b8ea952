-- Opaque, single-use file links (issue 14 §2 and §5; docs/security.md "File links").
-- A link token is 32 random bytes (base64url) handed to one person; this table holds what it grants.
-- `id` is HMAC-SHA256(LINK_SIGNING_KEY, token): the token itself is never stored, so a copy of the
-- database opens nothing. `bound_to` is `web` (only the signed-in web identity `user_key` may use it)
-- or `chat` (issued into that person's own Slack/Teams chat, where no web identity is known: single
-- use is the binding). Every link is single-use: `used_at` is set atomically by the one request that
-- uses it. Rows carry the case reference, so erasure deletes them (a link of an erased case is then
-- unknown: 404); expired rows are deleted when new links are issued.
CREATE TABLE file_links (
  id TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('download', 'upload')),
  reference TEXT NOT NULL,
  user_key TEXT NOT NULL,
  file TEXT NOT NULL,
  bound_to TEXT NOT NULL CHECK (bound_to IN ('web', 'chat')),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX file_links_expires ON file_links (expires_at);
