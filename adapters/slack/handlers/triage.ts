import { t } from '../../../src/domain/copy'
import type { Lang } from '../../../src/domain/enums'
import { actorKey, type CaseState } from '../../../src/domain/lifecycle'
import { regionOf } from '../../../src/domain/region'
import type { Actor } from '../../../src/domain/types'
import { logger } from '../../../src/logger'
import type { CaseRecord } from '../../../src/ports/case-store'
import { type CaseCommandResult, runCaseCommand } from '../../../src/services/cases'
import type { Deps } from '../../../src/services/deps'
import {
  buildButtonCommand,
  buildCaseCard,
  buildCaseSummary,
  buildConflictMessage,
  buildDetailsMessage,
  buildModalErrors,
  buildNotChairMessage,
  buildTextMessage,
  buildTriageModal,
  parseTriageSubmission,
} from '../cards'
import { langFromLocale, type SlackView } from '../payloads'
import type { CaseCardSummary, SlackModalErrors, TriageAction } from '../types'
import { type MessageBody, SlackApiError } from '../web-api'
import { buildSlackActor, isAllowedSlackTeam, type SlackDeps } from './deps'

/**
 * Triage from the chairs' channel: card buttons, triage modals and "Bekijk details". Every change goes
 * through `runCaseCommand` with the version the chair saw, so two chairs acting at once never overwrite
 * each other silently: the second gets the case as it is now.
 */

const langCache = new Map<string, Lang>()

/**
 * The language to answer a Slack user in: an explicit choice, else their Slack locale (users.info,
 * cached per isolate), else Dutch. A failed look-up never blocks the answer.
 */
export async function resolveSlackLang(
  slack: SlackDeps,
  userId: string,
  explicit?: Lang | null,
): Promise<Lang> {
  if (explicit) return explicit
  const cached = langCache.get(userId)
  if (cached) return cached
  let lang: Lang = 'nl'
  try {
    lang = langFromLocale(await slack.api.userLocale(userId))
  } catch {
    return lang
  }
  if (langCache.size > 1000) langCache.clear()
  langCache.set(userId, lang)
  return lang
}

/**
 * Records an inbound Slack delivery once. False when it was seen before (Slack retry or duplicate):
 * the caller then does nothing.
 */
export async function claimSlackDelivery(deps: Deps, key: string): Promise<boolean> {
  return deps.store.putIdempotency({
    scope: 'slack.delivery',
    key: key.slice(0, 300),
    requestHash: '-',
    response: {},
    createdAt: deps.clock().toISOString(),
  })
}

function stateOf(record: CaseRecord): CaseState {
  const { id: _id, intakeEnc: _intake, pseudonymEnc: _pseudonym, ...state } = record
  return state
}

/** The card summary of a stored case, with its latest routing suggestion. */
export async function loadCardSummary(deps: Deps, record: CaseRecord): Promise<CaseCardSummary> {
  const routing = (await deps.store.listRouting(record.id)).at(-1)?.decision ?? null
  return buildCaseSummary(stateOf(record), routing, regionOf(deps.config).interventions)
}

async function audit(
  deps: Deps,
  actor: Actor,
  action: 'refused' | 'view',
  reference: string | null,
  detail: string,
) {
  await deps.store.audit({
    at: deps.clock().toISOString(),
    actorKey: actorKey(actor),
    surface: 'slack',
    action,
    reference,
    requestId: null,
    detail,
  })
}

/** Sends an ephemeral message; a failure is logged, never thrown (the click itself was handled). */
async function tell(
  slack: SlackDeps,
  channel: string | null,
  user: string,
  message: MessageBody,
): Promise<void> {
  if (!channel) return
  try {
    await slack.api.postEphemeral(channel, user, message)
  } catch (error) {
    logger.warn('slack_ephemeral_failed', { code: error instanceof SlackApiError ? error.code : 'unknown' })
  }
}

/** Redraws a case's card in place (after a conflict the channel may show a stale one). */
async function refreshCard(slack: SlackDeps, reference: string, summary: CaseCardSummary): Promise<void> {
  const row = await slack.messages.get(reference)
  if (!row?.ts) return
  try {
    await slack.api.updateMessage(row.channel, row.ts, buildCaseCard(summary, slack.channelLang))
  } catch (error) {
    logger.warn('slack_card_refresh_failed', {
      reference,
      code: error instanceof SlackApiError ? error.code : 'unknown',
    })
  }
}

async function reportFailure(
  deps: Deps,
  slack: SlackDeps,
  result: Extract<CaseCommandResult, { ok: false }>,
  reference: string,
  channel: string | null,
  user: string,
  lang: Lang,
): Promise<void> {
  if (result.error.code === 'conflict') {
    const record = await deps.store.getByReference(reference)
    if (record) {
      const summary = await loadCardSummary(deps, record)
      await tell(slack, channel, user, buildConflictMessage(summary, lang))
      await refreshCard(slack, reference, summary)
      return
    }
  }
  await tell(slack, channel, user, buildTextMessage(`${reference}: ${result.error[lang]}`))
}

/** A verified card button click. */
export interface TriageClickInput {
  teamId: string
  userId: string
  /** Where the card was clicked (for ephemeral replies). */
  channelId: string | null
  triggerId: string
  action: TriageAction
  reference: string
  version: number
  /** The Worker's public origin (for the details links). */
  origin: string
  requestId?: string
}

