import { z } from 'zod'
import { ConnectorError } from '../../adapters/teams/connector'
import { buildTeamsConnector } from '../../adapters/teams/deps'
import { D1TeamsStore } from '../../adapters/teams/store'
import { loadConfig } from '../config'
import { logger } from '../logger'
import { REFERENCE_PATTERN } from '../ports/case-store'
import {
  type FollowUpResult,
  runTeamsCaseChanged,
  runTeamsReceipt,
  runTeamsReminder,
  type TeamsFollowUpDeps,
} from '../services/teams-followups'
import { type JobContext, registerJobHandler } from './handlers'
import { defineJobType } from './messages'
import { TemporaryError } from './queue'

/**
 * Queue handlers that send proactive Teams cards: `teams.receipt` and `teams.status` follow the case
 * core's `case.submitted` / `case.changed`; `teams.reminder` is this area's own job. A connector
 * failure that may pass (network, 429, 5xx, token endpoint down) is a `TemporaryError`: the consumer
 * retries with backoff (30 s, 60 s, … ≤ 1 h) and the dead-letter queue takes what keeps failing.
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

defineJobType('teams.reminder', TeamsReminderJobSchema)

function followUpDeps(context: JobContext): TeamsFollowUpDeps {
  const config = loadConfig(context.env as unknown as Record<string, unknown>)
  return {
    deps: context.deps,
    teams: new D1TeamsStore(context.env.DB),
    connector: buildTeamsConnector(config),
  }
}

async function run(jobType: string, jobId: string, work: () => Promise<FollowUpResult>): Promise<void> {
  try {
    const result = await work()
    logger.info('teams_follow_up', { jobType, jobId, status: result })
  } catch (error) {
    if (error instanceof ConnectorError && error.temporary) throw new TemporaryError(error.message)
    throw error
  }
}

registerJobHandler('case.submitted', 'teams.receipt', (job, context) =>
  run(job.type, job.id, () => runTeamsReceipt(followUpDeps(context), job.reference)),
)

registerJobHandler('case.changed', 'teams.status', (job, context) =>
  run(job.type, job.id, () => runTeamsCaseChanged(followUpDeps(context), job.reference, job.version)),
)

registerJobHandler('teams.reminder', 'teams.reminder', (job, context) =>
  run(job.type, job.id, () => runTeamsReminder(followUpDeps(context), job)),
)
