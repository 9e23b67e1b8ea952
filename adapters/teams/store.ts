import type { Lang } from '../../src/domain/enums'

/**
 * The Teams surface's own storage in D1 (migrations/0020_teams.sql): delivery idempotency,
 * conversation references for proactive messages, and the ledger of proactive cards sent.
 * Identifiers only; no names, no message content.
 */

/** Where and how to reach one user proactively. */
export interface ConversationRef {
  /** `teams:<tenant>:<aadObjectId>`: the same key as the user's drafts and cases. */
  userKey: string
  tenantId: string
  /**
   * The user's Teams id (`29:…`; no longer stored since issue 14 §4: '' — a proactive message needs the
   * conversation only) and the bot's (`28:…`).
   */
  userId: string
  botId: string
  conversationId: string
  serviceUrl: string
  lang: Lang
  /** When a reply to this user could not be delivered (their next message gets the card they missed). */
  missedAt?: string | null
}

/** A claim on an inbound delivery. */
export type ActivityClaim = 'new' | 'duplicate'

/** How long a delivery may stay 'processing' before a retry may take it over (a crashed isolate). */
const STALE_CLAIM_MS = 2 * 60 * 1000
/**
 * Teams announces one install twice (`conversationUpdate` with the bot among `membersAdded`, and
 * `installationUpdate` add), with different activity ids: one welcome per conversation in this window.
 */
const WELCOME_WINDOW_MS = 60 * 60 * 1000

const CLAIM_SQL =
  "INSERT INTO teams_activities (activity_key, state, claimed_at) VALUES (?1, 'processing', ?2) ON CONFLICT (activity_key) DO NOTHING"
const SELECT_CONVERSATION_SQL = 'SELECT * FROM teams_conversations WHERE user_key = ?1'
const FINISH_SQL = "UPDATE teams_activities SET state = 'done' WHERE activity_key = ?1"

function toRef(row: Record<string, string>, userKey: string): ConversationRef {
  return {
    userKey: row.user_key ?? userKey,
    tenantId: row.tenant_id ?? '',
    userId: row.user_id ?? '',
    botId: row.bot_id ?? '',
    conversationId: row.conversation_id ?? '',
    serviceUrl: row.service_url ?? '',
    lang: row.lang === 'en' ? 'en' : 'nl',
    missedAt: row.missed_at ?? null,
  }
}

/** Whether two references would store the same row (the timestamps aside). */
export function sameConversation(a: ConversationRef | null, b: ConversationRef | null): boolean {
  if (!a || !b) return a === b
  return (
    a.userKey === b.userKey &&
    a.tenantId === b.tenantId &&
    a.userId === b.userId &&
    a.botId === b.botId &&
    a.conversationId === b.conversationId &&
    a.serviceUrl === b.serviceUrl &&
    a.lang === b.lang
  )
}

export class D1TeamsStore {
  constructor(private readonly db: D1Database) {}

  /**
   * Claims a delivery. `duplicate` when it was handled, or is being handled right now; `new` when this
   * call owns it (first delivery, or a retry after a claim that was released or went stale).
   */
  async claimActivity(key: string, now: Date): Promise<ActivityClaim> {
    const inserted = await this.db.prepare(CLAIM_SQL).bind(key, now.toISOString()).run()
    if (inserted.meta.changes > 0) return 'new'
    return this.takeOverStale(key, now)
  }

  /**
   * The ack path's first round trip: claims the delivery (when it has a key) and reads the user's
   * conversation reference (when there is a user), in one D1 batch.
   */
  async claimAndLoad(
    claimKey: string | null,
    userKey: string | null,
    now: Date,
  ): Promise<{ claim: ActivityClaim; known: ConversationRef | null }> {
    const statements: D1PreparedStatement[] = []
    if (claimKey) statements.push(this.db.prepare(CLAIM_SQL).bind(claimKey, now.toISOString()))
    if (userKey) statements.push(this.db.prepare(SELECT_CONVERSATION_SQL).bind(userKey))
    const results = statements.length > 0 ? await this.db.batch<Record<string, string>>(statements) : []
    const row = userKey ? results.at(-1)?.results?.[0] : undefined
    const known = row && userKey ? toRef(row, userKey) : null
    let claim: ActivityClaim = 'new'
    if (claimKey && !((results[0]?.meta.changes ?? 0) > 0)) {
      // Seen before: a duplicate, unless it is a stale claim of a crashed isolate (rare: a second trip).
      claim = await this.takeOverStale(claimKey, now)
    }
    return { claim, known }
  }

