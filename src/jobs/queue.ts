import { logger } from '../logger'
import { DeliveryUnavailable } from '../ports/notifier'
import type { Deps } from '../services/deps'
import type { JobPorts, JobRegistry } from './handlers'
import { parseJob } from './messages'

/** A failure worth retrying (a platform was down, a rate limit): the message comes back later. */
export class TemporaryError extends Error {
  override readonly name = 'TemporaryError'
}

/** Delay before retry `attempt` (1-based): 30 s, 60 s, 120 s… capped at one hour. */
export function backoffSeconds(attempt: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempt - 1), 3600)
}

/** What the consumer runs with: built by the wiring (src/wiring) per batch. */
export interface BatchContext {
  deps: Deps
  ports: JobPorts
  registry: JobRegistry
}

/** A failure worth retrying: the consumer's own `TemporaryError` or a port's `DeliveryUnavailable`. */
function isTemporary(error: unknown): boolean {
  return error instanceof TemporaryError || error instanceof DeliveryUnavailable
}

/**
 * The queue consumer. Per message: parse (unknown or invalid → logged by type only and acked: a bad
 * message never becomes good), run each handler of its type that has not yet handled this job id
 * (idempotent consumer: `processed_jobs`), then ack — or retry with backoff when a handler threw a
 * `TemporaryError`. Any other error is permanent: logged, recorded, acked (retrying a bug only
 * repeats it). One message's failure never stops the rest of the batch.
 */
export async function processBatch(batch: MessageBatch<unknown>, context: BatchContext): Promise<void> {
  for (const message of batch.messages) {
    await processMessage(message, context)
  }
}

async function processMessage(message: Message<unknown>, context: BatchContext): Promise<void> {
  const { deps, ports, registry } = context
  const parsed = parseJob(message.body)
  if (!parsed.ok) {
    logger.warn('job_rejected', { jobType: parsed.type ?? 'unknown', code: parsed.reason })
    message.ack()
    return
  }
  const { job } = parsed
  const handlers = registry.handlersFor(job.type)
  if (handlers.length === 0) logger.info('job_unhandled', { jobType: job.type, jobId: job.id })

  let temporary = false
  // The ledger rows of all handlers in one read (a `case.submitted` has three handlers).
  let done: Set<string>
  try {
    done = await deps.store.processedJobIds(handlers.map((h) => `${job.id}#${h.name}`))
  } catch {
    message.retry({ delaySeconds: backoffSeconds(message.attempts) })
    return
  }
  for (const handler of handlers) {
    const ledgerId = `${job.id}#${handler.name}`
    if (done.has(ledgerId)) continue
    try {
      await handler.handle(job, { deps, ports, attempt: message.attempts })
    } catch (error) {
      if (isTemporary(error)) {
        temporary = true
        logger.warn('job_temporary_failure', {
          jobType: job.type,
          jobId: job.id,
          phase: handler.name,
          attempt: message.attempts,
        })
        continue
      }
      logger.error('job_failed', {
        jobType: job.type,
        jobId: job.id,
        phase: handler.name,
        error: error instanceof Error ? error.name : 'unknown',
      })
    }
    try {
      await deps.store.markJobProcessed(ledgerId, deps.clock().toISOString())
    } catch {
      // The handler ran; without the ledger row a retry may run it again, which handlers tolerate
      // (they are idempotent by job id) — better than losing the follow-ups of the other handlers.
      temporary = true
    }
  }

  if (temporary) message.retry({ delaySeconds: backoffSeconds(message.attempts) })
  else message.ack()
}

/**
 * The dead-letter consumer: logs each message by type and id and runs the dead-letter hooks once per
 * job id (e.g. alert the chairs), then acks.
 */
export async function processDeadLetters(batch: MessageBatch<unknown>, context: BatchContext): Promise<void> {
  const { deps, ports, registry } = context
  for (const message of batch.messages) {
    const body = message.body as { type?: unknown; id?: unknown } | null
    const type = typeof body?.type === 'string' ? body.type.slice(0, 100) : null
    const id = typeof body?.id === 'string' ? body.id.slice(0, 300) : null
    logger.error('job_dead_letter', { jobType: type ?? 'unknown', jobId: id ?? 'unknown' })
    try {
      const first = await deps.store.markJobProcessed(`dead:${id ?? message.id}`, deps.clock().toISOString())
      if (first) {
        for (const hook of registry.deadLetterHooks()) {
          await hook.handle({ type, id }, { deps, ports }).catch((error: unknown) => {
            logger.error('dead_letter_hook_failed', {
              phase: hook.name,
              error: error instanceof Error ? error.name : 'unknown',
            })
          })
        }
      }
    } catch {
      logger.error('dead_letter_ledger_failed', { jobType: type ?? 'unknown' })
    }
    message.ack()
  }
}
