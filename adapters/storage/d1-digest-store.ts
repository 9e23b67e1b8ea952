import type { DigestSnapshot } from '../../src/domain/digest'
import {
  type Claim,
  type DigestStore,
  parseSnapshot,
  type ReminderEntry,
  STALE_CLAIM_MS,
  type StoredDigest,
} from '../../src/services/digest-store'

/** `DigestStore` on D1. */
export class D1DigestStore implements DigestStore {
  constructor(private readonly db: D1Database) {}

  async putSnapshot(snapshot: DigestSnapshot, generatedAt: string): Promise<StoredDigest> {
    await this.db
      .prepare(
        'INSERT INTO digests (week, generated_at, snapshot_json) VALUES (?1, ?2, ?3) ON CONFLICT (week) DO NOTHING',
      )
      .bind(snapshot.week, generatedAt, JSON.stringify(snapshot))
      .run()
    return (await this.getSnapshot(snapshot.week)) ?? { snapshot, generatedAt }
  }

  async getSnapshot(week: string): Promise<StoredDigest | null> {
    const row = await this.db
      .prepare('SELECT generated_at, snapshot_json FROM digests WHERE week = ?1')
      .bind(week)
      .first<{ generated_at: string; snapshot_json: string }>()
    if (!row) return null
    const snapshot = parseSnapshot(row.snapshot_json)
    return snapshot ? { snapshot, generatedAt: row.generated_at } : null
  }

  async claimDelivery(week: string, recipient: string, now: Date): Promise<Claim> {
    return this.claim(
      "INSERT INTO digest_deliveries (week, recipient, state, claimed_at) VALUES (?1, ?2, 'sending', ?3) ON CONFLICT DO NOTHING",
      [week, recipient],
      'SELECT state, claimed_at FROM digest_deliveries WHERE week = ?1 AND recipient = ?2',
      "UPDATE digest_deliveries SET claimed_at = ?3 WHERE week = ?1 AND recipient = ?2 AND state = 'sending' AND claimed_at < ?4",
      now,
    )
  }

  async finishDelivery(week: string, recipient: string): Promise<void> {
    await this.db
      .prepare("UPDATE digest_deliveries SET state = 'sent' WHERE week = ?1 AND recipient = ?2")
      .bind(week, recipient)
      .run()
  }

  async releaseDelivery(week: string, recipient: string): Promise<void> {
    await this.db
      .prepare("DELETE FROM digest_deliveries WHERE week = ?1 AND recipient = ?2 AND state = 'sending'")
      .bind(week, recipient)
      .run()
  }

  async listDeliveries(week: string): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        "SELECT recipient FROM digest_deliveries WHERE week = ?1 AND state = 'sent' ORDER BY recipient",
      )
      .bind(week)
      .all<{ recipient: string }>()
    return results.map((r) => r.recipient)
  }

  async claimReminder(entry: ReminderEntry, now: Date): Promise<Claim> {
    const at = now.toISOString()
    const inserted = await this.db
      .prepare(
        `INSERT INTO reminders_sent (reminder_key, reference, rule, kind, status_since, state, claimed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'sending', ?6) ON CONFLICT DO NOTHING`,
      )
      .bind(entry.key, entry.reference, entry.rule, entry.kind, entry.statusSince, at)
      .run()
    if (inserted.meta.changes > 0) return 'mine'
    return this.claim(
      null,
      [entry.key],
      'SELECT state, claimed_at FROM reminders_sent WHERE reminder_key = ?1',
      "UPDATE reminders_sent SET claimed_at = ?2 WHERE reminder_key = ?1 AND state = 'sending' AND claimed_at < ?3",
      now,
    )
  }

  async finishReminder(key: string): Promise<void> {
    await this.db.prepare("UPDATE reminders_sent SET state = 'sent' WHERE reminder_key = ?1").bind(key).run()
  }

  async releaseReminder(key: string): Promise<void> {
    await this.db
      .prepare("DELETE FROM reminders_sent WHERE reminder_key = ?1 AND state = 'sending'")
      .bind(key)
      .run()
  }

  /**
   * Insert-or-take-over: the insert wins for the first caller; afterwards a finished row is `done`, a
   * fresh claim is `busy`, and a stale one is taken over by whoever updates it first.
   */
  private async claim(
    insertSql: string | null,
    keys: string[],
    selectSql: string,
    takeOverSql: string,
    now: Date,
  ): Promise<Claim> {
    const at = now.toISOString()
    if (insertSql) {
      const inserted = await this.db
        .prepare(insertSql)
        .bind(...keys, at)
        .run()
      if (inserted.meta.changes > 0) return 'mine'
    }
    const row = await this.db
      .prepare(selectSql)
      .bind(...keys)
      .first<{ state: string; claimed_at: string }>()
    if (!row) return 'busy'
    if (row.state === 'sent') return 'done'
    const stale = new Date(now.getTime() - STALE_CLAIM_MS).toISOString()
    const taken = await this.db
      .prepare(takeOverSql)
      .bind(...keys, at, stale)
      .run()
    return taken.meta.changes > 0 ? 'mine' : 'busy'
  }

  async countInfoReminders(): Promise<Map<string, { statusSince: string; sent: number }[]>> {
    const { results } = await this.db
      .prepare(
        `SELECT reference, status_since, COUNT(*) AS n FROM reminders_sent
         WHERE rule IN ('info_overdue', 'follow_up_overdue') AND state = 'sent'
         GROUP BY reference, status_since`,
      )
      .all<{ reference: string; status_since: string; n: number }>()
    const out = new Map<string, { statusSince: string; sent: number }[]>()
    for (const r of results) {
      const list = out.get(r.reference) ?? []
      list.push({ statusSince: r.status_since, sent: r.n })
      out.set(r.reference, list)
    }
    return out
  }
}
