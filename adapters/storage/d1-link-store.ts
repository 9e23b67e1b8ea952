import type { LinkBinding, LinkPurpose, LinkStore, StoredLink } from '../../src/ports/links'

interface Row {
  id: string
  purpose: LinkPurpose
  reference: string
  user_key: string
  file: string
  bound_to: LinkBinding
  created_at: string
  expires_at: string
  used_at: string | null
}

/** `LinkStore` on D1 (`file_links`, migrations/0080). */
export class D1LinkStore implements LinkStore {
  constructor(private readonly db: D1Database) {}

  async put(link: StoredLink): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO file_links (id, purpose, reference, user_key, file, bound_to, created_at, expires_at, used_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`,
      )
      .bind(
        link.id,
        link.purpose,
        link.reference,
        link.userKey,
        link.file,
        link.boundTo,
        link.createdAt,
        link.expiresAt,
        link.usedAt,
      )
      .run()
  }

  async get(id: string): Promise<StoredLink | null> {
    const row = await this.db.prepare('SELECT * FROM file_links WHERE id = ?1').bind(id).first<Row>()
    if (!row) return null
    return {
      id: row.id,
      purpose: row.purpose,
      reference: row.reference,
      userKey: row.user_key,
      file: row.file,
      boundTo: row.bound_to,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      usedAt: row.used_at,
    }
  }

  async consume(id: string, atIso: string): Promise<boolean> {
    const result = await this.db
      .prepare('UPDATE file_links SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL AND expires_at > ?2')
      .bind(id, atIso)
      .run()
    return result.meta.changes === 1
  }

  async release(id: string, usedAtIso: string): Promise<void> {
    await this.db
      .prepare('UPDATE file_links SET used_at = NULL WHERE id = ?1 AND used_at = ?2')
      .bind(id, usedAtIso)
      .run()
  }

  async purgeExpired(beforeIso: string, limit: number): Promise<number> {
    const result = await this.db
      .prepare(
        'DELETE FROM file_links WHERE id IN (SELECT id FROM file_links WHERE expires_at < ?1 LIMIT ?2)',
      )
      .bind(beforeIso, limit)
      .run()
    return result.meta.changes
  }
}
