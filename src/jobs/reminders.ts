import { z } from 'zod'
import { buildTeamsConnector } from '../../adapters/teams/deps'
import { D1TeamsStore } from '../../adapters/teams/store'
import { NEXT_STEPS, OWNER_ROLES, STALLED_RULE_IDS } from '../domain/stalled'
import { logger } from '../logger'
import { REFERENCE_PATTERN } from '../ports/case-store'
import { D1DigestStore } from '../services/digest-store'
import { isTemporaryFailure, type ReminderDeps, runReminder } from '../services/reminders'
import { buildSlackDeps } from '../services/slack-deps'
import { resolveSlackLang } from '../services/slack-triage'
import { type JobContext, registerJobHandler } from './handlers'
import { defineJobType } from './messages'
import { TemporaryError } from './queue'

/**
 * `reminder.send`: one reminder (src/services/reminders.ts), enqueued by the daily cron with the reminder
 * key as job id. Platform failures that may pass become `TemporaryError` (retry with backoff, then the
 * dead-letter queue); anything else is logged by type and acked.
 */

/** A reminder job. Identifiers, numbers and dates only. */
export const ReminderJobSchema = z.strictObject({
  type: z.literal('reminder.send'),
  id: z.string().regex(/^reminder:RET-\d{4}-\d{4,6}:[a-z_]+:\d{4}-\d{2}-\d{2}$/),
  reference: z.string().regex(REFERENCE_PATTERN),
  rule: z.enum(STALLED_RULE_IDS),
  recipient: z.enum(OWNER_ROLES),
  kind: z.enum(['reminder', 'escalation']),
  number: z.int().min(0).max(100),
  days: z.int().min(0).max(100_000),
  step: z.enum(NEXT_STEPS).nullable(),
  due: z.iso.date().nullable(),
})
export type ReminderJob = z.output<typeof ReminderJobSchema>

declare module './messages' {
  interface JobTypes {
    'reminder.send': ReminderJob
  }
}

defineJobType('reminder.send', ReminderJobSchema)

/** The reminder dependencies of a queue run. */
export function buildReminderDeps(context: Pick<JobContext, 'deps' | 'env'>): ReminderDeps {
  const { deps, env } = context
  const slack = buildSlackDeps(env, deps.config)
  return {
    deps,
    store: new D1DigestStore(env.DB),
    slack: {
      api: slack.api,
      channel: slack.channel,
      channelLang: slack.channelLang,
      langOf: (user) => resolveSlackLang(slack, user),
    },
    teams: { deps, teams: new D1TeamsStore(env.DB), connector: buildTeamsConnector(deps.config) },
  }
}

registerJobHandler('reminder.send', 'reminders.send', async (job, context) => {
  try {
    const result = await runReminder(buildReminderDeps(context), job)
    logger.info('reminder_processed', {
      jobType: job.type,
      reference: job.reference,
      rule: job.rule,
      status: result,
    })
  } catch (error) {
    if (isTemporaryFailure(error))
      throw new TemporaryError(error instanceof Error ? error.message : 'temporary')
    throw error
  }
})
