import { platformUserId } from '../../src/auth/identity'
import { actorKeyUser } from '../../src/domain/actor-key'
import { t } from '../../src/domain/copy'
import type { DialogueEvent, DraftState, ScreenView } from '../../src/domain/dialogue-types'
import type { Lang } from '../../src/domain/enums'
import { actorKey } from '../../src/domain/lifecycle'
import type { Actor } from '../../src/domain/types'
import { logger } from '../../src/logger'
import { type ApplyGuard, type DraftStore, draftKey } from '../../src/ports/draft-store'
import { listMyCases, runCaseCommand } from '../../src/services/cases'
import type { Deps } from '../../src/services/deps'
import { runDialogueEvent, runLoadDialogue } from '../../src/services/dialogue'
import { runFollowUpAnswer } from '../../src/services/follow-up'
import { adoptLegacyIdentity } from '../../src/services/identities'
import { issueAnalysisUploadLink } from '../../src/services/links'
import { type Activity, isPersonal, langOfLocale, parseCommand, type TeamsCommand } from './activity'
import type { AdaptiveCard } from './card-schema'
import {
  buildCrisisStopCard,
  buildHelpCard,
  buildMessageCard,
  buildMyCasesCard,
  buildPdfLinkCard,
  buildStepCard,
  buildUploadLinkCard,
  type CardSubmit,
  parseCardSubmit,
} from './cards'
import { buildFollowUpCard } from './follow-up'
import type { ConversationRef } from './store'

/**
 * One Teams activity, after its token was verified: commands, card submits and chair-question answers
 * become dialogue events and case commands; the result is the list of cards to show. The caller sends
 * them (update the pressed card in place, or post a new one). Conversation key
 * `teams:<tenant>:<aadObjectId>`: two referrers never share a draft.
 */

/**
 * Issues a personal, short-lived link to a case's intake PDF (audited by the issuer); `origin` is the
 * Worker's public origin, as Teams reached it. Null until a link service is wired.
 */
export type IssuePdfLink = (input: {
  actor: Actor
  reference: string
  lang: Lang
  origin: string
}) => Promise<{ url: string; expiresAt: Date } | null>

export interface TeamsTurnDeps {
  deps: Deps
  drafts: DraftStore
  issuePdfLink?: IssuePdfLink | null
}

/** A card to show: replace the card whose button was pressed, or post a new message. */
export type TeamsReply =
  | { kind: 'update'; activityId: string; card: AdaptiveCard }
  | { kind: 'send'; card: AdaptiveCard }

export interface TeamsTurnInput {
  activity: Activity
  /** The verified tenant of the activity. */
  tenantId: string
  /** The Worker's public origin (for links). */
  origin?: string
  requestId?: string
  /**
   * The user's stored conversation reference, read together with the delivery claim (one D1 round
   * trip), or null for a first contact.
   */
  known: ConversationRef | null
}

/**
 * The cards to show, and the conversation reference as it should be stored after this turn (the
 * caller writes it only when it differs from `known`: most turns change nothing there).
 */
export interface TeamsTurnResult {
  replies: TeamsReply[]
  conversation: ConversationRef | null
}

const OPEN_PHASES = new Set<DraftState['phase']>(['step', 'notice', 'review', 'submitting'])

function isOpen(state: DraftState | null): state is DraftState {
  return state !== null && OPEN_PHASES.has(state.phase)
}

/** The user key of a Teams user: the same shape as draft keys and case referrer keys. */
export function teamsUserKey(tenantId: string, userId: string): string {
  return draftKey({ surface: 'teams', tenant: tenantId, userId })
}

/**
 * The stored user key of a Teams user (issue 14 §4): `teams:<tenant>:p_<pseudonym>` of the Entra object
 * id with `IDENTITY_HMAC_KEY` (the object id itself only without the key, a local setup). Drafts, cases,
 * events, audit rows, file links and the conversation reference all use it.
 */
