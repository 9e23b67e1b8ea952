import { buildCaseChangeNotice, buildReceiptNotice, buildReferrerReminderNotice } from '../domain/notices'
import { regionOf } from '../domain/region'
import { logger } from '../logger'
import type { Notifier, NotifyResult } from '../ports/notifier'
import { decryptEvent } from './cases'
import type { Deps } from './deps'

export { formatLocalTime } from '../domain/local-time'

/**
 * What the referrer hears about their case, on whichever surface they filed (issue 11): the receipt after
 * submit, status changes, the chair's questions (answered on the message) and reminders about a draft,
 * an open question or a missing analysis. Each is a neutral notice (src/domain/notices.ts) sent through
 * the Notifier with a send key, so it goes out at most once per key and can be replaced on erasure;
 * only the case's own referrer receives it. (Formerly the Teams follow-ups and the Slack referrer job.)
 */

export interface FollowUpDeps {
  deps: Deps
  notifier: Notifier
}

export type FollowUpResult =
  | 'sent'
  | 'already_sent'
  | 'skipped'
  | 'unreachable'
  | 'not_found'
  | 'nothing'
  | 'failed'

function resultOf(result: NotifyResult, sendKey: string): FollowUpResult {
  if (result.status === 'failed') {
    // A permanent refusal (a removed app, a gone conversation): logged by code, the job is done.
    logger.warn('referrer_notice_failed', { jobId: sendKey, code: result.code })
  }
  return result.status
}

/** The receipt after a referral: reference, suggested intervention, urgency. */
export async function runReceiptNotice(ctx: FollowUpDeps, reference: string): Promise<FollowUpResult> {
  const record = await ctx.deps.store.getByReference(reference)
  if (!record) return 'not_found'
  const sendKey = `receipt:${reference}`
  const result = await ctx.notifier.notify(
    { kind: 'person', key: record.referrerKey },
    buildReceiptNotice(record, ctx.deps.config.YOUTH_CRISIS_PHONE),
    { sendKey },
  )
  return resultOf(result, sendKey)
}

/**
 * A case changed: a question from the chair becomes a question notice (answered on the message); a
 * change of status a status notice. The referrer's own actions and changes without news send nothing.
 */
export async function runCaseChangeNotice(
  ctx: FollowUpDeps,
  reference: string,
  version: number,
): Promise<FollowUpResult> {
  const record = await ctx.deps.store.getByReference(reference)
  if (!record) return 'not_found'
  const stored = (await ctx.deps.store.listEvents(record.id)).find((e) => e.seq === version)
  if (!stored || stored.actorKey === record.referrerKey || stored.type === 'provideInfo') return 'nothing'
  const notice = buildCaseChangeNotice(
    record,
    version,
    await decryptEvent(ctx.deps, stored),
    regionOf(ctx.deps.config).interventions,
  )
  if (!notice) return 'nothing'
  const sendKey = `changed:${reference}:${version}`
  const result = await ctx.notifier.notify({ kind: 'person', key: record.referrerKey }, notice, { sendKey })
  return resultOf(result, sendKey)
}

/** A reminder to one referrer (an unfinished draft, an open question, a missing analysis). */
export async function runReferrerReminder(
  ctx: FollowUpDeps,
  input: { id: string; userKey: string; kind: 'draft' | 'info' | 'analysis'; reference?: string | undefined },
): Promise<FollowUpResult> {
  if (input.reference) {
    const record = await ctx.deps.store.getByReference(input.reference)
    // Only the case's own referrer is reminded, and only while the reminder still applies.
    if (!record || record.referrerKey !== input.userKey) return 'not_found'
    if (input.kind === 'info' && record.status !== 'info_requested') return 'nothing'
  }
  const sendKey = `reminder:${input.id}`
  const result = await ctx.notifier.notify(
    { kind: 'person', key: input.userKey },
    buildReferrerReminderNotice(input.kind, input.reference ?? null),
    { sendKey },
  )
  return resultOf(result, sendKey)
}
