import { platformUserId } from '../../src/auth/identity'
import { t } from '../../src/domain/copy'
import type { Lang } from '../../src/domain/enums'
import { actorKey } from '../../src/domain/lifecycle'
import type { Actor } from '../../src/domain/types'
import { logger } from '../../src/logger'
import { buildActor } from '../../src/services/access'
import { runCaseCommand } from '../../src/services/cases'
import type { Deps } from '../../src/services/deps'
import { type Activity, langOfLocale } from './activity'
import { buildTeamsCaseCard, parseTriageCommand, type TeamsCaseCard, type TriageInvoke } from './case-card'
import { loadTeamsCardSummary, redrawTeamsCard, type TeamsChannelSide } from './channel'
import type { D1TeamsStore } from './store'

/**
 * Triage from the Teams channel card: an `adaptiveCard/action` invoke (`Action.Execute`, verb
 * `ret.triage.<action>`). Only chairs act (a chair by `TEAMS_CHAIR_OBJECT_IDS` or a `teams:` key in
 * CHAIRS); anyone else gets a refusal only they see and an audit row. Every change goes through
 * `runCaseCommand` with the version the chair saw: a stale card gets the current card back and nothing
 * is overwritten. A repeated invoke (same activity id) changes nothing. The answer is the updated card
 * (the presser sees it at once); the channel card is redrawn for everyone after the ack.
 */

/** An invoke response: the card that replaces the pressed one, or a message only the presser sees. */
export type TriageInvokeResponse =
  | { statusCode: 200; type: 'application/vnd.microsoft.card.adaptive'; value: TeamsCaseCard }
  | { statusCode: 200; type: 'application/vnd.microsoft.activity.message'; value: string }

export interface TeamsTriageContext {
  deps: Deps
  store: D1TeamsStore
  side: TeamsChannelSide
  tenantId: string
  requestId: string
  waitUntil(promise: Promise<unknown>): void
}

const message = (value: string): TriageInvokeResponse => ({
  statusCode: 200,
  type: 'application/vnd.microsoft.activity.message',
  value,
})
const cardResponse = (value: TeamsCaseCard): TriageInvokeResponse => ({
  statusCode: 200,
  type: 'application/vnd.microsoft.card.adaptive',
  value,
})

/** Whether an actor may triage from the channel. */
function isChair(actor: Actor): boolean {
  return actor.roles.includes('chair') || actor.roles.includes('admin')
}

async function auditRefused(ctx: TeamsTriageContext, actor: Actor, reference: string, detail: string) {
  await ctx.deps.store.audit({
    at: ctx.deps.clock().toISOString(),
    actorKey: actorKey(actor),
    surface: 'teams',
    action: 'refused',
    reference,
    requestId: ctx.requestId,
    detail,
  })
}

/** Runs one triage invoke of the channel card. */
export async function runTeamsTriage(
  ctx: TeamsTriageContext,
  activity: Activity,
  invoke: TriageInvoke,
): Promise<TriageInvokeResponse> {
  const { deps, side } = ctx
  const personal: Lang = langOfLocale(activity.locale)
  const lang = side.lang
  const aad = activity.from.aadObjectId ?? ''
  const actor = buildActor(deps.config, {
    surface: 'teams',
    tenant: ctx.tenantId,
    // Stored keys hold the pseudonym (issue 14 §4); roles are read for the object id as configured too.
    userId: aad ? await platformUserId(deps.config, 'teams', ctx.tenantId, aad) : 'unknown',
    ...(aad ? { platformUserId: aad } : {}),
    lang: personal,
  })
  const team = activity.channelData?.team?.id ?? ''
  if (side.teamId !== '' && team !== side.teamId) {
    // Only the configured team's channel card triages: a card of this bot in another team (or outside
    // a team) changes nothing, whoever presses it.
    await auditRefused(ctx, actor, invoke.reference, `teams:${invoke.action}:other_team`)
    logger.warn('teams_other_team', {
      requestId: ctx.requestId,
      reference: invoke.reference,
      route: invoke.action,
    })
    return message(t(personal, 'teams.channel.otherTeam'))
  }
  if (!aad || !isChair(actor)) {
    await auditRefused(ctx, actor, invoke.reference, `teams:${invoke.action}`)
    logger.warn('teams_not_chair', {
      requestId: ctx.requestId,
      reference: invoke.reference,
      route: invoke.action,
    })
    return message(t(personal, 'teams.channel.notChair'))
  }

  const claimKey = activity.id ? `${ctx.tenantId}:${activity.conversation.id}:${activity.id}` : null
  const now = deps.clock()
  if (claimKey && (await ctx.store.claimActivity(claimKey, now)) === 'duplicate') {
    logger.info('teams_duplicate_delivery', { requestId: ctx.requestId })
    const record = await deps.store.getByReference(invoke.reference)
    return record
      ? cardResponse(
          buildTeamsCaseCard(await loadTeamsCardSummary(deps, record), lang, {
            caseUrlBase: side.caseUrlBase,
          }),
        )
      : message(t(personal, 'teams.channel.unknownCase', { reference: invoke.reference }))
  }
  try {
    const response = await triage(ctx, actor, invoke, lang, personal)
    if (claimKey) await ctx.store.finishActivity(claimKey)
    return response
  } catch (error) {
    // Released, so the platform's retry of this invoke is processed rather than skipped.
    if (claimKey) await ctx.store.releaseActivity(claimKey).catch(() => undefined)
    throw error
  }
}

async function triage(
  ctx: TeamsTriageContext,
  actor: Actor,
  invoke: TriageInvoke,
  lang: Lang,
  personal: Lang,
): Promise<TriageInvokeResponse> {
  const { deps, side } = ctx
  const { reference } = invoke
  const record = await deps.store.getByReference(reference)
  if (!record) return message(t(personal, 'teams.channel.unknownCase', { reference }))
  const summary = await loadTeamsCardSummary(deps, record)
  const conflict = async () => {
    const current = await deps.store.getByReference(reference)
    const now = current ? await loadTeamsCardSummary(deps, current) : summary
    ctx.waitUntil(redrawTeamsCard(side, reference, now))
    return cardResponse(
      buildTeamsCaseCard(now, lang, {
        caseUrlBase: side.caseUrlBase,
        notice: [t(lang, 'teams.channel.conflict', { reference })],
      }),
    )
  }
  if (record.version !== invoke.version) return conflict()

  const parsed = parseTriageCommand(invoke, summary, ctx.tenantId, lang, deps.clock())
  if (!parsed.ok)
    return cardResponse(
      buildTeamsCaseCard(summary, lang, { caseUrlBase: side.caseUrlBase, notice: parsed.errors }),
    )

  const result = await runCaseCommand(deps, {
    reference,
    command: parsed.command,
    actor,
    expectedVersion: invoke.version,
    requestId: ctx.requestId,
  })
  if (!result.ok) {
    if (result.error.code === 'conflict') return conflict()
    const notice = [t(lang, 'teams.channel.failed', { reference, error: result.error[lang] })]
    return cardResponse(buildTeamsCaseCard(summary, lang, { caseUrlBase: side.caseUrlBase, notice }))
  }
  const updated = await deps.store.getByReference(reference)
  const after = updated ? await loadTeamsCardSummary(deps, updated) : summary
  ctx.waitUntil(redrawTeamsCard(side, reference, after))
  return cardResponse(buildTeamsCaseCard(after, lang, { caseUrlBase: side.caseUrlBase }))
}