export async function storedTeamsUserKey(
  config: { IDENTITY_HMAC_KEY?: string | undefined },
  tenantId: string,
  aadObjectId: string,
): Promise<string> {
  return teamsUserKey(tenantId, await platformUserId(config, 'teams', tenantId, aadObjectId))
}

/** Cards answering a pressed button replace that card; everything else is a new message. */
function reply(activity: Activity, card: AdaptiveCard, inPlace: boolean): TeamsReply {
  return inPlace && activity.replyToId
    ? { kind: 'update', activityId: activity.replyToId, card }
    : { kind: 'send', card }
}

function withNotice(screen: ScreenView, title: string): ScreenView {
  return { ...screen, notices: [{ id: 'teams', tone: 'info', title, body: [] }, ...screen.notices] }
}

function stepCard(screen: ScreenView, state: DraftState): AdaptiveCard {
  return buildStepCard(screen, { draftVersion: state.version })
}

/**
 * Handles one verified activity. Intakes are taken only in a personal chat; a bot installed in a
 * channel answers that and does nothing else.
 */
export async function runTeamsActivity(ctx: TeamsTurnDeps, input: TeamsTurnInput): Promise<TeamsTurnResult> {
  const { activity, tenantId, known } = input
  const aad = activity.from.aadObjectId
  const installed =
    (activity.type === 'conversationUpdate' &&
      (activity.membersAdded ?? []).some((m) => m.id === activity.recipient?.id)) ||
    (activity.type === 'installationUpdate' && (activity as { action?: unknown }).action === 'add')
  if (activity.type !== 'message' && !installed) return { replies: [], conversation: null }

  if (!isPersonal(activity)) {
    const lang = langOfLocale(activity.locale)
    return {
      replies:
        activity.type === 'message'
          ? [{ kind: 'send', card: buildMessageCard(lang, t(lang, 'teams.messages.personalOnly')) }]
          : [],
      conversation: null,
    }
  }
  // Without an Entra object id the bot cannot tell who this is (guest or anonymous user, a bot): it says so
  // rather than staying silent (issue 13 §16). An install without one gets nothing.
  if (!aad) {
    const lang = langOfLocale(activity.locale)
    return {
      replies:
        activity.type === 'message'
          ? [{ kind: 'send', card: buildMessageCard(lang, t(lang, 'teams.messages.noIdentity')) }]
          : [],
      conversation: null,
    }
  }

  const userKey = await storedTeamsUserKey(ctx.deps.config, tenantId, aad)
  // Cases filed before pseudonyms name the object id: they move to the pseudonym at this contact.
  await adoptLegacyIdentity(ctx.deps.store, teamsUserKey(tenantId, aad), userKey)
  // Mutable: a language command changes it, and the caller stores the result once, after the turn.
  const conversation: ConversationRef = {
    userKey,
    tenantId,
    // Not kept (issue 14 §4): a proactive message needs the conversation and the service URL only.
    userId: '',
    botId: activity.recipient?.id ?? '',
    conversationId: activity.conversation.id,
    serviceUrl: activity.serviceUrl,
    lang: known?.lang ?? langOfLocale(activity.locale),
  }
  const replies = await runTurn(ctx, input, conversation, installed)
  if (known?.missedAt && activity.type === 'message') {
    // A reply to this user could not be delivered: first the card they missed, rebuilt from the draft as it
    // was before this message (issue 13 §16), then the answer to this message.
    const missed = await missedCards(ctx, userKey, conversation.lang)
    return { replies: [...missed, ...replies], conversation }
  }
  return { replies, conversation }
}

/** The "you missed this" note and the draft's current card (nothing but the note when there is no draft). */
async function missedCards(ctx: TeamsTurnDeps, userKey: string, lang: Lang): Promise<TeamsReply[]> {
  const note: TeamsReply = { kind: 'send', card: buildMessageCard(lang, t(lang, 'teams.messages.missed')) }
  const loaded = await runLoadDialogue(ctx.deps, ctx.drafts, userKey).catch(() => null)
  if (!loaded?.view || !loaded.state) return [note]
  return [note, { kind: 'send', card: stepCard(loaded.view, loaded.state) }]
}

