import { buildCaseSummary, type CaseCardSummary } from '../../src/domain/case-card'
import type { Lang } from '../../src/domain/enums'
import type { CaseEvent } from '../../src/domain/lifecycle'
import { regionOf } from '../../src/domain/region'
import { logger } from '../../src/logger'
import type { CaseChannel } from '../../src/ports/case-channel'
import type { CaseRecord, CaseStore, StoredEvent } from '../../src/ports/case-store'
import { type Cipher, eventAad } from '../../src/ports/cipher'
import type { Clock } from '../../src/ports/clock'
import { DeliveryUnavailable } from '../../src/ports/notifier'
import {
  buildAcuteActivity,
  buildCaseCardActivity,
  buildTeamsCaseCard,
  buildTeamsErasedCard,
  buildTeamsThreadLine,
  buildThreadActivity,
  type CaseCardOptions,
} from './case-card'
import { ConnectorError, type OutgoingActivity, type TeamsConnector } from './connector'
import type { D1TeamsChannelCards } from './store'

/**
 * The chairs' case card in a Teams channel, the Teams `CaseChannel` (src/ports/case-channel.ts): one
 * card per case posted into the configured triage channel (claimed first, so a retried or concurrent
 * job never posts twice), updated in place on every change, with each timeline event as a reply in the
 * card's thread (`<channel>;messageid=<card activity id>`). Every sync converges on the case as it is
 * now. Temporary connector failures are `DeliveryUnavailable` (the job retries).
 */

/** What the card needs of the case core. */
export interface TeamsChannelCore {
  store: CaseStore
  cipher: Cipher
  clock: Clock
  /** The deployment's region (`REGION`): the interventions a reroute offers. */
  config?: { REGION?: string }
}

/** The Teams side: the connector, where cards are, the channel and its language. */
export interface TeamsChannelSide {
  connector: TeamsConnector
  cards: D1TeamsChannelCards
  /** The channel's conversation id (`19:…@thread.tacv2`); '' = not configured. */
  channelId: string
  serviceUrl: string
  lang: Lang
  /** The Worker's public origin for the card's link to the web case page ('' = no link). */
  caseUrlBase: string
  /** The team the channel belongs to (`19:…@thread.tacv2`); invokes from another team are refused. '' = no check. */
  teamId: string
  /** The chairs' Entra object ids, @mentioned by a spoedmelding (the Teams `@here`). */
  chairObjectIds: readonly string[]
}

/** A claimed post that never finished may be taken over after this long. */
const STALE_CLAIM_MS = 2 * 60_000

/** Whether the configuration names a Teams triage channel. */
export function teamsChannelConfigured(side: Pick<TeamsChannelSide, 'channelId' | 'serviceUrl'>): boolean {
  return side.channelId !== '' && side.serviceUrl !== ''
}

/** The conversation id of a card's reply thread. */
export function threadOf(conversationId: string, activityId: string): string {
  return `${conversationId};messageid=${activityId}`
}

/** The card summary of a case: its state and its latest routing decision (no personal data). */
export async function loadTeamsCardSummary(
  core: Pick<TeamsChannelCore, 'store' | 'config'>,
  record: CaseRecord,
): Promise<CaseCardSummary> {
  const routing = (await core.store.listRouting(record.id)).at(-1)?.decision ?? null
  const { id: _id, intakeEnc: _intake, pseudonymEnc: _pseudonym, ...state } = record
  return buildCaseSummary(state, routing, regionOf(core.config ?? {}).interventions)
}

async function decryptEvent(core: TeamsChannelCore, stored: StoredEvent): Promise<CaseEvent> {
  const data =
    stored.dataEnc === null
      ? {}
      : await core.cipher.decryptJson<Record<string, unknown>>(
          stored.dataEnc,
          eventAad(stored.caseId, stored.seq),
        )
  return {
    type: stored.type as CaseEvent['type'],
    at: stored.at,
    actorKey: stored.actorKey,
    surface: stored.surface,
    from: stored.from,
    to: stored.to,
    data,
  }
}

function asJobError(error: unknown): Error {
  if (error instanceof ConnectorError && error.temporary)
    return new DeliveryUnavailable(`teams_${error.operation}`)
  return error instanceof Error ? error : new Error('teams_card_failed')
}

/**
 * Brings a case's channel card up to date: posts it when there is none yet (claimed first), otherwise
 * updates it in place; then posts the timeline events the thread does not show yet, in order.
 */