  /**
   * The ack path's second round trip: stores the conversation reference when it changed, and marks
   * the delivery handled, in one D1 batch (nothing at all when neither applies).
   */
  async finishTurn(
    claimKey: string | null,
    conversation: ConversationRef | null,
    known: ConversationRef | null,
    now: Date,
  ): Promise<void> {
    const statements: D1PreparedStatement[] = []
    if (conversation && !sameConversation(conversation, known)) {
      statements.push(this.upsertStatement(conversation, now))
    }
    if (claimKey) statements.push(this.db.prepare(FINISH_SQL).bind(claimKey))
    // The missed card went out with this turn's replies: clear the mark.
    if (known?.missedAt && conversation)
      statements.push(
        this.db
          .prepare('UPDATE teams_conversations SET missed_at = NULL WHERE user_key = ?1')
          .bind(known.userKey),
      )
    if (statements.length > 0) await this.db.batch(statements)
  }

  /** Marks that a reply to this user could not be delivered after retries (issue 13 §16). */
  async markMissed(userKey: string, now: Date): Promise<void> {
    await this.db
      .prepare('UPDATE teams_conversations SET missed_at = ?1 WHERE user_key = ?2')
      .bind(now.toISOString(), userKey)
      .run()
  }

  /**
   * Claims the one welcome of an install in a conversation: true for the first of the two install
   * activities Teams sends, false for the second (and for any within the hour after).
   */
  async claimWelcome(conversationKey: string, now: Date): Promise<boolean> {
    const at = now.toISOString()
    const since = new Date(now.getTime() - WELCOME_WINDOW_MS).toISOString()
    const result = await this.db
      .prepare(
        `INSERT INTO teams_activities (activity_key, state, claimed_at) VALUES (?1, 'done', ?2)
         ON CONFLICT (activity_key) DO UPDATE SET claimed_at = excluded.claimed_at
         WHERE teams_activities.claimed_at < ?3`,
      )
      .bind(`welcome:${conversationKey}`, at, since)
      .run()
    return result.meta.changes > 0
  }

  private async takeOverStale(key: string, now: Date): Promise<ActivityClaim> {
    const stale = new Date(now.getTime() - STALE_CLAIM_MS).toISOString()
    const taken = await this.db
      .prepare(
        "UPDATE teams_activities SET claimed_at = ?2 WHERE activity_key = ?1 AND state = 'processing' AND claimed_at < ?3",
      )
      .bind(key, now.toISOString(), stale)
      .run()
    return taken.meta.changes > 0 ? 'new' : 'duplicate'
  }

  private upsertStatement(ref: Omit<ConversationRef, 'lang'> & { lang?: Lang }, now: Date) {
    const at = now.toISOString()
    return this.db
      .prepare(
        `INSERT INTO teams_conversations
           (user_key, tenant_id, user_id, bot_id, conversation_id, service_url, lang, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, COALESCE(?7, 'nl'), ?8, ?8)
         ON CONFLICT (user_key) DO UPDATE SET
           user_id = excluded.user_id, bot_id = excluded.bot_id, conversation_id = excluded.conversation_id,
           service_url = excluded.service_url, updated_at = excluded.updated_at,
           lang = COALESCE(?7, teams_conversations.lang)`,
      )
      .bind(
        ref.userKey,
        ref.tenantId,
        ref.userId,
        ref.botId,
        ref.conversationId,
        ref.serviceUrl,
        ref.lang ?? null,
        at,
      )
  }

  /** Marks a claimed delivery as handled. */
  async finishActivity(key: string): Promise<void> {
    await this.db.prepare(FINISH_SQL).bind(key).run()
  }

  /** Gives up a claim after a failure, so the platform's retry is processed. */
  async releaseActivity(key: string): Promise<void> {
    await this.db
      .prepare("DELETE FROM teams_activities WHERE activity_key = ?1 AND state = 'processing'")
      .bind(key)
      .run()
  }

  /** Stores or refreshes a conversation reference; the language preference is kept unless given. */
  async saveConversation(
    ref: Omit<ConversationRef, 'lang'> & { lang?: Lang },
    now: Date,
  ): Promise<ConversationRef> {
    await this.upsertStatement(ref, now).run()
    const stored = await this.getConversation(ref.userKey)
    if (!stored) throw new Error('conversation not stored')
    return stored
  }

  /** Sets the user's card language. */
  async setLang(userKey: string, lang: Lang, now: Date): Promise<void> {
    await this.db
      .prepare('UPDATE teams_conversations SET lang = ?2, updated_at = ?3 WHERE user_key = ?1')
      .bind(userKey, lang, now.toISOString())
      .run()
  }

