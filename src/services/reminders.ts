import { SlackApiError } from '../../adapters/slack/web-api'
import { buildCardActivity } from '../../adapters/teams/cards'
import { ConnectorError } from '../../adapters/teams/connector'
import { t } from '../domain/copy'
import type { Lang } from '../domain/enums'
import type { CaseStatus } from '../domain/lifecycle'
import {
  assessCase,
  type CaseSummary,
  DEFAULT_STALLED_RULES,
  dueReminders,
  type NextStepKind,
  type OwnerRole,
  type Reminder,
  type StalledRuleId,
  type StalledRules,
} from '../domain/stalled'
import { logger } from '../logger'
import { listCaseSummaries } from './cases'
import type { Deps } from './deps'
import { buildTeamsReminderCard } from './digest-cards'
import type { DigestStore } from './digest-store'
import type { TeamsFollowUpDeps } from './teams-followups'
import { runTeamsReminder } from './teams-followups'

/**
 * Reminders (issue 6): the daily cron turns every due reminder (`dueReminders`, src/domain/stalled.ts)
 * into one queue job whose id is the reminder key (`reminder:<ref>:<rule>:<day>`), so a second cron run
 * on the same day enqueues the same ids and the consumer acts once. Each job reminds one party on their
 * own surface:
 * - the referrer (information overdue): a Teams reminder card, or a Slack direct message;
 * - the case lead (no table date, no outcome): a Teams card or a Slack direct message; without a lead the
 *   chairs' channel is told instead, since somebody has to pick it up;
 * - the chairs (triage overdue, and the escalation after the referrer's second reminder): the Slack
 *   triage channel.
 * Texts carry the reference, days, step and due date only. A referrer or lead who cannot be reached (a web
 * user, no stored Teams conversation, a permanent platform refusal) still counts as reminded: the
 * escalation to the chairs then follows on schedule instead of the case waiting silently.
 */

/** The statuses a rule's reminder still applies to (the case may have moved on since the cron). */
const RULE_STATUSES: Record<StalledRuleId, readonly CaseStatus[]> = {
  triage_overdue: ['submitted', 'in_triage'],
  info_overdue: ['info_requested'],
  scheduling_overdue: ['accepted', 'scheduled'],
  outcome_overdue: ['accepted', 'scheduled'],
  follow_up_overdue: ['advised'],
}

/** Statuses the reminder scan reads (the rest never stall). */
const OPEN: readonly CaseStatus[] = [
  'submitted',
  'in_triage',
  'info_requested',
  'accepted',
  'scheduled',
  'advised',
]

/** One reminder job's content (identifiers, numbers and dates only). */
export interface ReminderJobInput {
  /** The reminder key: one per case, rule and Amsterdam day. */
  id: string
  reference: string
  rule: StalledRuleId
  recipient: OwnerRole
  kind: Reminder['kind']
  number: number
  /** Working days in status when the reminder fell due. */
  days: number
  step: NextStepKind | null
  due: string | null
}

/** Where reminders go: the Slack API and triage channel, the Teams connector and conversations. */
export interface ReminderDeps {
  deps: Deps
  store: DigestStore
  slack: {
    api: { postMessage(channel: string, message: { text: string }): Promise<unknown> }
    channel: string
    channelLang: Lang
    /** The user's language (Slack locale), Dutch by default. */
    langOf(userId: string): Promise<Lang>
  }
  teams: TeamsFollowUpDeps
}

export type ReminderResult =
  | 'sent'
  | 'already_sent'
  | 'busy'
  | 'not_found'
  | 'nothing'
  | 'no_channel'
  | 'no_conversation'
  | 'failed'

/** Whether a platform failure may pass (network, rate limit, 5xx): retry later. */
export function isTemporaryFailure(error: unknown): boolean {
  return (
    (error instanceof SlackApiError && error.temporary) ||
    (error instanceof ConnectorError && error.temporary) ||
    (error instanceof Error && error.name === 'TemporaryError')
  )
}

/**
 * The daily scan: open cases with the referrer reminders already sent for their current information
 * request, the reminders due today, one queue job each. Returns the jobs enqueued.
 */
export async function runReminderScan(
  deps: Deps,
  store: DigestStore,
  now: Date,
  rules: StalledRules = DEFAULT_STALLED_RULES,
): Promise<ReminderJobInput[]> {
  const summaries = await listCaseSummaries(deps, { statuses: OPEN })
  const counts = await store.countInfoReminders()
  const byReference = new Map<string, CaseSummary>()
  const cases = summaries.map((s) => {
    const sent = counts.get(s.reference)?.find((c) => c.statusSince === s.statusSince)?.sent
    const summary = sent === undefined ? s : { ...s, remindersSent: sent }
    byReference.set(s.reference, summary)
    return summary
  })
  const jobs: ReminderJobInput[] = []
  for (const r of dueReminders(cases, now, rules)) {
    const summary = byReference.get(r.reference)
    const a = summary ? assessCase(summary, now, rules) : null
    const job: ReminderJobInput = {
      id: r.key,
      reference: r.reference,
      rule: r.rule,
      recipient: r.recipient,
      kind: r.kind,
      number: r.number,
      days: a?.workingDaysInStatus ?? 0,
      step: a?.next?.step ?? null,
      due: a?.next?.due ?? null,
    }
    await deps.queue.send({ type: 'reminder.send', ...job })
    jobs.push(job)
  }
  return jobs
}

