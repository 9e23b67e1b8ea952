import { buildQuestionMessage, buildReferrerNotice } from '../../adapters/slack/cards'
import { buildSlackDeps, isAllowedSlackTeam, type SlackDeps } from '../../adapters/slack/handlers/deps'
import { resolveSlackLang } from '../../adapters/slack/handlers/triage'
import { SlackApiError } from '../../adapters/slack/web-api'
import { logger } from '../logger'
import { decryptEvent } from '../services/cases'
import type { Deps } from '../services/deps'
import { registerJobHandler } from './handlers'
import { TemporaryError } from './queue'

/**
 * Status notices to a referrer who filed in Slack, as direct messages from the app (a 1:1
 * conversation, never a channel): the chair's question with an answer button; that the case was
 * accepted, scheduled, advised, declined, closed or reopened. Reasons and advice stay in the case.
 */
export async function processSlackReferrerNotice(
  deps: Deps,
  slack: SlackDeps,
  reference: string,
  version: number,
): Promise<void> {
  const record = await deps.store.getByReference(reference)
  if (!record) return
  const [surface, team, user] = record.referrerKey.split(':')
  if (surface !== 'slack' || !team || !user || !isAllowedSlackTeam(deps.config, team)) return
  const stored = (await deps.store.listEvents(record.id)).find((e) => e.seq === version)
  if (!stored) return
  const event = await decryptEvent(deps, stored)
  const lang = await resolveSlackLang(slack, user)
  // The chair's question goes to this referrer only, with a button to answer it (like the Teams
  // question card); every other notice names what changed and leaves free text in the case.
  const message =
    event.type === 'requestInfo'
      ? buildQuestionMessage(
          {
            reference,
            version,
            items: Array.isArray(event.data.items) ? event.data.items.map(String) : [],
            question: typeof event.data.question === 'string' ? event.data.question : '',
          },
          lang,
        )
      : (() => {
          const text = buildReferrerNotice(reference, event, lang)
          return text ? { text } : null
        })()
  if (!message) return
  try {
    // A bot may message a user by user id: Slack opens the app's direct message.
    await slack.api.postMessage(user, message)
  } catch (error) {
    if (error instanceof SlackApiError && error.temporary) throw new TemporaryError(error.code)
    logger.warn('slack_referrer_notice_failed', {
      reference,
      code: error instanceof SlackApiError ? error.code : 'unknown',
    })
  }
}

registerJobHandler('case.changed', 'slack.notify-referrer', async (job, { deps, env }) => {
  await processSlackReferrerNotice(deps, buildSlackDeps(env, deps.config), job.reference, job.version)
})
