import { z } from 'zod'
import { D1SlackMessageStore } from '../../adapters/slack/message-store'
import { SlackApiError } from '../../adapters/slack/web-api'
import { buildCardActivity, buildMessageCard } from '../../adapters/teams/cards'
import { ConnectorError } from '../../adapters/teams/connector'
import { buildTeamsConnector } from '../../adapters/teams/deps'
import { D1TeamsStore } from '../../adapters/teams/store'
import { loadConfig } from '../config'
import { t } from '../domain/copy'
import { logger } from '../logger'
import { REFERENCE_PATTERN } from '../ports/case-store'
import { SYSTEM_ACTOR } from '../services/access'
import { runEraseCase } from '../services/erase'
import { buildPrivacyDeps } from '../services/privacy-deps'
import { buildSlackDeps } from '../services/slack-deps'
import { registerJobHandler } from './handlers'
import { defineJobType } from './messages'
import { TemporaryError } from './queue'

/**
 * `case.erased`: after an erasure, every card that was posted about the case is replaced by a
 * "verwijderd" card (Slack: chat.update of the chairs' card; Teams: the referrer's receipt, status and
 * question cards updated in place), and the rows that remembered where those cards are go too.
 * A card that cannot be updated for good (deleted channel, gone conversation) is logged and forgotten.
 */

export const CaseErasedJobSchema = z.strictObject({
  type: z.literal('case.erased'),
  id: z.string().min(1).max(300),
  reference: z.string().regex(REFERENCE_PATTERN),
})
export type CaseErasedJob = z.output<typeof CaseErasedJobSchema>

declare module './messages' {
  interface JobTypes {
    'case.erased': CaseErasedJob
    'case.consent-withdrawn': ConsentWithdrawnJob
  }
}

defineJobType('case.erased', CaseErasedJobSchema)

/** Withdrawn consent (a `withdraw` command with `consentWithdrawn`): erase the case. */
export const ConsentWithdrawnJobSchema = z.strictObject({
  type: z.literal('case.consent-withdrawn'),
  id: z.string().min(1).max(300),
  reference: z.string().regex(REFERENCE_PATTERN),
})
export type ConsentWithdrawnJob = z.output<typeof ConsentWithdrawnJobSchema>

defineJobType('case.consent-withdrawn', ConsentWithdrawnJobSchema)

/** The text of an erased case's card. */
export function buildErasedText(lang: 'nl' | 'en', reference: string): string {
  return t(lang, 'privacy.card.erased', { reference })
}

/** Replaces the Slack card of an erased case and forgets where it was. */
export async function processSlackErased(env: Env, reference: string): Promise<'replaced' | 'none'> {
  const config = loadConfig(env as unknown as Record<string, unknown>)
  const messages = new D1SlackMessageStore(env.DB)
  const row = await messages.get(reference)
  if (!row) return 'none'
  if (row.ts) {
    const slack = buildSlackDeps(env, config)
    const text = buildErasedText(slack.channelLang, reference)
    try {
      await slack.api.updateMessage(row.channel, row.ts, {
        text,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `~${reference}~ ${text}` } }],
      })
    } catch (error) {
      if (error instanceof SlackApiError && error.temporary) throw new TemporaryError(error.code)
      logger.warn('slack_erased_card_failed', {
        reference,
        code: error instanceof Error ? error.name : 'unknown',
      })
    }
  }
  await env.DB.prepare('DELETE FROM slack_messages WHERE reference = ?1').bind(reference).run()
  return 'replaced'
}

/** Replaces the referrer's Teams cards about an erased case and forgets them. */
export async function processTeamsErased(env: Env, reference: string): Promise<number> {
  const { results } = await env.DB.prepare(
    `SELECT send_key, user_key, activity_id FROM teams_sent_cards
     WHERE instr(send_key || ':', ?1) > 0`,
  )
    // Send keys name the reference whole (`receipt:<ref>`, `changed:<ref>:<v>`, reminders `…:<ref>:…`).
    .bind(`:${reference}:`)
    .all<{ send_key: string; user_key: string; activity_id: string | null }>()
  if (results.length === 0) return 0
  const config = loadConfig(env as unknown as Record<string, unknown>)
  const store = new D1TeamsStore(env.DB)
  const connector = buildTeamsConnector(config)
  let replaced = 0
  for (const row of results) {
    const conversation = row.activity_id ? await store.getConversation(row.user_key) : null
    if (conversation && row.activity_id) {
      const card = buildMessageCard(conversation.lang, buildErasedText(conversation.lang, reference))
      try {
        await connector.updateActivity(
          { serviceUrl: conversation.serviceUrl, conversationId: conversation.conversationId },
          row.activity_id,
          buildCardActivity(card),
        )
        replaced++
      } catch (error) {
        if (error instanceof ConnectorError && error.temporary) throw new TemporaryError(error.message)
        logger.warn('teams_erased_card_failed', {
          reference,
          code: error instanceof Error ? error.name : 'unknown',
        })
      }
    }
    await env.DB.prepare('DELETE FROM teams_sent_cards WHERE send_key = ?1').bind(row.send_key).run()
  }
  return replaced
}

registerJobHandler('case.erased', 'slack.erased-card', async (job, { env }) => {
  await processSlackErased(env, job.reference)
})

registerJobHandler('case.erased', 'teams.erased-cards', async (job, { env }) => {
  await processTeamsErased(env, job.reference)
})

registerJobHandler('case.consent-withdrawn', 'privacy.erase', async (job, { env, deps }) => {
  // Not found means an earlier delivery already erased it: nothing left to do.
  await runEraseCase(buildPrivacyDeps(env, deps), {
    reference: job.reference,
    reason: 'consent_withdrawn',
    actor: { ...SYSTEM_ACTOR, userId: 'consent' },
  })
})
