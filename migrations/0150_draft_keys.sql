-- A draft's own data key (issue 14; docs/privacy.md §4): random 256-bit, wrapped by the active master key
-- (`v1.<kid>.…`, AAD `draftkey:<conversation key>`), kept here apart from the Durable Object that holds the
-- draft's ciphertext (`v2.draft.…`). Erasure and draft retention delete the row with the draft, so a copy of
-- the object's storage cannot be decrypted afterwards. NULL for drafts written before this migration
-- (`v1.` blobs under the master key), until they are rotated or written again.
ALTER TABLE draft_keys ADD COLUMN key_enc TEXT;
