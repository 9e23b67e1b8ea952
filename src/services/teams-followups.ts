import type { AdaptiveCard } from '../../adapters/teams/card-schema'
import {
  buildCardActivity,
  buildQuestionCard,
  buildReceiptCard,
  buildReminderCard,
  buildStatusCard,
  type ReminderKind,
} from '../../adapters/teams/cards'
import type { ConversationAddress, OutgoingActivity } from '../../adapters/teams/connector'
import type { ConversationRef } from '../../adapters/teams/store'
import type { Lang } from '../domain/enums'
import { logger } from '../logger'
import { eventAad } from '../ports/cipher'
import type { Deps } from './deps'

/**
 * Proactive cards to referrers who filed through Teams: the receipt after submit, status changes,
 * the chair's questions (answered on the card) and reminders. Each card is sent at most once per
 * send key (job id and user), and only to the referrer of the case, through the conversation
 * reference stored on first contact.
 */

/** The storage the follow-ups use (D1 in production). */
export interface TeamsFollowUpStore {
  getConversation(userKey: string): Promise<ConversationRef | null>
  getSentCard(sendKey: string): Promise<{ activityId: string | null } | null>
  recordSentCard(sendKey: string, userKey: string, activityId: string | null, now: Date): Promise<void>
}

export interface TeamsFollowUpDeps {
  deps: Deps
  teams: TeamsFollowUpStore
  connector: {
    sendActivity(address: ConversationAddress, activity: OutgoingActivity): Promise<{ id: string | null }>
  }
}

export type FollowUpResult =
  | 'sent'
  | 'already_sent'
  | 'not_teams'
  | 'no_conversation'
  | 'not_found'
  | 'nothing'

/** Where Teams cards for the Netherlands show times. */
const TIME_ZONE = 'Europe/Amsterdam'

/** A time as the reader expects it, in Amsterdam time. */
export function formatLocalTime(iso: string, lang: Lang, withTime = true): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'nl-NL', {
    timeZone: TIME_ZONE,
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
  }).format(date)
}

async function sendOnce(
  ctx: TeamsFollowUpDeps,
  userKey: string,
  sendKey: string,
  build: (lang: Lang) => AdaptiveCard | Promise<AdaptiveCard>,
): Promise<FollowUpResult> {
  if (!userKey.startsWith('teams:')) return 'not_teams'
  if (await ctx.teams.getSentCard(sendKey)) return 'already_sent'
  const conversation = await ctx.teams.getConversation(userKey)
  if (!conversation) {
    logger.warn('teams_no_conversation', { jobId: sendKey })
    return 'no_conversation'
  }
  const card = await build(conversation.lang)
  const sent = await ctx.connector.sendActivity(
    { serviceUrl: conversation.serviceUrl, conversationId: conversation.conversationId },
    buildCardActivity(card),
  )
  await ctx.teams.recordSentCard(sendKey, userKey, sent.id, ctx.deps.clock())
  return 'sent'
}

/** The receipt after a Teams referral: reference, suggested intervention, urgency and the PDF button. */
export async function runTeamsReceipt(ctx: TeamsFollowUpDeps, reference: string): Promise<FollowUpResult> {
  const record = await ctx.deps.store.getByReference(reference)
  if (!record) return 'not_found'
  return sendOnce(ctx, record.referrerKey, `receipt:${reference}`, (lang) =>
    buildReceiptCard({
      lang,
      reference,
      intervention: record.suggestedIntervention,
      urgency: record.urgency,
      analysisMissing: record.flags.includes('analysis_missing'),
    }),
  )
}

/**
 * A case changed: a question from the chair becomes a question card (answered on the card); a new
 * status becomes a status card. The referrer's own answer and changes that keep the status send
 * nothing.
 */
export async function runTeamsCaseChanged(
  ctx: TeamsFollowUpDeps,
  reference: string,
  version: number,
): Promise<FollowUpResult> {
  const record = await ctx.deps.store.getByReference(reference)
  if (!record) return 'not_found'
  if (!record.referrerKey.startsWith('teams:')) return 'not_teams'
  const event = (await ctx.deps.store.listEvents(record.id)).find((e) => e.seq === version)
  if (
    !event ||
    event.from === event.to ||
    event.type === 'provideInfo' ||
    event.actorKey === record.referrerKey
  ) {
    return 'nothing'
  }
  const sendKey = `changed:${reference}:${version}`
  if (event.type === 'requestInfo') {
    const data = event.dataEnc
      ? await ctx.deps.cipher.decryptJson<{ question?: unknown }>(event.dataEnc, eventAad(record.id, version))
      : {}
    const question = typeof data.question === 'string' ? data.question : ''
    return sendOnce(ctx, record.referrerKey, sendKey, (lang) =>
      buildQuestionCard({ lang, reference, questionId: String(version), question }),
    )
  }
  return sendOnce(ctx, record.referrerKey, sendKey, (lang) =>
    buildStatusCard({
      lang,
      reference,
      status: event.to,
      intervention: record.chosenIntervention ?? record.suggestedIntervention,
      ...(event.to === 'scheduled' && record.scheduledFor
        ? { scheduledFor: formatLocalTime(record.scheduledFor, lang) }
        : {}),
    }),
  )
}

/** A reminder to one Teams user (an unfinished draft, an open question, a missing analysis). */
export async function runTeamsReminder(
  ctx: TeamsFollowUpDeps,
  input: { id: string; userKey: string; kind: ReminderKind; reference?: string | undefined },
): Promise<FollowUpResult> {
  if (input.reference) {
    const record = await ctx.deps.store.getByReference(input.reference)
    // Only the case's own referrer is reminded, and only while the reminder still applies.
    if (!record || record.referrerKey !== input.userKey) return 'not_found'
    if (input.kind === 'info' && record.status !== 'info_requested') return 'nothing'
  }
  return sendOnce(ctx, input.userKey, `reminder:${input.id}`, (lang) =>
    buildReminderCard({ lang, kind: input.kind, ...(input.reference ? { reference: input.reference } : {}) }),
  )
}
