/**
 * Where each case's Slack card lives (`slack_messages`, migration 0010). A post is claimed first so two
 * workers never post two cards for one case; a claim whose post never finished goes stale and may be
 * taken over.
 */
export interface SlackCardRecord {
  reference: string
  channel: string
  /** Message timestamp of the card; null while the first post is in flight. */
  ts: string | null
  claimedAt: string
  /** Seq of the last timeline event posted into the card's thread. */
  threadSeq: number
}

/** Storage of card locations (D1 in production). */
export interface SlackMessageStore {
  get(reference: string): Promise<SlackCardRecord | null>
  /** Claims the first post of a card; true when this caller may post (new claim or a stale one taken over). */
  claim(reference: string, channel: string, at: string, staleBefore: string): Promise<boolean>
  /** Drops an unfinished claim (the post failed), so a retry may post. */
  release(reference: string): Promise<void>
  setPosted(reference: string, channel: string, ts: string, at: string): Promise<void>
  /** Raises the thread mark (never lowers it). */
  setThreadSeq(reference: string, seq: number, at: string): Promise<void>
}

interface Row {
  reference: string
  channel: string
  ts: string | null
  claimed_at: string
  thread_seq: number
}

/** The D1 implementation. */
export class D1SlackMessageStore implements SlackMessageStore {
  constructor(private readonly db: D1Database) {}

  async get(reference: string): Promise<SlackCardRecord | null> {
    const row = await this.db
      .prepare(
        'SELECT reference, channel, ts, claimed_at, thread_seq FROM slack_messages WHERE reference = ?',
      )
      .bind(reference)
      .first<Row>()
    return row
      ? {
          reference: row.reference,
          channel: row.channel,
          ts: row.ts,
          claimedAt: row.claimed_at,
          threadSeq: row.thread_seq,
        }
      : null
  }

  async claim(reference: string, channel: string, at: string, staleBefore: string): Promise<boolean> {
    const inserted = await this.db
      .prepare(
        'INSERT OR IGNORE INTO slack_messages (reference, channel, ts, claimed_at) VALUES (?, ?, NULL, ?)',
      )
      .bind(reference, channel, at)
      .run()
    if (inserted.meta.changes === 1) return true
    const taken = await this.db
      .prepare(
        'UPDATE slack_messages SET claimed_at = ?, channel = ? WHERE reference = ? AND ts IS NULL AND claimed_at < ?',
      )
      .bind(at, channel, reference, staleBefore)
      .run()
    return taken.meta.changes === 1
  }

  async release(reference: string): Promise<void> {
    await this.db
      .prepare('DELETE FROM slack_messages WHERE reference = ? AND ts IS NULL')
      .bind(reference)
      .run()
  }

  async setPosted(reference: string, channel: string, ts: string, at: string): Promise<void> {
    await this.db
      .prepare('UPDATE slack_messages SET channel = ?, ts = ?, updated_at = ? WHERE reference = ?')
      .bind(channel, ts, at, reference)
      .run()
  }

  async setThreadSeq(reference: string, seq: number, at: string): Promise<void> {
    await this.db
      .prepare(
        'UPDATE slack_messages SET thread_seq = MAX(thread_seq, ?), updated_at = ? WHERE reference = ?',
      )
      .bind(seq, at, reference)
      .run()
  }
}
