import { z } from 'zod'
import { buildDeadLetterNotice } from '../domain/notices'
import { logger } from '../logger'
import { DeliveryUnavailable } from '../ports/notifier'
import { type DigestDeliveryDeps, runDigestSend } from '../services/digest-delivery'
import { isTemporaryFailure } from '../services/reminders'
import type { DeadLetter, JobContext } from './handlers'
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

/** The digest delivery dependencies of a queue run. */
export function buildDigestDeliveryDeps(context: Pick<JobContext, 'deps' | 'ports'>): DigestDeliveryDeps {
  return { deps: context.deps, store: context.ports.digestStore, notifier: context.ports.notifier }
}

/** `digest.send`: one week's digest to one recipient. */
export async function handleDigestJob(job: DigestJob, context: JobContext): Promise<void> {
  try {
    const result = await runDigestSend(buildDigestDeliveryDeps(context), job)
    logger.info('digest_processed', { jobType: job.type, jobId: job.id, status: result })
  } catch (error) {
    if (isTemporaryFailure(error))
      throw new TemporaryError(error instanceof Error ? error.message : 'temporary')
    throw error
  }
}

/**
 * Tells the chairs' channel once per dead job (the consumer runs dead-letter hooks once per job id). A
 * post that fails for a while is retried a few times here: the dead-letter queue is the end of the line.
 */
export async function processDeadLetterAlert(
  letter: DeadLetter,
  context: Pick<JobContext, 'ports'>,
): Promise<boolean> {
  const notice = buildDeadLetterNotice(letter)
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const result = await context.ports.notifier.notify({ kind: 'chairs' }, notice)
      if (result.status !== 'sent') {
        logger.warn('dead_letter_alert_skipped', {
          jobType: letter.type ?? 'unknown',
          code: result.status === 'unreachable' ? result.reason : result.status,
        })
      }
      return result.status === 'sent'
    } catch (error) {
      if (!(error instanceof DeliveryUnavailable) || attempt === 3) throw error
    }
  }
  return false
}
