import { storedIdentityKey } from '../../src/auth/identity'
import type { Config } from '../../src/config'
import { parseActorKey } from '../../src/domain/actor-key'
import type { Lang } from '../../src/domain/enums'
import type { ErasedNotice, Notice } from '../../src/domain/notices'
import { logger } from '../../src/logger'
import type { Clock } from '../../src/ports/clock'
import {
  DeliveryUnavailable,
  type Notifier,
  type NotifyOptions,
  type NotifyResult,
  type Recipient,
} from '../../src/ports/notifier'
import { renderSlackNotice, type SlackAudience, type SlackNoticeMessage } from '../slack/notices'
import { SlackApiError } from '../slack/web-api'
import type { SentNoticeRow } from '../storage/d1-sent-notices'
import { buildCardActivity } from '../teams/cards'
import { ConnectorError, type ConversationAddress, type OutgoingActivity } from '../teams/connector'
import { renderTeamsNotice } from '../teams/notices'
import type { ConversationRef } from '../teams/store'

/**
 * The Notifier (src/ports/notifier.ts): picks the recipient's surface from their identity key, renders
 * the neutral notice for it and sends it.
 * - `teams:` — a proactive Adaptive Card through the conversation reference stored on first contact; with
 *   a send key at most once per key, remembered (activity id) so erasure can replace it in place.
 * - `slack:` — a direct message from the app (a bot may message a user by user id), allowed workspaces
 *   only; the chairs and `slack-channel:` recipients get a channel post (no pseudonyms).
 * - `web:` (and anything else) — not delivered: a web user sees the case in "Mijn casussen". Logged by
 *   kind, never by person.
 * Temporary platform failures become `DeliveryUnavailable`; permanent ones are returned as `failed`.
 */

export interface NotifierSlack {
  api: { postMessage(channel: string, message: SlackNoticeMessage): Promise<unknown> }
  /** The chairs' triage channel ('' = not configured). */
  channel: string
  channelLang: Lang
  /** A user's language (Slack locale), Dutch by default. */
  langOf(userId: string): Promise<Lang>
}

export interface NotifierTeams {
  store: {
    getConversation(userKey: string): Promise<ConversationRef | null>
    getSentCard(sendKey: string): Promise<{ activityId: string | null } | null>
    recordSentCard(sendKey: string, userKey: string, activityId: string | null, now: Date): Promise<void>
  }
  connector: {
    sendActivity(address: ConversationAddress, activity: OutgoingActivity): Promise<{ id: string | null }>
    updateActivity(
      address: ConversationAddress,
      activityId: string,
      activity: OutgoingActivity,
    ): Promise<unknown>
  }
  sent: {
    listTeamsCards(reference: string): Promise<SentNoticeRow[]>
    forgetTeamsCard(sendKey: string): Promise<void>
  }
}

export interface NotifierDeps {
  config: Pick<Config, 'SLACK_TEAM_IDS'> & Partial<Pick<Config, 'IDENTITY_HMAC_KEY'>>
  clock: Clock
  slack: NotifierSlack
  teams: NotifierTeams
}

const CHANNEL_KEY = /^slack-channel:([A-Z0-9]{2,30})$/

/** A platform error as the port's vocabulary: temporary → thrown `DeliveryUnavailable`, else a code. */
function classify(error: unknown): string {
  if (error instanceof SlackApiError) {
    if (error.temporary) throw new DeliveryUnavailable(error.code)
    return error.code
  }
  if (error instanceof ConnectorError) {
    if (error.temporary) throw new DeliveryUnavailable(`${error.operation}_${error.status}`)
    return `${error.operation}_${error.status}`
  }
  // Anything else (a bug, a network error the clients did not wrap) is not a refusal: let it through.
  throw error
}

export function buildNotifier(deps: NotifierDeps): Notifier {
  const { slack, teams } = deps

  async function postSlack(
    channel: string,
    notice: Notice,
    lang: Lang,
    audience: SlackAudience,
  ): Promise<NotifyResult> {
    const message = renderSlackNotice(notice, lang, audience)
    if (!message) return { status: 'skipped' }
    try {
      await slack.api.postMessage(channel, message)
    } catch (error) {
      return { status: 'failed', code: classify(error) }
    }
    return { status: 'sent' }
  }

  async function sendTeams(
    configured: string,
    notice: Notice,
    options: NotifyOptions,
  ): Promise<NotifyResult> {
    // Conversation references are kept under the pseudonymised key (issue 14 §4); a key from the
    // configuration (a digest recipient) may still name the Entra object id.
    const key = await storedIdentityKey(deps.config, configured)
    if (options.sendKey && (await teams.store.getSentCard(options.sendKey))) return { status: 'already_sent' }
    const conversation = await teams.store.getConversation(key)
    if (!conversation) {
      logger.warn('teams_no_conversation', { jobId: options.sendKey ?? notice.kind })
      return { status: 'unreachable', reason: 'no_conversation' }
    }
    const card = renderTeamsNotice(notice, conversation.lang)
    if (!card) return { status: 'skipped' }
    let sent: { id: string | null }
    try {
      sent = await teams.connector.sendActivity(
        { serviceUrl: conversation.serviceUrl, conversationId: conversation.conversationId },
        buildCardActivity(card),
      )
    } catch (error) {
      return { status: 'failed', code: classify(error) }
    }
    if (options.sendKey) await teams.store.recordSentCard(options.sendKey, key, sent.id, deps.clock())
    return { status: 'sent' }
  }

  return {
    async notify(recipient: Recipient, notice: Notice, options: NotifyOptions = {}): Promise<NotifyResult> {
      if (recipient.kind === 'chairs') {
        if (!slack.channel) return { status: 'unreachable', reason: 'no_channel' }
        return postSlack(slack.channel, notice, slack.channelLang, 'channel')
      }
      if (recipient.kind === 'channel') {
        const channel = CHANNEL_KEY.exec(recipient.key)?.[1]
        if (!channel) return { status: 'unreachable', reason: 'unknown' }
        return postSlack(channel, notice, slack.channelLang, 'channel')
      }
      const who = parseActorKey(recipient.key)
      switch (who?.surface) {
        case 'teams':
          return sendTeams(recipient.key, notice, options)
        case 'slack':
          if (!deps.config.SLACK_TEAM_IDS.includes(who.tenant))
            return { status: 'unreachable', reason: 'not_allowed' }
          return postSlack(who.user, notice, await slack.langOf(who.user), 'person')
        case 'web':
          logger.info('notice_not_deliverable', { status: notice.kind, surface: 'web' })
          return { status: 'unreachable', reason: 'web' }
        default:
          return { status: 'unreachable', reason: 'unknown' }
      }
    },

    async replaceSent(reference: string, notice: ErasedNotice): Promise<number> {
      let replaced = 0
      for (const row of await teams.sent.listTeamsCards(reference)) {
        const conversation = row.activityId ? await teams.store.getConversation(row.userKey) : null
        const card = conversation ? renderTeamsNotice(notice, conversation.lang) : null
        if (conversation && row.activityId && card) {
          try {
            await teams.connector.updateActivity(
              { serviceUrl: conversation.serviceUrl, conversationId: conversation.conversationId },
              row.activityId,
              buildCardActivity(card),
            )
            replaced++
          } catch (error) {
            logger.warn('teams_erased_card_failed', { reference, code: classify(error) })
          }
        }
        await teams.sent.forgetTeamsCard(row.sendKey)
      }
      return replaced
    },
  }
}
