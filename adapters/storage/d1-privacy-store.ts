import type { CaseStatus } from '../../src/domain/lifecycle'
import { fileKeyAad, fileNameAad, legacyFileKeyAad, legacyFileNameAad } from '../../src/ports/case-files'
import type { AuditEntry } from '../../src/ports/case-store'
import { caseKeyAad, eventAad, intakeAad, pseudonymAad } from '../../src/ports/cipher'
import type { DraftMaintenance, PrivacyStore, StaleCiphertext } from '../../src/ports/privacy'
import type { DraftObject } from './draft-object'

/**
 * Every encrypted column: table, column, row id expression, and how its AAD is formed. `case_keys` holds
 * the case keys wrapped by a master key: rotation re-wraps them (stale = not under the active key id).
 * The other columns hold data under the case key (`v2.`); a `v1.` value there predates case keys and is
 * stale under any key id: rotation moves it to the case key (`nextAad`: the AAD it is written with).
 */
const ENCRYPTED_COLUMNS = [
  {
    table: 'case_keys',
    column: 'key_enc',
    id: 'case_id',
    wrapped: true,
    aadOf: (r: Row) => caseKeyAad(r.row_id),
  },
  { table: 'cases', column: 'intake_enc', id: 'id', aadOf: (r: Row) => intakeAad(r.row_id) },
  { table: 'cases', column: 'pseudonym_enc', id: 'id', aadOf: (r: Row) => pseudonymAad(r.row_id) },
  {
    table: 'case_events',
    column: 'data_enc',
    id: 'id',
    extra: ', case_id AS case_id, seq AS seq',
    aadOf: (r: Row) => eventAad(r.case_id ?? '', r.seq ?? 0),
  },
  {
    table: 'case_files',
    column: 'key_enc',
    id: 'id',
    extra: ', case_id AS case_id',
    aadOf: (r: Row) => legacyFileKeyAad(r.row_id),
    nextAadOf: (r: Row) => fileKeyAad(r.case_id ?? '', r.row_id),
  },
  {
    table: 'case_files',
    column: 'name_enc',
    id: 'id',
    extra: ', case_id AS case_id',
    aadOf: (r: Row) => legacyFileNameAad(r.row_id),
    nextAadOf: (r: Row) => fileNameAad(r.case_id ?? '', r.row_id),
  },
] as const

/** Never swept by reference: the case row itself, the audit trail, and the card rows the job needs. */
const KEEP_UNTIL_CARDS_REPLACED = new Set(['cases', 'audit_log', 'slack_messages'])

interface Row {
  row_id: string
  value: string
  case_id?: string
  seq?: number
}

/** `PrivacyStore` on D1 (rows) and R2 (objects). */
export class D1PrivacyStore implements PrivacyStore {
  constructor(
    private readonly db: D1Database,
    private readonly bucket: R2Bucket,
  ) {}

  async listFileObjects(caseId: string): Promise<string[]> {
    const { results } = await this.db
      .prepare('SELECT r2_key FROM case_files WHERE case_id = ?1')
      .bind(caseId)
      .all<{ r2_key: string }>()
    return results.map((r) => r.r2_key)
  }

  async deleteObjects(r2Keys: readonly string[]): Promise<void> {
    for (let i = 0; i < r2Keys.length; i += 500) await this.bucket.delete(r2Keys.slice(i, i + 500))
  }