export async function syncTeamsCard(
  core: TeamsChannelCore,
  side: TeamsChannelSide,
  reference: string,
): Promise<void> {
  if (!teamsChannelConfigured(side)) return
  const record = await core.store.getByReference(reference)
  if (!record) return
  const card = buildCaseCardActivity(
    buildTeamsCaseCard(await loadTeamsCardSummary(core, record), side.lang, {
      caseUrlBase: side.caseUrlBase,
    }),
  )
  const now = core.clock()
  let row = await side.cards.get(reference)
  try {
    if (!row?.activityId) {
      const where = { conversationId: side.channelId, serviceUrl: side.serviceUrl }
      const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS).toISOString()
      if (!(await side.cards.claim(reference, where, now.toISOString(), staleBefore))) {
        // Another worker is posting this card right now: come back when it has its activity id.
        throw new DeliveryUnavailable('teams_card_in_flight')
      }
      let posted: { id: string | null }
      try {
        posted = await side.connector.sendActivity(where, card)
        if (!posted.id) throw new ConnectorError(0, true, 'send')
      } catch (error) {
        await side.cards.release(reference)
        throw error
      }
      await side.cards.setPosted(reference, posted.id, now.toISOString())
      row = { reference, ...where, activityId: posted.id, claimedAt: now.toISOString(), threadSeq: 0 }
      logger.info('teams_card_posted', { reference })
    } else {
      await side.connector.updateActivity(
        { conversationId: row.conversationId, serviceUrl: row.serviceUrl },
        row.activityId,
        card,
      )
    }
    const activityId = row.activityId
    if (!activityId) return
    const thread = { conversationId: threadOf(row.conversationId, activityId), serviceUrl: row.serviceUrl }
    const shown = row.threadSeq
    const events = (await core.store.listEvents(record.id)).filter((e) => e.seq > shown)
    for (const stored of events) {
      // Only structural fields of the decrypted event are read (buildTeamsThreadLine).
      const line = buildTeamsThreadLine(await decryptEvent(core, stored), side.lang)
      await side.connector.sendActivity(thread, buildThreadActivity(`${reference}: ${line}`))
      await side.cards.setThreadSeq(reference, stored.seq, now.toISOString())
    }
  } catch (error) {
    throw asJobError(error)
  }
}

/**
 * Redraws the channel card in place right after a triage action (the job that follows converges on
 * the same card and adds the thread reply). A failure is logged, never thrown: the action is done.
 */
export async function redrawTeamsCard(
  side: TeamsChannelSide,
  reference: string,
  summary: CaseCardSummary,
  options: CaseCardOptions = {},
): Promise<void> {
  const row = await side.cards.get(reference)
  if (!row?.activityId) return
  try {
    await side.connector.updateActivity(
      { conversationId: row.conversationId, serviceUrl: row.serviceUrl },
      row.activityId,
      buildCaseCardActivity(
        buildTeamsCaseCard(summary, side.lang, { caseUrlBase: side.caseUrlBase, ...options }),
      ),
    )
  } catch (error) {
    logger.warn('teams_card_refresh_failed', {
      reference,
      status: error instanceof ConnectorError ? error.status : null,
    })
  }
}

/**
 * A spoedmelding (gate G1), as Slack's `@here` alert: make sure the card is there (its header carries 🚨
 * and the acute flag), then an alert reply in its thread (reference only) that @mentions every
 * configured chair, so their Teams notifies them even when they do not follow the channel.
 */
export async function alertTeamsAcute(
  core: TeamsChannelCore,
  side: TeamsChannelSide,
  reference: string,
): Promise<void> {
  await syncTeamsCard(core, side, reference)
  const row = await side.cards.get(reference)
  if (!row?.activityId) return
  const thread = { conversationId: threadOf(row.conversationId, row.activityId), serviceUrl: row.serviceUrl }
  try {
    await side.connector.sendActivity(thread, buildAcuteActivity(reference, side.lang, side.chairObjectIds))
  } catch (error) {
    throw asJobError(error)
  }
}

/** Replaces an erased case's card (reference only) and forgets where it was. */
export async function eraseTeamsCard(
  side: TeamsChannelSide,
  reference: string,
): Promise<'replaced' | 'none'> {
  const row = await side.cards.get(reference)
  if (!row) return 'none'
  if (row.activityId) {
    const card: OutgoingActivity = buildCaseCardActivity(buildTeamsErasedCard(reference, side.lang))
    try {
      await side.connector.updateActivity(
        { conversationId: row.conversationId, serviceUrl: row.serviceUrl },
        row.activityId,
        card,
      )
    } catch (error) {
      if (error instanceof ConnectorError && error.temporary) throw new DeliveryUnavailable('teams_update')
      logger.warn('teams_erased_card_failed', {
        reference,
        status: error instanceof ConnectorError ? error.status : null,
      })
    }
  }
  await side.cards.forget(reference)
  return 'replaced'
}

/** The Teams implementation of the chairs' channel. */
export function buildTeamsCaseChannel(core: TeamsChannelCore, side: TeamsChannelSide): CaseChannel {
  return {
    syncCard: (reference) => syncTeamsCard(core, side, reference),
    alertAcute: (reference) => alertTeamsAcute(core, side, reference),
    eraseCard: (reference) => eraseTeamsCard(side, reference),
  }
}