function splitKey(key: string | null): { surface: string; tenant: string; user: string } | null {
  const m = key ? /^([a-z]+):([^:\s]+):(\S+)$/.exec(key) : null
  return m ? { surface: m[1] as string, tenant: m[2] as string, user: m[3] as string } : null
}

function stepText(lang: Lang, job: ReminderJobInput): string {
  return job.step ? t(lang, `digest.steps.${job.step}`) : ''
}

/** The text for the chairs' channel. */
function chairsText(lang: Lang, job: ReminderJobInput, rules: StalledRules): string {
  if (job.kind === 'escalation') {
    return t(lang, 'digest.reminders.escalation', {
      reference: job.reference,
      count: rules.reminders.referrerMax,
    })
  }
  if (job.rule === 'triage_overdue') {
    return t(lang, 'digest.reminders.chairs', { reference: job.reference, days: job.days })
  }
  return t(lang, 'digest.reminders.noLead', {
    reference: job.reference,
    step: stepText(lang, job),
    due: job.due ?? '',
  })
}

async function postToChairs(ctx: ReminderDeps, text: (lang: Lang) => string): Promise<ReminderResult> {
  if (!ctx.slack.channel) return 'no_channel'
  await ctx.slack.api.postMessage(ctx.slack.channel, { text: text(ctx.slack.channelLang) })
  return 'sent'
}

async function directMessage(
  ctx: ReminderDeps,
  key: string,
  text: (lang: Lang) => string,
): Promise<ReminderResult> {
  const who = splitKey(key)
  if (!who) return 'no_channel'
  if (who.surface === 'slack') {
    if (!ctx.deps.config.SLACK_TEAM_IDS.includes(who.tenant)) return 'no_channel'
    // A bot may message a user by user id: Slack opens the app's direct message.
    await ctx.slack.api.postMessage(who.user, { text: text(await ctx.slack.langOf(who.user)) })
    return 'sent'
  }
  if (who.surface === 'teams') {
    const conversation = await ctx.teams.teams.getConversation(key)
    if (!conversation) return 'no_conversation'
    const lang = conversation.lang
    await ctx.teams.connector.sendActivity(
      { serviceUrl: conversation.serviceUrl, conversationId: conversation.conversationId },
      buildCardActivity(buildTeamsReminderCard(lang, text(lang))),
    )
    return 'sent'
  }
  return 'no_channel'
}

async function deliver(
  ctx: ReminderDeps,
  job: ReminderJobInput,
  record: { referrerKey: string; leadKey: string | null },
  rules: StalledRules,
): Promise<ReminderResult> {
  if (job.kind === 'escalation' || job.recipient === 'chairs') {
    return postToChairs(ctx, (lang) => chairsText(lang, job, rules))
  }
  if (job.recipient === 'referrer') {
    if (record.referrerKey.startsWith('teams:')) {
      // The Teams area's own reminder card (open question), sent once per reminder key.
      const result = await runTeamsReminder(ctx.teams, {
        id: job.id,
        userKey: record.referrerKey,
        kind: 'info',
        reference: job.reference,
      })
      return result === 'already_sent' ? 'sent' : result === 'not_teams' ? 'no_channel' : result
    }
    return directMessage(ctx, record.referrerKey, (lang) =>
      t(lang, 'digest.reminders.referrer', { reference: job.reference, days: job.days }),
    )
  }
  if (job.recipient === 'lead') {
    if (!record.leadKey) return postToChairs(ctx, (lang) => chairsText(lang, job, rules))
    return directMessage(ctx, record.leadKey, (lang) =>
      t(lang, 'digest.reminders.lead', {
        reference: job.reference,
        step: stepText(lang, job),
        due: job.due ?? '',
      }),
    )
  }
  // Coordinators follow stalled cases through the weekly digest, not through daily reminders.
  return 'nothing'
}

/**
 * Sends one reminder, at most once per reminder key: claimed first, marked sent after, given up on a
 * temporary failure (the error is rethrown: the queue retries with backoff). A permanent platform
 * refusal is logged and counts as sent.
 */
export async function runReminder(
  ctx: ReminderDeps,
  job: ReminderJobInput,
  rules: StalledRules = DEFAULT_STALLED_RULES,
): Promise<ReminderResult> {
  const record = await ctx.deps.store.getByReference(job.reference)
  if (!record) return 'not_found'
  if (!RULE_STATUSES[job.rule].includes(record.status)) return 'nothing'
  const claim = await ctx.store.claimReminder(
    {
      key: job.id,
      reference: job.reference,
      rule: job.rule,
      kind: job.kind,
      statusSince: record.statusSince,
    },
    ctx.deps.clock(),
  )
  if (claim === 'done') return 'already_sent'
  if (claim === 'busy') return 'busy'
  let result: ReminderResult
  try {
    result = await deliver(ctx, job, record, rules)
  } catch (error) {
    if (isTemporaryFailure(error)) {
      await ctx.store.releaseReminder(job.id)
      throw error
    }
    logger.warn('reminder_failed', {
      reference: job.reference,
      rule: job.rule,
      code:
        error instanceof SlackApiError
          ? error.code
          : error instanceof ConnectorError
            ? String(error.status)
            : 'unknown',
    })
    result = 'failed'
  }
  await ctx.store.finishReminder(job.id)
  return result
}
