import type { CaseKeyStore } from '../../src/ports/cipher'

/**
 * The wrapped case keys in D1 (`case_keys`, migration 0120; issue 14 §10). Rows hold only keys wrapped by
 * the master key. Erasure deletes the row in the same transaction as the case (d1-privacy-store.ts).
 */
export class D1CaseKeyStore implements CaseKeyStore {
  constructor(private readonly db: D1Database) {}

  async get(caseId: string): Promise<string | null> {
    const row = await this.db
      .prepare('SELECT key_enc FROM case_keys WHERE case_id = ?1')
      .bind(caseId)
      .first<{ key_enc: string }>()
    return row?.key_enc ?? null
  }

  async putIfAbsent(caseId: string, keyEnc: string, at: string): Promise<string> {
    const row = await this.db
      .prepare(
        `INSERT INTO case_keys (case_id, key_enc, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (case_id) DO UPDATE SET case_id = case_id RETURNING key_enc`,
      )
      .bind(caseId, keyEnc, at)
      .first<{ key_enc: string }>()
    if (!row) throw new Error('case key not stored')
    return row.key_enc
  }
}
