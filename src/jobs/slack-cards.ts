import { buildCaseCard, buildThreadText } from '../../adapters/slack/cards'
import { buildSlackDeps, type SlackDeps } from '../../adapters/slack/handlers/deps'
import { loadCardSummary } from '../../adapters/slack/handlers/triage'
import { SlackApiError } from '../../adapters/slack/web-api'
import { t } from '../domain/copy'
import { logger } from '../logger'
import { decryptEvent } from '../services/cases'
import type { Deps } from '../services/deps'
import { registerJobHandler } from './handlers'
import { TemporaryError } from './queue'

/**
 * The chairs' case card in Slack: posted once when a case is submitted (`slack.post-card`), redrawn in
 * place with chat.update on every change (`slack.update-card`), with each timeline event as a line in
 * the card's thread. Both handlers converge on the case as it is now, so retries and out-of-order
 * jobs end in the same card.
 */

/** A claimed post that never finished may be taken over after this long. */
const STALE_CLAIM_MS = 2 * 60_000

function asJobError(error: unknown): Error {
  if (error instanceof SlackApiError && error.temporary) return new TemporaryError(error.code)
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
        throw new TemporaryError('slack_card_in_flight')
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

registerJobHandler('case.acute', 'slack.acute-alert', async (job, { deps, env }) => {
  await processSlackAcuteAlert(deps, buildSlackDeps(env, deps.config), job.reference)
})

registerJobHandler('case.submitted', 'slack.post-card', async (job, { deps, env }) => {
  await processSlackCard(deps, buildSlackDeps(env, deps.config), job.reference)
})

registerJobHandler('case.changed', 'slack.update-card', async (job, { deps, env }) => {
  await processSlackCard(deps, buildSlackDeps(env, deps.config), job.reference)
})