async function runTurn(
  ctx: TeamsTurnDeps,
  input: TeamsTurnInput,
  conversation: ConversationRef,
  installed: boolean,
): Promise<TeamsReply[]> {
  const { activity, tenantId } = input
  const userKey = conversation.userKey
  const actor: Actor = {
    surface: 'teams',
    tenant: tenantId,
    // The pseudonym (or, without IDENTITY_HMAC_KEY, the Entra object id): what every stored key holds.
    userId: actorKeyUser(userKey),
    name: activity.from.name ?? '',
    roles: ['referrer'],
    lang: conversation.lang,
  }
  const turn: Turn = {
    ctx,
    activity,
    conversation,
    actor,
    key: userKey,
    lang: conversation.lang,
    origin: input.origin ?? '',
    requestId: input.requestId,
  }

  if (installed) return [{ kind: 'send', card: buildHelpCard(conversation.lang) }]

  const submit = activity.value !== undefined ? parseCardSubmit(activity) : null
  if (submit) return runSubmit(turn, submit)
  const command = parseCommand(activity.text)
  if (command) return runCommand(turn, command)
  const state = await ctx.drafts.load(userKey)
  const lang = state?.lang ?? conversation.lang
  return [
    {
      kind: 'send',
      card: buildMessageCard(lang, t(lang, 'teams.messages.unknown'), isOpen(state) ? ['resume'] : ['new']),
    },
  ]
}

interface Turn {
  ctx: TeamsTurnDeps
  activity: Activity
  conversation: ConversationRef
  actor: Actor
  key: string
  lang: Lang
  origin: string
  requestId: string | undefined
}

async function dialogue(turn: Turn, event: DialogueEvent, guard?: ApplyGuard) {
  return runDialogueEvent(turn.ctx.deps, turn.ctx.drafts, {
    key: turn.key,
    actor: turn.actor,
    event,
    ...(turn.requestId ? { requestId: turn.requestId } : {}),
    ...(guard ? { guard } : {}),
  })
}

async function runSubmit(turn: Turn, submit: CardSubmit): Promise<TeamsReply[]> {
  const { ctx, activity } = turn
  if (submit.kind === 'command') return runCommand(turn, submit.command)
  if (submit.kind === 'answer') return runAnswer(turn, submit)
  if (submit.kind === 'upload') return [{ kind: 'send', card: await runUploadLink(turn, submit.reference) }]
  if (submit.kind === 'followUp') return runFollowUp(turn, submit)

  const event = submit.event
  // The button's draft must be open and at the card's version; the draft's object checks both in the
  // same call as the event (one round trip), so nothing can change in between.
  const result = await dialogue(turn, event, { phases: [...OPEN_PHASES], version: submit.draftVersion })
  if (result.refused) {
    const state = result.state
    if (!isOpen(state) || !result.view) {
      const lang = state?.lang ?? turn.lang
      return [
        reply(activity, buildMessageCard(lang, t(lang, 'teams.messages.nothingToResume'), ['new']), true),
      ]
    }
    // A button on an older card (double click, a card further up the chat): show where the draft is now.
    const screen = withNotice(result.view, t(state.lang, 'teams.messages.stale'))
    return [reply(activity, stepCard(screen, state), true)]
  }
  if (event.type === 'setLang') turn.conversation.lang = event.lang
  if (!result.view || !result.state) {
    const before = result.before ?? { phase: 'step' as const, stepId: '', lang: turn.lang }
    const lang = event.type === 'setLang' ? event.lang : before.lang
    return [reply(activity, stoppedCard(before, lang, ctx.deps.config.YOUTH_CRISIS_PHONE), true)]
  }
  if (event.type === 'save' && result.view.errors.length === 0) {
    const lang = result.state.lang
    return [
      reply(activity, buildMessageCard(lang, t(lang, 'teams.messages.savedForLater'), ['resume']), true),
    ]
  }
  return [reply(activity, stepCard(result.view, result.state), true)]
}

