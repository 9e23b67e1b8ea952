/**
 * Where notices about a case were sent, for erasure: the Teams cards remembered by send key
 * (`teams_sent_cards`, written by the Notifier) and the chairs' Slack card (`slack_messages`). Send keys
 * name the reference whole (`receipt:<ref>`, `changed:<ref>:<v>`, reminders `…:<ref>:…`).
 */
export interface SentNoticeRow {
  sendKey: string
  userKey: string
  activityId: string | null
}

export class D1SentNotices {
  constructor(private readonly db: D1Database) {}

  /** The Teams cards sent about a case. */
  async listTeamsCards(reference: string): Promise<SentNoticeRow[]> {
    const { results } = await this.db
      .prepare(
        `SELECT send_key, user_key, activity_id FROM teams_sent_cards
         WHERE instr(send_key || ':', ?1) > 0`,
      )
      .bind(`:${reference}:`)
      .all<{ send_key: string; user_key: string; activity_id: string | null }>()
    return results.map((r) => ({ sendKey: r.send_key, userKey: r.user_key, activityId: r.activity_id }))
  }

  /** Forgets one sent Teams card. */
  async forgetTeamsCard(sendKey: string): Promise<void> {
    await this.db.prepare('DELETE FROM teams_sent_cards WHERE send_key = ?1').bind(sendKey).run()
  }

  /** Forgets where a case's Slack card is. */
  async forgetSlackCard(reference: string): Promise<void> {
    await this.db.prepare('DELETE FROM slack_messages WHERE reference = ?1').bind(reference).run()
  }
}