  async getConversation(userKey: string): Promise<ConversationRef | null> {
    const row = await this.db.prepare(SELECT_CONVERSATION_SQL).bind(userKey).first<Record<string, string>>()
    return row ? toRef(row, userKey) : null
  }

  /** Whether a proactive card with this key was sent already. */
  async getSentCard(sendKey: string): Promise<{ activityId: string | null } | null> {
    const row = await this.db
      .prepare('SELECT activity_id FROM teams_sent_cards WHERE send_key = ?1')
      .bind(sendKey)
      .first<{ activity_id: string | null }>()
    return row ? { activityId: row.activity_id } : null
  }

  /** Records a proactive card as sent. */
  async recordSentCard(
    sendKey: string,
    userKey: string,
    activityId: string | null,
    now: Date,
  ): Promise<void> {
    await this.db
      .prepare(
        'INSERT INTO teams_sent_cards (send_key, user_key, activity_id, sent_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (send_key) DO NOTHING',
      )
      .bind(sendKey, userKey, activityId, now.toISOString())
      .run()
  }
}

/** Where a case's card lives in the Teams triage channel (`teams_channel_cards`, migration 0070). */
export interface TeamsChannelCard {
  reference: string
  conversationId: string
  serviceUrl: string
  /** Activity id of the card; null while the first post is in flight (claimed). */
  activityId: string | null
  claimedAt: string
  /** Seq of the last timeline event posted as a reply in the card's thread. */
  threadSeq: number
}

interface ChannelCardRow {
  reference: string
  conversation_id: string
  service_url: string
  activity_id: string | null
  claimed_at: string
  thread_seq: number
}

/**
 * Card locations in the Teams triage channel (D1). A post is claimed first, so a retried or concurrent
 * job never posts a second card; a claim whose post never finished goes stale and may be taken over.
 */
export class D1TeamsChannelCards {
  constructor(private readonly db: D1Database) {}

  async get(reference: string): Promise<TeamsChannelCard | null> {
    const row = await this.db
      .prepare(
        'SELECT reference, conversation_id, service_url, activity_id, claimed_at, thread_seq FROM teams_channel_cards WHERE reference = ?1',
      )
      .bind(reference)
      .first<ChannelCardRow>()
    return row
      ? {
          reference: row.reference,
          conversationId: row.conversation_id,
          serviceUrl: row.service_url,
          activityId: row.activity_id,
          claimedAt: row.claimed_at,
          threadSeq: row.thread_seq,
        }
      : null
  }

  /** Claims the first post of a card: true when this caller may post (a new claim or a stale one taken over). */
  async claim(
    reference: string,
    where: { conversationId: string; serviceUrl: string },
    at: string,
    staleBefore: string,
  ): Promise<boolean> {
    const inserted = await this.db
      .prepare(
        'INSERT OR IGNORE INTO teams_channel_cards (reference, conversation_id, service_url, activity_id, claimed_at) VALUES (?1, ?2, ?3, NULL, ?4)',
      )
      .bind(reference, where.conversationId, where.serviceUrl, at)
      .run()
    if (inserted.meta.changes === 1) return true
    const taken = await this.db
      .prepare(
        'UPDATE teams_channel_cards SET claimed_at = ?1, conversation_id = ?2, service_url = ?3 WHERE reference = ?4 AND activity_id IS NULL AND claimed_at < ?5',
      )
      .bind(at, where.conversationId, where.serviceUrl, reference, staleBefore)
      .run()
    return taken.meta.changes === 1
  }

  /** Drops an unfinished claim (the post failed), so a retry may post. */
  async release(reference: string): Promise<void> {
    await this.db
      .prepare('DELETE FROM teams_channel_cards WHERE reference = ?1 AND activity_id IS NULL')
      .bind(reference)
      .run()
  }

  async setPosted(reference: string, activityId: string, at: string): Promise<void> {
    await this.db
      .prepare('UPDATE teams_channel_cards SET activity_id = ?1, updated_at = ?2 WHERE reference = ?3')
      .bind(activityId, at, reference)
      .run()
  }

  /** Raises the thread mark (never lowers it). */
  async setThreadSeq(reference: string, seq: number, at: string): Promise<void> {
    await this.db
      .prepare(
        'UPDATE teams_channel_cards SET thread_seq = MAX(thread_seq, ?1), updated_at = ?2 WHERE reference = ?3',
      )
      .bind(seq, at, reference)
      .run()
  }

  /** Forgets where an erased case's card was. */
  async forget(reference: string): Promise<void> {
    await this.db.prepare('DELETE FROM teams_channel_cards WHERE reference = ?1').bind(reference).run()
  }
}