async function runCommand(turn: Turn, command: TeamsCommand): Promise<TeamsReply[]> {
  const { ctx } = turn
  // Typed commands and help-card buttons post a new card: the card they came from stays as it was.
  const send = (card: AdaptiveCard): TeamsReply[] => [{ kind: 'send', card }]
  const loaded = await runLoadDialogue(ctx.deps, ctx.drafts, turn.key)
  const open = isOpen(loaded.state) && loaded.view !== null
  const lang = (open ? loaded.state?.lang : undefined) ?? turn.lang

  switch (command.type) {
    case 'new': {
      if (open && loaded.state && loaded.view) {
        return send(stepCard(withNotice(loaded.view, t(lang, 'teams.messages.draftExists')), loaded.state))
      }
      const started = await dialogue(turn, { type: 'start', lang: turn.lang })
      if (!started.view || !started.state)
        return send(buildMessageCard(lang, t(lang, 'teams.messages.error')))
      return send(stepCard(started.view, started.state))
    }
    case 'resume':
      if (open && loaded.state && loaded.view) return send(stepCard(loaded.view, loaded.state))
      return send(buildMessageCard(lang, t(lang, 'teams.messages.nothingToResume'), ['new']))
    case 'list': {
      const cases = await listMyCases(ctx.deps, turn.actor)
      const items = cases.slice(0, 20).map((c) => ({
        reference: c.reference,
        intervention: c.chosenIntervention ?? c.suggestedIntervention,
        status: c.status,
      }))
      return send(buildMyCasesCard(lang, items, open))
    }
    case 'help':
      return send(buildHelpCard(lang))
    case 'stop': {
      if (!open || !loaded.state)
        return send(buildMessageCard(lang, t(lang, 'teams.messages.nothingToResume'), ['new']))
      await dialogue(turn, { type: 'cancel' })
      return send(stoppedCard(loaded.state, lang, ctx.deps.config.YOUTH_CRISIS_PHONE))
    }
    case 'pdf':
      return send(await runPdfLink(turn, command.reference, lang))
    case 'lang': {
      turn.conversation.lang = command.lang
      if (open) {
        const switched = await dialogue(turn, { type: 'setLang', lang: command.lang })
        if (switched.view && switched.state) return send(stepCard(switched.view, switched.state))
      }
      return send(buildHelpCard(command.lang))
    }
  }
}

/**
 * An answer typed on a chair's question card. Only the referrer of that case, only while that very
 * question is open (the question id is the case version that asked it); the answer becomes a
 * `provideInfo` event on the case timeline (stored encrypted) and the card is replaced by a short
 * confirmation, so the answer does not stay in the chat.
 */
async function runAnswer(turn: Turn, submit: Extract<CardSubmit, { kind: 'answer' }>): Promise<TeamsReply[]> {
  const { ctx, activity, actor, lang } = turn
  const record = await ctx.deps.store.getByReference(submit.reference)
  const open =
    record !== null &&
    record.referrerKey === actorKey(actor) &&
    record.status === 'info_requested' &&
    String(record.version) === submit.questionId
  if (!open || submit.answer === '') {
    return [reply(activity, buildMessageCard(lang, t(lang, 'teams.question.unknown'), ['list']), true)]
  }
  const result = await runCaseCommand(ctx.deps, {
    reference: submit.reference,
    actor,
    command: { type: 'provideInfo', answer: submit.answer },
    expectedVersion: record.version,
    ...(turn.requestId ? { requestId: turn.requestId } : {}),
  })
  if (!result.ok) {
    logger.warn('teams_answer_refused', { reference: submit.reference, code: result.error.code })
    return [reply(activity, buildMessageCard(lang, t(lang, 'teams.question.unknown'), ['list']), true)]
  }
  return [
    reply(
      activity,
      buildMessageCard(lang, t(lang, 'teams.question.answered', { reference: submit.reference })),
      true,
    ),
  ]
}

