import { storedIdentityKey } from '../auth/identity'
import { amsterdamDay, isoWeekOfDay } from '../domain/calendar'
import { buildDigest, type Digest, digestKey, snapshotOf } from '../domain/digest'
import { buildDigestNotice } from '../domain/notices'
import { regionOf } from '../domain/region'
import type { StalledRules } from '../domain/stalled'
import { logger } from '../logger'
import type { Notifier, Recipient } from '../ports/notifier'
import { listCaseSummaries } from './cases'
import type { Deps } from './deps'
import { buildDigestRecipients, type DigestRecipient, parseDigestRecipient } from './digest-recipients'
import type { DigestStore } from './digest-store'
import { isTemporaryFailure } from './reminders'

/**
 * The weekly digest (DOMAIN.md §6, issue 6): built once per ISO week when the Monday 08:00 Amsterdam cron
 * fires, its counts stored as the week's snapshot, and one `digest.send` job per recipient with the id
 * `digest:<week>:<recipient>`. Each send is claimed in `digest_deliveries` first, so a cron that fires
 * twice, a queue redelivery or two consumers racing still deliver exactly once per week and recipient.
 * The stored snapshot holds counts only; the stalled list is rebuilt from the cases, as of the cron time,
 * when a job sends.
 */

const MS_WEEK = 7 * 86_400_000

/** The ISO week (Amsterdam) of the week before `at`. */
export function previousWeekOf(at: Date): string {
  return isoWeekOfDay(amsterdamDay(at.getTime() - MS_WEEK))
}

/** The digest as of `now`, compared with last week's stored snapshot (estimated without one). */
export async function loadDigest(
  deps: Deps,
  store: DigestStore,
  now: Date,
  /** Default: the stalled-case limits of the deployment's region pack. */
  rules?: StalledRules,
): Promise<Digest> {
  const [cases, previous] = await Promise.all([
    listCaseSummaries(deps),
    store.getSnapshot(previousWeekOf(now)),
  ])
  // The region pack's limits, interventions and municipalities (Drenthe: the shared ones).
  const region = regionOf(deps.config)
  return buildDigest(cases, now, {
    rules: rules ?? region.stalled,
    previous: previous?.snapshot ?? null,
    interventions: region.interventions,
    municipalities: region.municipalities,
  })
}

/** One `digest.send` job. */
export interface DigestJobInput {
  id: string
  week: string
  recipient: string
}

/**
 * The Monday run: builds the digest, stores the week's snapshot (the first run of the week wins) and
 * enqueues one send per configured recipient that has not received this week's digest yet.
 */
export async function runDigestSchedule(
  deps: Deps,
  store: DigestStore,
  now: Date,
  rules?: StalledRules,
): Promise<{ week: string; jobs: DigestJobInput[] }> {
  const digest = await loadDigest(deps, store, now, rules)
  const stored = await store.putSnapshot(snapshotOf(digest), now.toISOString())
  const week = stored.snapshot.week
  const { recipients, invalid } = buildDigestRecipients(deps.config)
  if (invalid.length > 0) logger.error('digest_recipients_invalid', { count: invalid.length })
  const delivered = new Set(await store.listDeliveries(week))
  const jobs: DigestJobInput[] = []
  for (const r of recipients) {
    // A Teams recipient is named by its pseudonym in the job, its id and the delivery ledger (issue 14
    // §4); the notifier finds the conversation reference by it.
    const key = await storedIdentityKey(deps.config, r.key)
    if (delivered.has(key)) continue
    const job = { id: digestKey(week, key), week, recipient: key }
    await deps.queue.send({ type: 'digest.send', ...job })
    jobs.push(job)
  }
  logger.info('digest_scheduled', { count: jobs.length, status: week })
  return { week, jobs }
}

/** What digest delivery needs: the case core, the digest ledger and the Notifier. */
export interface DigestDeliveryDeps {
  deps: Deps
  store: DigestStore
  notifier: Notifier
}

export type DigestSendResult =
  | 'sent'
  | 'already_sent'
  | 'busy'
  | 'no_snapshot'
  | 'unknown_recipient'
  | 'no_conversation'
  | 'failed'

/** A configured recipient as a Notifier recipient: a person, or a shared channel (no pseudonyms). */
function recipientOf(recipient: DigestRecipient): Recipient {
  return recipient.kind === 'slack-channel'
    ? { kind: 'channel', key: recipient.key }
    : { kind: 'person', key: recipient.key }
}

async function deliver(
  ctx: DigestDeliveryDeps,
  recipient: DigestRecipient,
  digest: Digest,
  jobId: string,
): Promise<DigestSendResult> {
  const result = await ctx.notifier.notify(recipientOf(recipient), buildDigestNotice(digest))
  switch (result.status) {
    case 'sent':
    case 'already_sent':
      return 'sent'
    case 'unreachable':
      return result.reason === 'no_conversation' ? 'no_conversation' : 'unknown_recipient'
    case 'skipped':
      return 'unknown_recipient'
    case 'failed':
      logger.error('digest_send_failed', { jobId, surface: recipient.kind, code: result.code })
      return 'failed'
  }
}

/**
 * Sends one week's digest to one recipient, at most once: claim, send, mark sent. A temporary failure
 * gives the claim up and rethrows (the queue retries with backoff); a permanent one (no stored Teams
 * conversation, a refused channel) is logged and the claim given up, so a later run may still deliver.
 */
export async function runDigestSend(
  ctx: DigestDeliveryDeps,
  job: DigestJobInput,
  rules?: StalledRules,
): Promise<DigestSendResult> {
  const recipient = parseDigestRecipient(job.recipient)
  if (!recipient) return 'unknown_recipient'
  const stored = await ctx.store.getSnapshot(job.week)
  if (!stored) return 'no_snapshot'
  const claim = await ctx.store.claimDelivery(job.week, job.recipient, ctx.deps.clock())
  if (claim === 'done') return 'already_sent'
  if (claim === 'busy') return 'busy'
  let result: DigestSendResult
  try {
    const digest = await loadDigest(ctx.deps, ctx.store, new Date(stored.generatedAt), rules)
    result = await deliver(ctx, recipient, digest, job.id)
  } catch (error) {
    await ctx.store.releaseDelivery(job.week, job.recipient)
    if (isTemporaryFailure(error)) throw error
    logger.error('digest_send_failed', {
      jobId: job.id,
      surface: recipient.kind,
      code: error instanceof Error ? error.name : 'unknown',
    })
    return 'failed'
  }
  if (result === 'sent') await ctx.store.finishDelivery(job.week, job.recipient)
  else await ctx.store.releaseDelivery(job.week, job.recipient)
  return result
}
