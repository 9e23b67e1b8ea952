import { z } from 'zod'
import { SlackApiError } from '../../adapters/slack/web-api'
import { buildTeamsConnector } from '../../adapters/teams/deps'
import { D1TeamsStore } from '../../adapters/teams/store'
import { t } from '../domain/copy'
import { logger } from '../logger'
import { type DigestDeliveryDeps, runDigestSend } from '../services/digest-delivery'
import { D1DigestStore } from '../services/digest-store'
import { isTemporaryFailure } from '../services/reminders'
import { buildSlackDeps } from '../services/slack-deps'
import { resolveSlackLang } from '../services/slack-triage'
import { type DeadLetter, type JobContext, registerDeadLetterHandler, registerJobHandler } from './handlers'
import { defineJobType } from './messages'
import { TemporaryError } from './queue'

/**
 * `digest.send`: one week's digest to one recipient (src/services/digest-delivery.ts), and the
 * dead-letter alert: a job that exhausted its retries is announced once in the chairs' Slack channel.
 */

/** A digest job: id `digest:<week>:<recipient>`. */
export const DigestJobSchema = z
  .strictObject({
    type: z.literal('digest.send'),
    id: z.string().min(1).max(300),
    week: z.string().regex(/^\d{4}-W\d{2}$/),
    recipient: z.string().min(3).max(250),
  })
  .refine((job) => job.id === `digest:${job.week}:${job.recipient}`, { message: 'id' })
export type DigestJob = z.output<typeof DigestJobSchema>

declare module './messages' {
  interface JobTypes {
    'digest.send': DigestJob
  }
}

defineJobType('digest.send', DigestJobSchema)

/** The digest delivery dependencies of a queue run. */
export function buildDigestDeliveryDeps(context: Pick<JobContext, 'deps' | 'env'>): DigestDeliveryDeps {
  const { deps, env } = context
  const slack = buildSlackDeps(env, deps.config)
  const teamsStore = new D1TeamsStore(env.DB)
  const connector = buildTeamsConnector(deps.config)
  return {
    deps,
    store: new D1DigestStore(env.DB),
    slack: {
      api: slack.api,
      channelLang: slack.channelLang,
      langOf: (user) => resolveSlackLang(slack, user),
    },
    teams: {
      getConversation: (key) => teamsStore.getConversation(key),
      sendActivity: (address, activity) => connector.sendActivity(address, activity),
    },
  }
}

registerJobHandler('digest.send', 'digest.send', async (job, context) => {
  try {
    const result = await runDigestSend(buildDigestDeliveryDeps(context), job)
    logger.info('digest_processed', { jobType: job.type, jobId: job.id, status: result })
  } catch (error) {
    if (isTemporaryFailure(error))
      throw new TemporaryError(error instanceof Error ? error.message : 'temporary')
    throw error
  }
})

/** The chairs' alert for a dead job: its type and, when the id names one, the case reference. */
export function buildDeadLetterAlert(letter: DeadLetter, lang: 'nl' | 'en'): string {
  const reference = letter.id ? /RET-\d{4}-\d{4,6}/.exec(letter.id)?.[0] : undefined
  return t(lang, 'digest.alerts.deadLetter', {
    type: letter.type ?? '?',
    reference: reference ? ` (${reference})` : '',
  })
}

/**
 * Tells the chairs' channel once per dead job (the consumer runs dead-letter hooks once per job id). A
 * failing post is retried a few times here: the dead-letter queue is the end of the line.
 */
export async function processDeadLetterAlert(
  letter: DeadLetter,
  context: Pick<JobContext, 'deps' | 'env'>,
): Promise<boolean> {
  const slack = buildSlackDeps(context.env, context.deps.config)
  if (!slack.channel) {
    logger.warn('dead_letter_alert_skipped', { jobType: letter.type ?? 'unknown', code: 'no_channel' })
    return false
  }
  const text = buildDeadLetterAlert(letter, slack.channelLang)
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await slack.api.postMessage(slack.channel, { text })
      return true
    } catch (error) {
      if (!(error instanceof SlackApiError && error.temporary) || attempt === 3) throw error
    }
  }
  return false
}

registerDeadLetterHandler('chairs.alert', async (letter, context) => {
  await processDeadLetterAlert(letter, context)
})
