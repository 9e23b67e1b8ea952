import { z } from 'zod'
import { logger } from '../logger'
import { REFERENCE_PATTERN } from '../ports/case-store'
import {
  type FollowUpDeps,
  type FollowUpResult,
  runCaseChangeNotice,
  runReceiptNotice,
  runReferrerReminder,
} from '../services/teams-followups'
import type { JobContext } from './handlers'

/**
 * What the referrer hears, through the Notifier (src/services/teams-followups.ts): the receipt after
 * `case.submitted`, the status or question after `case.changed`, and the `teams.reminder` job (a
 * reminder to one user about a draft, an open question or a missing analysis). A platform failure that
 * may pass is a `DeliveryUnavailable`: the consumer retries with backoff (30 s, 60 s, … ≤ 1 h) and the
 * dead-letter queue takes what keeps failing.
 */

/** A reminder to one Teams user. The body holds identifiers only. */
export const TeamsReminderJobSchema = z.strictObject({
  type: z.literal('teams.reminder'),
  id: z.string().min(1).max(300),
  userKey: z.string().regex(/^teams:[^:\s]+:[^:\s]+$/),
  kind: z.enum(['draft', 'info', 'analysis']),
  reference: z.string().regex(REFERENCE_PATTERN).optional(),
})
export type TeamsReminderJob = z.output<typeof TeamsReminderJobSchema>

declare module './messages' {
  interface JobTypes {
    'teams.reminder': TeamsReminderJob
  }
}

function followUpDeps(context: JobContext): FollowUpDeps {
  return { deps: context.deps, notifier: context.ports.notifier }
}

async function run(jobType: string, jobId: string, work: () => Promise<FollowUpResult>): Promise<void> {
  const result = await work()
  logger.info('referrer_notice', { jobType, jobId, status: result })
}

export function handleReceiptJob(job: { type: string; id: string; reference: string }, context: JobContext) {
  return run(job.type, job.id, () => runReceiptNotice(followUpDeps(context), job.reference))
}

export function handleCaseChangeJob(
  job: { type: string; id: string; reference: string; version: number },
  context: JobContext,
) {
  return run(job.type, job.id, () => runCaseChangeNotice(followUpDeps(context), job.reference, job.version))
}

export function handleTeamsReminderJob(job: TeamsReminderJob, context: JobContext) {
  return run(job.type, job.id, () => runReferrerReminder(followUpDeps(context), job))
}