/**
 * A card button: refuse non-chairs (ephemeral, audited); on a stale card show the current state;
 * open the modal of an action that needs input; run accept / close at once; issue the details link.
 */
export async function runSlackTriageClick(
  deps: Deps,
  slack: SlackDeps,
  input: TriageClickInput,
): Promise<void> {
  const { userId, channelId, reference } = input
  const lang = await resolveSlackLang(slack, userId)
  if (!isAllowedSlackTeam(deps.config, input.teamId)) {
    await tell(slack, channelId, userId, buildTextMessage(t(lang, 'slack.reply.teamNotAllowed')))
    return
  }
  const actor = buildSlackActor(deps.config, input.teamId, userId, lang)
  if (!actor.roles.includes('chair') && !actor.roles.includes('admin')) {
    await audit(deps, actor, 'refused', reference, `slack:${input.action}`)
    logger.warn('slack_not_chair', { reference, route: input.action })
    await tell(slack, channelId, userId, buildNotChairMessage(lang))
    return
  }
  const record = await deps.store.getByReference(reference)
  if (!record) {
    await tell(slack, channelId, userId, buildTextMessage(t(lang, 'slack.reply.unknownCase', { reference })))
    return
  }
  const summary = await loadCardSummary(deps, record)

  if (input.action === 'details') {
    await runSlackDetails(deps, slack, actor, reference, channelId, input.origin)
    return
  }
  if (record.version !== input.version) {
    await tell(slack, channelId, userId, buildConflictMessage(summary, lang))
    await refreshCard(slack, reference, summary)
    return
  }
  if (input.action === 'accept' || input.action === 'close') {
    const result = await runCaseCommand(deps, {
      reference,
      command: buildButtonCommand(input.action, summary),
      actor,
      expectedVersion: input.version,
      ...(input.requestId ? { requestId: input.requestId } : {}),
    })
    if (!result.ok) await reportFailure(deps, slack, result, reference, channelId, userId, lang)
    return
  }
  await slack.api.openView(input.triggerId, buildTriageModal(input.action, summary, lang))
}

/**
 * "Bekijk details": a button to the case's web page (`/cases/:reference`), in a message only the clicking
 * chair sees; audited. The page sits behind the web identity (Cloudflare Access in production), decides
 * there who may see what and audits every view, so a forwarded message opens nothing for anyone else —
 * unlike a bearer file link (issue 12 §3).
 */
export async function runSlackDetails(
  deps: Deps,
  slack: SlackDeps,
  actor: Actor,
  reference: string,
  channelId: string | null,
  origin: string,
): Promise<void> {
  const caseUrl = origin ? `${origin}/cases/${encodeURIComponent(reference)}` : null
  await audit(deps, actor, 'view', reference, caseUrl ? 'slack:details_link' : 'slack:details_unavailable')
  const message = caseUrl
    ? buildDetailsMessage({ reference, caseUrl }, actor.lang)
    : buildTextMessage(t(actor.lang, 'slack.reply.detailsUnavailable', { reference }))
  await tell(slack, channelId, actor.userId, message)
}

/** A verified triage modal submission. */
export interface TriageSubmitInput {
  teamId: string
  userId: string
  view: SlackView
  requestId?: string
}

/** What to answer Slack on a triage modal submission, and what to do after the answer. */
export interface TriageSubmitOutcome {
  /** `null`: close the modal. */
  response: SlackModalErrors | null
  /** Follow-up (ephemeral conflict notice) to run after the ack. */
  after: (() => Promise<void>) | null
}

/**
 * A triage modal's submission. Input problems come back as `response_action: errors` (the modal
 * stays open); a valid command runs at once with the version the modal was opened on. A conflict
 * closes the modal and shows the chair the case as it is now.
 */
export async function runSlackTriageSubmit(
  deps: Deps,
  slack: SlackDeps,
  input: TriageSubmitInput,
): Promise<TriageSubmitOutcome> {
  const parsed = parseTriageSubmission(input.view, input.teamId, deps.clock())
  if (!parsed.ok) return { response: parsed.response, after: null }
  const { reference, lang } = parsed
  const firstBlock = Object.keys(input.view.state.values)[0] ?? 'reason'
  if (!isAllowedSlackTeam(deps.config, input.teamId)) {
    return {
      response: buildModalErrors({ [firstBlock]: t(lang, 'slack.reply.teamNotAllowed') }),
      after: null,
    }
  }
  const actor = buildSlackActor(deps.config, input.teamId, input.userId, lang)
  if (!actor.roles.includes('chair') && !actor.roles.includes('admin')) {
    await audit(deps, actor, 'refused', reference, 'slack:submit')
    return { response: buildModalErrors({ [firstBlock]: t(lang, 'slack.reply.notChair') }), after: null }
  }
  const result = await runCaseCommand(deps, {
    reference,
    command: parsed.command,
    actor,
    expectedVersion: parsed.expectedVersion,
    ...(input.requestId ? { requestId: input.requestId } : {}),
  })
  if (result.ok) return { response: null, after: null }
  if (result.error.code === 'conflict' || result.error.code === 'not_found') {
    return {
      response: null,
      after: async () => {
        const row = await slack.messages.get(reference)
        await reportFailure(deps, slack, result, reference, row?.channel ?? slack.channel, input.userId, lang)
      },
    }
  }
  // The lifecycle refused the command itself (e.g. a transition no longer allowed): say so in the modal.
  return { response: buildModalErrors({ [firstBlock]: result.error[lang] }), after: null }
}
