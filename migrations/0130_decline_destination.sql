-- Where a declined case was sent instead (issue 15 §3): a category from a closed list (src/domain/decline.ts),
-- chosen by the chair when declining, kept in plain for monitoring (aggregates only). The chair's free-text
-- advice stays encrypted in the timeline. NULL for every other case, and for cases declined before this
-- column existed (monitoring counts those as "other").
ALTER TABLE cases ADD COLUMN decline_destination TEXT;