  /**
   * Tables of other areas that key rows by case reference (reminders, …), found from the schema so a
   * table added later is erased too. `slack_messages` stays until the `case.erased` job replaced the
   * card (it deletes the row); `cases` and `audit_log` are handled on their own.
   */
  private async referenceTables(): Promise<string[]> {
    const { results } = await this.db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
      .all<{ name: string; sql: string | null }>()
    return results
      .filter((t) => /^\w+$/.test(t.name) && !KEEP_UNTIL_CARDS_REPLACED.has(t.name))
      .filter((t) => /[\s(,]reference\s+TEXT\b/i.test(t.sql ?? ''))
      .map((t) => t.name)
  }

  async eraseCaseRows(caseId: string, reference: string, audit: AuditEntry): Promise<boolean> {
    const byReference = (await this.referenceTables()).map((table) =>
      this.db.prepare(`DELETE FROM "${table}" WHERE reference = ?1`).bind(reference),
    )
    const results = await this.db.batch([
      this.db
        .prepare(
          `DELETE FROM idempotency_keys
           WHERE scope || ':' || key = (SELECT idempotency_key FROM cases WHERE id = ?1)
              OR instr(response_json, ?2) > 0`,
        )
        .bind(caseId, `"${reference}"`),
      // Ledger ids are `<type>:<reference>[:…]#<handler>`: match the reference whole (RET-2026-1000 is
      // not RET-2026-10000).
      this.db
        .prepare(
          "DELETE FROM processed_jobs WHERE instr(job_id, ?1 || ':') > 0 OR instr(job_id, ?1 || '#') > 0",
        )
        .bind(reference),
      this.db.prepare('DELETE FROM case_events WHERE case_id = ?1').bind(caseId),
      this.db.prepare('DELETE FROM routing_decisions WHERE case_id = ?1').bind(caseId),
      this.db.prepare('DELETE FROM case_files WHERE case_id = ?1').bind(caseId),
      // The case key goes with the case: every copy of its ciphertext is unreadable from now on.
      this.db.prepare('DELETE FROM case_keys WHERE case_id = ?1').bind(caseId),
      ...byReference,
      this.db.prepare('DELETE FROM cases WHERE id = ?1').bind(caseId),
      this.db
        .prepare(
          `INSERT INTO audit_log (at, actor_key, surface, action, case_reference, request_id, detail)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
        )
        .bind(
          audit.at,
          audit.actorKey,
          audit.surface,
          audit.action,
          audit.reference,
          audit.requestId,
          audit.detail,
        ),
    ])
    return (results[6 + byReference.length]?.meta.changes ?? 0) > 0
  }

  async listExpired(status: CaseStatus, beforeIso: string, limit: number): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        `SELECT reference FROM cases WHERE status = ?1 AND COALESCE(closed_at, status_since) < ?2
         ORDER BY COALESCE(closed_at, status_since), reference LIMIT ?3`,
      )
      .bind(status, beforeIso, limit)
      .all<{ reference: string }>()
    return results.map((r) => r.reference)
  }

  async listDraftKeys(after: string, limit: number): Promise<string[]> {
    const { results } = await this.db
      .prepare('SELECT key FROM draft_keys WHERE key > ?1 ORDER BY key LIMIT ?2')
      .bind(after, limit)
      .all<{ key: string }>()
    return results.map((r) => r.key)
  }

  async pruneRateLimits(beforeSeconds: number): Promise<number> {
    const result = await this.db
      .prepare('DELETE FROM rate_limits WHERE window_start < ?1')
      .bind(beforeSeconds)
      .run()
    return result.meta.changes ?? 0
  }

  async listStaleCiphertexts(activeKid: string, limit: number): Promise<StaleCiphertext[]> {
    const current = `v1.${activeKid}.`
    const out: StaleCiphertext[] = []
    for (const spec of ENCRYPTED_COLUMNS) {
      if (out.length >= limit) break
      const extra = 'extra' in spec ? spec.extra : ''
      // Wrapped case keys: stale unless under the active key. Data: stale while still under a master key.
      const [prefix, stale] = 'wrapped' in spec ? [current, '<>'] : ['v1.', '=']
      const { results } = await this.db
        .prepare(
          `SELECT CAST(${spec.id} AS TEXT) AS row_id, ${spec.column} AS value${extra} FROM ${spec.table}
           WHERE ${spec.column} IS NOT NULL AND substr(${spec.column}, 1, ?1) ${stale} ?2 LIMIT ?3`,
        )
        .bind(prefix.length, prefix, limit - out.length)
        .all<Row>()
      for (const row of results) {
        out.push({
          table: spec.table,
          column: spec.column,
          rowId: row.row_id,
          aad: spec.aadOf(row),
          ...('nextAadOf' in spec ? { nextAad: spec.nextAadOf(row) } : {}),
          previous: row.value,
        })
      }
    }
    return out
  }

  async replaceCiphertext(value: StaleCiphertext, next: string): Promise<boolean> {
    const spec = ENCRYPTED_COLUMNS.find((s) => s.table === value.table && s.column === value.column)
    if (!spec) return false
    const result = await this.db
      .prepare(
        `UPDATE ${spec.table} SET ${spec.column} = ?1 WHERE CAST(${spec.id} AS TEXT) = ?2 AND ${spec.column} = ?3`,
      )
      .bind(next, value.rowId, value.previous)
      .run()
    return (result.meta.changes ?? 0) === 1
  }

  async countByKeyId(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {}
    for (const spec of ENCRYPTED_COLUMNS) {
      const { results } = await this.db
        .prepare(
          `SELECT substr(${spec.column}, 4, instr(substr(${spec.column}, 4), '.') - 1) AS kid, COUNT(*) AS n
           FROM ${spec.table} WHERE substr(${spec.column}, 1, 3) = 'v1.' GROUP BY kid`,
        )
        .all<{ kid: string; n: number }>()
      for (const { kid, n } of results) counts[kid] = (counts[kid] ?? 0) + n
    }
    return counts
  }
}

/** Draft maintenance through the `DRAFTS` Durable Object namespace. */
export function buildDraftMaintenance(namespace: DurableObjectNamespace<DraftObject>): DraftMaintenance {
  const stub = (key: string) => namespace.get(namespace.idFromName(key))
  return {
    rekey: async (key, keyring) => (await stub(key).rekey(key, keyring)) as 'rekeyed' | 'current' | 'missing',
    expire: async (key, options) => (await stub(key).expire(key, options)) as boolean,
  }
}