/**
 * The follow-up card's answers (issue 15 §1), through the one follow-up use case (src/services/follow-up.ts):
 * the card is replaced in place — by the same card with the errors under the fields and the values as
 * chosen, or by a short confirmation (the answers do not stay in the chat), or by a refusal for anyone but
 * the case's referrer and for a question that is no longer open.
 */
async function runFollowUp(
  turn: Turn,
  submit: Extract<CardSubmit, { kind: 'followUp' }>,
): Promise<TeamsReply[]> {
  const { ctx, activity, actor, lang } = turn
  const { reference } = submit
  const result = await runFollowUpAnswer(ctx.deps, {
    reference,
    actor,
    raw: submit.values,
    ...(turn.requestId ? { requestId: turn.requestId } : {}),
  })
  if (result.ok)
    return [
      reply(activity, buildMessageCard(lang, t(lang, 'lifecycle.followUp.answered', { reference })), true),
    ]
  if (result.code === 'invalid') {
    const card = buildFollowUpCard({ lang, reference, errors: result.errors, values: result.values })
    return [reply(activity, card, true)]
  }
  const key = result.code === 'refused' ? 'lifecycle.followUp.refused' : 'lifecycle.followUp.closed'
  return [reply(activity, buildMessageCard(lang, t(lang, key, { reference }), ['list']), true)]
}

/**
 * The card after a draft was stopped. Stopped at the acute-danger notice (G1), it keeps the crisis
 * lines in view: stopping the intake must not take away the numbers to call.
 */
function stoppedCard(before: Pick<DraftState, 'phase' | 'stepId'>, lang: Lang, phone: string): AdaptiveCard {
  return before.phase === 'notice' && before.stepId === 'G1'
    ? buildCrisisStopCard(lang, phone)
    : buildMessageCard(lang, t(lang, 'teams.messages.cancelled'), ['new'])
}

/**
 * "Upload analysis": a short-lived upload link for the shared explanatory analysis, issued (and
 * audited) only to the referrer who filed the case, as a new card in their own 1:1 chat.
 */
async function runUploadLink(turn: Turn, reference: string): Promise<AdaptiveCard> {
  const { ctx, actor, lang } = turn
  const result = await issueAnalysisUploadLink(ctx.deps, {
    actor,
    reference,
    origin: turn.origin,
    ...(turn.requestId ? { requestId: turn.requestId } : {}),
  }).catch((error: unknown) => {
    logger.warn('teams_upload_link_failed', {
      reference,
      error: error instanceof Error ? error.name : 'unknown',
    })
    return null
  })
  if (!result?.ok) {
    if (result) logger.info('teams_upload_link_refused', { reference, code: result.code })
    return buildMessageCard(lang, t(lang, 'teams.upload.unavailable'))
  }
  return buildUploadLinkCard(
    lang,
    reference,
    result.url,
    formatLocalTime(result.expiresAt.toISOString(), lang),
  )
}

/** A personal PDF link for the referrer of the case (nobody else gets one through Teams). */
async function runPdfLink(turn: Turn, reference: string, lang: Lang): Promise<AdaptiveCard> {
  const { ctx, actor } = turn
  const record = await ctx.deps.store.getByReference(reference)
  const link =
    record && record.referrerKey === actorKey(actor) && ctx.issuePdfLink
      ? await ctx.issuePdfLink({ actor, reference, lang, origin: turn.origin }).catch((error: unknown) => {
          logger.warn('teams_pdf_link_failed', {
            reference,
            error: error instanceof Error ? error.name : 'unknown',
          })
          return null
        })
      : null
  if (!link) return buildMessageCard(lang, t(lang, 'teams.receipt.pdfUnavailable'))
  return buildPdfLinkCard(lang, reference, link.url, formatLocalTime(link.expiresAt.toISOString(), lang))
}

/** A date and time in the Netherlands' time zone, in the card language. */
function formatLocalTime(iso: string, lang: Lang): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'nl-NL', {
    timeZone: 'Europe/Amsterdam',
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(date)
}
