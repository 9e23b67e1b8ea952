import type { CaseStatus } from '../domain/lifecycle'
import {
  buildChairsReminderNotice,
  buildFollowUpNotice,
  buildLeadReminderNotice,
  buildReferrerReminderNotice,
  type FollowUpNotice,
  type ReminderNotice,
} from '../domain/notices'
import { regionOf } from '../domain/region'
import {
  assessCase,
  type CaseSummary,
  dueReminders,
  type NextStepKind,
  type OwnerRole,
  type Reminder,
  referrerSends,
  type StalledRuleId,
  type StalledRules,
} from '../domain/stalled'
import { logger } from '../logger'
import { DeliveryUnavailable, type Notifier, type NotifyResult, type Recipient } from '../ports/notifier'
import { listCaseSummaries } from './cases'
import type { Deps } from './deps'
import type { DigestStore } from './digest-store'

/**
 * Reminders (issue 6): the daily cron turns every due reminder (`dueReminders`, src/domain/stalled.ts)
 * into one queue job whose id is the reminder key (`reminder:<ref>:<rule>:<day>`), so a second cron run
 * on the same day enqueues the same ids and the consumer acts once. Each job reminds one party on their
 * own surface:
 * - the referrer (information overdue): a Teams reminder card, or a Slack direct message;
 * - the referrer of an advised case (follow-up overdue, issue 15 §1): the follow-up question itself — a Teams
 *   card with its inputs, a Slack message whose button opens the questions — and then its reminders;
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

/** What reminders need: the case core, the reminder ledger and the Notifier. */
export interface ReminderDeps {
  deps: Deps
  store: DigestStore
  notifier: Notifier
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

/** Whether a failure may pass (a platform was down, a rate limit): retry later. */
export function isTemporaryFailure(error: unknown): boolean {
  return error instanceof DeliveryUnavailable || (error instanceof Error && error.name === 'TemporaryError')
}

/**
 * The daily scan: open cases with the referrer reminders already sent for their current information
 * request, the reminders due today, one queue job each. Returns the jobs enqueued.
 */
export async function runReminderScan(
  deps: Deps,
  store: DigestStore,
  now: Date,
  /** Default: the stalled-case limits of the deployment's region pack. */
  givenRules?: StalledRules,
): Promise<ReminderJobInput[]> {
  const rules = givenRules ?? regionOf(deps.config).stalled
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

/** A Notifier result as a reminder result; a permanent refusal is logged and counts as sent. */
function resultOf(result: NotifyResult, job: ReminderJobInput): ReminderResult {
  switch (result.status) {
    case 'sent':
    case 'already_sent':
      return 'sent'
    case 'skipped':
      return 'nothing'
    case 'unreachable':
      return result.reason === 'no_conversation' ? 'no_conversation' : 'no_channel'
    case 'failed':
      logger.warn('reminder_failed', { reference: job.reference, rule: job.rule, code: result.code })
      return 'failed'
  }
}

/** Who gets the reminder and what it says. */
function planOf(
  job: ReminderJobInput,
  record: { referrerKey: string; leadKey: string | null },
  rules: StalledRules,
): { to: Recipient; notice: ReminderNotice | FollowUpNotice; sendKey?: string } | null {
  const chairs = () => ({
    to: { kind: 'chairs' } as const,
    notice: buildChairsReminderNotice(job, referrerSends(job.rule, rules)),
  })
  if (job.kind === 'escalation' || job.recipient === 'chairs') return chairs()
  if (job.recipient === 'referrer' && job.rule === 'follow_up_overdue') {
    // The follow-up question after the advice (issue 15 §1): the first message asks it, the next remind.
    return {
      to: { kind: 'person', key: record.referrerKey },
      notice: buildFollowUpNotice(job.reference, job.number),
      sendKey: `reminder:${job.id}`,
    }
  }
  if (job.recipient === 'referrer') {
    return {
      to: { kind: 'person', key: record.referrerKey },
      notice: buildReferrerReminderNotice('info', job.reference, job.days),
      // Sent once per reminder key (a Teams card is remembered, so erasure can replace it).
      sendKey: `reminder:${job.id}`,
    }
  }
  if (job.recipient === 'lead') {
    if (!record.leadKey) return chairs()
    return {
      to: { kind: 'person', key: record.leadKey },
      notice: buildLeadReminderNotice(job.reference, job.step, job.due),
    }
  }
  // Coordinators follow stalled cases through the weekly digest, not through daily reminders.
  return null
}

async function deliver(
  ctx: ReminderDeps,
  job: ReminderJobInput,
  record: { referrerKey: string; leadKey: string | null },
  rules: StalledRules,
): Promise<ReminderResult> {
  const plan = planOf(job, record, rules)
  if (!plan) return 'nothing'
  const result = await ctx.notifier.notify(
    plan.to,
    plan.notice,
    plan.sendKey ? { sendKey: plan.sendKey } : {},
  )
  return resultOf(result, job)
}

/**
 * Sends one reminder, at most once per reminder key: claimed first, marked sent after, given up on a
 * temporary failure (the error is rethrown: the queue retries with backoff). A permanent platform
 * refusal is logged and counts as sent.
 */
export async function runReminder(
  ctx: ReminderDeps,
  job: ReminderJobInput,
  /** Default: the stalled-case limits of the deployment's region pack. */
  givenRules?: StalledRules,
): Promise<ReminderResult> {
  const rules = givenRules ?? regionOf(ctx.deps.config).stalled
  const record = await ctx.deps.store.getByReference(job.reference)
  if (!record) return 'not_found'
  if (!RULE_STATUSES[job.rule].includes(record.status)) return 'nothing'
  // The follow-up was answered (or checked) since the cron: nothing to ask any more.
  if (job.rule === 'follow_up_overdue' && record.followUpDoneAt !== null) return 'nothing'
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
      code: error instanceof Error ? error.name : 'unknown',
    })
    result = 'failed'
  }
  await ctx.store.finishReminder(job.id)
  return result
}
