-- The referrer's follow-up answers after the advice (issue 15 §1): advice followed, care started and its
-- date, goals reached, stopped early, usefulness 1–5, and when they were given. Non-personal enums, a date
-- and a number, kept in plain for monitoring (aggregates only); the referrer's free-text note travels
-- encrypted in the case's timeline (case_events.data_enc), never here. NULL until answered.
ALTER TABLE cases ADD COLUMN follow_up_json TEXT;
