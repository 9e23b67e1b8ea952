import { buildCaseSummary } from '../../src/domain/case-card'
import { t } from '../../src/domain/copy'
import type { Lang } from '../../src/domain/enums'
import { buildErasedNotice } from '../../src/domain/notices'
import { regionOf } from '../../src/domain/region'
import { logger } from '../../src/logger'
import type { CaseChannel } from '../../src/ports/case-channel'
import type { CaseRecord, CaseStore } from '../../src/ports/case-store'
import type { Cipher } from '../../src/ports/cipher'
import type { Clock } from '../../src/ports/clock'
import { DeliveryUnavailable } from '../../src/ports/notifier'
import { decryptEvent } from '../../src/services/events'
import { buildCaseCard, buildThreadText } from './cards'
import type { SlackMessageStore } from './message-store'
import { renderSlackNotice } from './notices'
import { SlackApiError, type SlackWebApi } from './web-api'

/**
 * The chairs' case card in Slack, the Slack `CaseChannel` (src/ports/case-channel.ts): posted once when a
 * case is submitted, redrawn in place with chat.update on every change, with each timeline event as a
 * line in the card's thread. Every sync converges on the case as it is now, so retries and out-of-order
 * jobs end in the same card. Temporary Slack failures are `DeliveryUnavailable` (the job retries).
 */

/** What the card needs of the case core: the store, the cipher (timeline lines) and the clock. */
export interface CardCore {
  store: CaseStore
  cipher: Cipher
  clock: Clock
  /** The deployment's region (`REGION`): the interventions a reroute offers. */
  config?: { REGION?: string }
}

/** The Slack side: the Web API, where cards are, the triage channel and its language. */
export interface CardSlack {
  api: SlackWebApi
  messages: SlackMessageStore
  /** Triage channel id ('' = not configured: cards are not posted). */
  channel: string
  channelLang: Lang
}

type Deps = CardCore
type SlackDeps = CardSlack

/** The card summary of a case: its state and its latest routing decision (no personal data). */
async function loadCardSummary(deps: Deps, record: CaseRecord) {
  const routing = (await deps.store.listRouting(record.id)).at(-1)?.decision ?? null
  const { id: _id, intakeEnc: _intake, pseudonymEnc: _pseudonym, ...state } = record
  return buildCaseSummary(state, routing, regionOf(deps.config ?? {}).interventions)
}

/** A claimed post that never finished may be taken over after this long. */
const STALE_CLAIM_MS = 2 * 60_000

function asJobError(error: unknown): Error {
  if (error instanceof SlackApiError && error.temporary) return new DeliveryUnavailable(error.code)
  return error instanceof Error ? error : new Error('slack_card_failed')
}

/**
 * Brings a case's card up to date: posts it if there is none yet (claimed first, so a case never gets
 * two cards), otherwise updates it in place; then posts the timeline events the thread does not show yet.
 */
export async function processSlackCard(deps: Deps, slack: SlackDeps, reference: string): Promise<void> {
  if (!slack.channel) {
    logger.warn('slack_card_skipped', { reference, code: 'no_channel' })
    return
  }
  const record = await deps.store.getByReference(reference)
  if (!record) return
  const card = buildCaseCard(await loadCardSummary(deps, record), slack.channelLang)
  const now = deps.clock()
  let row = await slack.messages.get(reference)

  try {
    if (!row?.ts) {
      const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS).toISOString()
      if (!(await slack.messages.claim(reference, slack.channel, now.toISOString(), staleBefore))) {
        // Another worker is posting this card right now: come back when it has its ts.
        throw new DeliveryUnavailable('slack_card_in_flight')
      }
      let posted: { channel: string; ts: string }
      try {
        posted = await slack.api.postMessage(slack.channel, card)
      } catch (error) {
        await slack.messages.release(reference)
        throw error
      }
      await slack.messages.setPosted(reference, posted.channel, posted.ts, now.toISOString())
      row = { reference, channel: posted.channel, ts: posted.ts, claimedAt: now.toISOString(), threadSeq: 0 }
      logger.info('slack_card_posted', { reference })
    } else {
      await slack.api.updateMessage(row.channel, row.ts, card)
    }

    const threadTs = row.ts
    if (!threadTs) return
    const shown = row.threadSeq
    const events = (await deps.store.listEvents(record.id)).filter((e) => e.seq > shown)
    for (const stored of events) {
      // The thread line reads only structural fields (intervention, item codes, lead, date) of the
      // decrypted event data; reasons, questions and advice never leave this function.
      const event = await decryptEvent(deps, stored)
      await slack.api.postMessage(row.channel, {
        text: buildThreadText(event, slack.channelLang),
        thread_ts: threadTs,
      })
      await slack.messages.setThreadSeq(reference, stored.seq, now.toISOString())
    }
  } catch (error) {
    throw asJobError(error)
  }
}

/**
 * A spoedmelding (gate G1): make sure the card is there, then alert the channel with `@here` in the
 * card's thread, broadcast to the channel. Reference only, like the card.
 */
export async function processSlackAcuteAlert(deps: Deps, slack: SlackDeps, reference: string): Promise<void> {
  await processSlackCard(deps, slack, reference)
  const row = await slack.messages.get(reference)
  if (!row?.ts) return
  try {
    await slack.api.postMessage(row.channel, {
      text: t(slack.channelLang, 'slack.thread.acute', { reference }),
      thread_ts: row.ts,
      reply_broadcast: true,
    })
  } catch (error) {
    throw asJobError(error)
  }
}

/** Replaces the card of an erased case and forgets where it was. */
export async function processSlackErased(
  slack: SlackDeps,
  sent: { forgetSlackCard(reference: string): Promise<void> },
  reference: string,
): Promise<'replaced' | 'none'> {
  const row = await slack.messages.get(reference)
  if (!row) return 'none'
  if (row.ts) {
    const message = renderSlackNotice(buildErasedNotice(reference), slack.channelLang, 'channel')
    try {
      if (message) await slack.api.updateMessage(row.channel, row.ts, message)
    } catch (error) {
      if (error instanceof SlackApiError && error.temporary) throw new DeliveryUnavailable(error.code)
      logger.warn('slack_erased_card_failed', {
        reference,
        code: error instanceof Error ? error.name : 'unknown',
      })
    }
  }
  await sent.forgetSlackCard(reference)
  return 'replaced'
}

/** The Slack implementation of the chairs' channel. */
export function buildSlackCaseChannel(
  deps: Deps,
  slack: SlackDeps,
  sent: { forgetSlackCard(reference: string): Promise<void> },
): CaseChannel {
  return {
    syncCard: (reference) => processSlackCard(deps, slack, reference),
    alertAcute: (reference) => processSlackAcuteAlert(deps, slack, reference),
    eraseCard: (reference) => processSlackErased(slack, sent, reference),
  }
}
