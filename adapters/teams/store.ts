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
  /** The user's Teams id (`29:…`) and the bot's (`28:…`). */
  userId: string
  botId: string
  conversationId: string
  serviceUrl: string
  lang: Lang
}

/** A claim on an inbound delivery. */
export type ActivityClaim = 'new' | 'duplicate'

/** How long a delivery may stay 'processing' before a retry may take it over (a crashed isolate). */
const STALE_CLAIM_MS = 2 * 60 * 1000

export class D1TeamsStore {
  constructor(private readonly db: D1Database) {}

  /**
   * Claims a delivery. `duplicate` when it was handled, or is being handled right now; `new` when this
   * call owns it (first delivery, or a retry after a claim that was released or went stale).
   */
  async claimActivity(key: string, now: Date): Promise<ActivityClaim> {
    const at = now.toISOString()
    const inserted = await this.db
      .prepare(
        "INSERT INTO teams_activities (activity_key, state, claimed_at) VALUES (?1, 'processing', ?2) ON CONFLICT (activity_key) DO NOTHING",
      )
      .bind(key, at)
      .run()
    if (inserted.meta.changes > 0) return 'new'
    const stale = new Date(now.getTime() - STALE_CLAIM_MS).toISOString()
    const taken = await this.db
      .prepare(
        "UPDATE teams_activities SET claimed_at = ?2 WHERE activity_key = ?1 AND state = 'processing' AND claimed_at < ?3",
      )
      .bind(key, at, stale)
      .run()
    return taken.meta.changes > 0 ? 'new' : 'duplicate'
  }

  /** Marks a claimed delivery as handled. */
  async finishActivity(key: string): Promise<void> {
    await this.db
      .prepare("UPDATE teams_activities SET state = 'done' WHERE activity_key = ?1")
      .bind(key)
      .run()
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
    const at = now.toISOString()
    await this.db
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
      .run()
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
    const row = await this.db
      .prepare('SELECT * FROM teams_conversations WHERE user_key = ?1')
      .bind(userKey)
      .first<Record<string, string>>()
    if (!row) return null
    return {
      userKey: row.user_key ?? userKey,
      tenantId: row.tenant_id ?? '',
      userId: row.user_id ?? '',
      botId: row.bot_id ?? '',
      conversationId: row.conversation_id ?? '',
      serviceUrl: row.service_url ?? '',
      lang: row.lang === 'en' ? 'en' : 'nl',
    }
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
