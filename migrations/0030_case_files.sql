-- Files of a case in R2 (intake PDFs, attachments such as the shared explanatory analysis).
-- The object itself is encrypted with its own data key (AES-256-GCM); `key_enc` is that key wrapped
-- by the Cipher (key id inside, so rotation works). `r2_key` is random: unguessable, no reference in it.
-- An uploaded file name may name a person: it is stored encrypted (`name_enc`).
CREATE TABLE case_files (
  -- pdf rows: `pdf:<case id>:<lang>` (one current PDF per case and language); attachments: random id.
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('pdf', 'attachment')),
  lang TEXT CHECK (lang IS NULL OR lang IN ('nl', 'en')),
  r2_key TEXT NOT NULL UNIQUE,
  key_enc TEXT NOT NULL,
  name_enc TEXT,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  -- pdf: SHA-256 of everything the PDF shows; an unchanged case is not rendered again.
  input_hash TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX case_files_case ON case_files (case_id, kind, created_at);
