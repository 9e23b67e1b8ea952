import { z } from 'zod'
import { parseActorKey } from '../../src/domain/actor-key'
import { amsterdamOffsetMs } from '../../src/domain/calendar'
import {
  ACTION_COMMANDS,
  type CaseCardSummary,
  cardActions,
  currentIntervention,
  INFO_ITEMS,
  type InfoItem,
  MODAL_ACTIONS,
  type ModalAction,
  type TriageAction,
} from '../../src/domain/case-card'
import { label, t } from '../../src/domain/copy'
import { DECLINE_DESTINATIONS } from '../../src/domain/decline'
import { INTERVENTIONS, type Intervention, type Lang } from '../../src/domain/enums'
import type { CaseCommandInput, CaseEvent } from '../../src/domain/lifecycle'
import { formatLocalTime } from '../../src/domain/local-time'

/**
 * The chairs' case card in a Teams channel: the neutral card (src/domain/case-card.ts) as an Adaptive
 * Card with Universal Actions. It shows what the Slack card shows and nothing more (DOMAIN.md §7):
 * reference, intervention, status, municipality, age band, urgency, flags, missing items, lead (without
 * a name) and the table's date. Buttons are `Action.Execute` (verb `ret.triage.<action>`, data
 * `{reference, version}`); an action that needs input opens its inputs on the card (`Action.ShowCard`)
 * and submits them with its own `Action.Execute`. Pure.
 */

export const TRIAGE_VERB_PREFIX = 'ret.triage.'

/** Free-text limits (the same as the Slack modals). */
export const TEAMS_TRIAGE_TEXT = { min: 3, reason: 1000, question: 1500, summary: 3000, where: 500 } as const

/** An Adaptive Card element or action (the card is JSON: typed loosely, built only here). */
type Json = Record<string, unknown>

/** The case card as Adaptive Card JSON (schema 1.4: `Action.Execute`). */
export interface TeamsCaseCard extends Json {
  type: 'AdaptiveCard'
  version: '1.4'
  body: Json[]
  actions?: Json[]
}

const MAX_REASONS = 4
const MAX_REASON_TEXT = 140

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

const text = (value: string, extra: Json = {}): Json => ({
  type: 'TextBlock',
  text: value,
  wrap: true,
  ...extra,
})

/** Adaptive Card text is Markdown-ish: template text only, but keep `*`/`_`/brackets inert anyway. */
function inert(value: string): string {
  return value.replace(/([*_[\]`\\])/g, '\\$1')
}

function flagLabels(summary: CaseCardSummary, lang: Lang): string[] {
  const flags: string[] = []
  // "Acute danger reported" only when G1 fired; an `acuut` urgency without G1 is an urgency, not a danger report.
  if (summary.gates.includes('G1')) flags.push(t(lang, 'slack.flag.acute'))
  else if (summary.urgency === 'acuut') flags.push(t(lang, 'slack.flag.acuteUrgency'))
  if (summary.analysisMissing) flags.push(t(lang, 'slack.flag.analysis_missing'))
  if (summary.consultationOnly) flags.push(t(lang, 'slack.flag.consultation'))
  for (const gate of summary.gates) flags.push(t(lang, `slack.gate.${gate}`))
  return flags
}

function missingLabel(item: string, lang: Lang): string {
  return (INFO_ITEMS as readonly string[]).includes(item) ? t(lang, `slack.missingItem.${item}`) : inert(item)
}

function leadLabel(summary: CaseCardSummary, lang: Lang): string {
  if (summary.leadSlackUserId) return t(lang, 'slack.card.leadOther', { surface: 'Slack' })
  if (summary.leadOtherSurface) {
    const surface = summary.leadOtherSurface === 'teams' ? 'Teams' : summary.leadOtherSurface
    return t(lang, 'slack.card.leadOther', { surface })
  }
  return t(lang, 'slack.card.noLead')
}

/** What an `Action.Execute` of the card carries: the case and the version the chair saw. */
export interface TriageActionData {
  reference: string
  version: number
}

function execute(action: TriageAction, summary: CaseCardSummary, lang: Lang, title?: string): Json {
  const data: TriageActionData = { reference: summary.reference, version: summary.version }
  const out: Json = {
    type: 'Action.Execute',
    title: title ?? t(lang, `slack.action.${action}`),
    verb: `${TRIAGE_VERB_PREFIX}${action}`,
    data,
  }
  if (action === 'accept') out.style = 'positive'
  return out
}

function inputOf(kind: string, id: string, labelText: string, extra: Json = {}): Json {
  return { type: kind, id, label: labelText, isRequired: true, errorMessage: labelText, ...extra }
}

function textInputOf(id: string, labelText: string, max: number, multiline = true): Json {
  return inputOf('Input.Text', id, labelText, { isMultiline: multiline, maxLength: max })
}

/**
 * The id of an action's input on the card: `<action>.<field>`. Input ids must be unique in the whole
 * card (the Adaptive Cards renderer reports "Duplicate Id" otherwise), and reroute, decline and reopen
 * all ask for a reason. `parseTriageInvoke` strips the prefix again.
 */
function inputId(action: ModalAction, field: string): string {
  return `${action}.${field}`
}

/** The inputs an action collects on the card. */
function actionInputs(action: ModalAction, summary: CaseCardSummary, lang: Lang): Json[] {
  const input = (kind: string, field: string, labelText: string, extra: Json = {}) =>
    inputOf(kind, inputId(action, field), labelText, extra)
  const textInput = (field: string, labelText: string, max: number) =>
    textInputOf(inputId(action, field), labelText, max)
  const intervention = currentIntervention(summary)
  const params = { reference: summary.reference, intervention: label(lang, 'intervention', intervention) }
  const key = (k: string) => t(lang, `slack.modal.${action}.${k}`, params)
  const hint = text(t(lang, 'slack.modal.privacyHint'), { isSubtle: true, size: 'small' })
  const items: Json[] = [text(key('intro'))]
  switch (action) {
    case 'reroute': {
      const choices = (summary.offered ?? INTERVENTIONS)
        .filter((i) => i !== intervention)
        .map((i) => ({
          title: label(lang, 'intervention', i),
          value: i,
        }))
      items.push(input('Input.ChoiceSet', 'intervention', key('intervention'), { choices, style: 'compact' }))
      items.push(textInput('reason', key('reason'), TEAMS_TRIAGE_TEXT.reason), hint)
      break
    }
    case 'request_info': {
      const choices = INFO_ITEMS.map((item) => ({ title: t(lang, `slack.missingItem.${item}`), value: item }))
      const initial = summary.missing.filter((m) => (INFO_ITEMS as readonly string[]).includes(m))
      items.push(
        input('Input.ChoiceSet', 'items', key('items'), {
          choices,
          isMultiSelect: true,
          style: 'expanded',
          ...(initial.length > 0 ? { value: initial.join(',') } : {}),
        }),
      )
      items.push(textInput('question', key('question'), TEAMS_TRIAGE_TEXT.question), hint)
      break
    }
    case 'assign_lead':
      // Teams' people picker: the value is the chosen person's Entra object id (no name is stored).
      items.push(
        input('Input.ChoiceSet', 'lead', key('lead'), {
          choices: [],
          'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
        }),
      )
      break
    case 'schedule':
      items.push(input('Input.Date', 'date', t(lang, 'teams.channel.date')))
      items.push(input('Input.Time', 'time', t(lang, 'teams.channel.time')))
      break
    case 'record_outcome':
      items.push(textInput('summary', key('summary'), TEAMS_TRIAGE_TEXT.summary), hint)
      break
    case 'decline': {
      // Where to instead from the closed list (issue 15 §3); the chair's own words are an optional extra.
      const choices = DECLINE_DESTINATIONS.map((d) => ({
        title: t(lang, `monitoring.destinations.${d}`),
        value: d,
      }))
      items.push(textInput('reason', key('reason'), TEAMS_TRIAGE_TEXT.reason))
      items.push(input('Input.ChoiceSet', 'destination', key('destination'), { choices, style: 'compact' }))
      items.push({ ...textInput('where', key('where'), TEAMS_TRIAGE_TEXT.where), isRequired: false }, hint)
      break
    }
    case 'reopen':
      items.push(textInput('reason', key('reason'), TEAMS_TRIAGE_TEXT.reason), hint)
      break
  }
  return items
}

/** Actions that collect input on the card before they run (close asks for confirmation only). */
export const SHOWCARD_ACTIONS: readonly TriageAction[] = [...MODAL_ACTIONS, 'close']

function cardButton(action: TriageAction, summary: CaseCardSummary, lang: Lang): Json {
  if (action === 'close') {
    const params = { reference: summary.reference }
    return {
      type: 'Action.ShowCard',
      title: t(lang, 'slack.action.close'),
      card: {
        type: 'AdaptiveCard',
        body: [text(t(lang, 'slack.confirm.close.text', params))],
        actions: [execute('close', summary, lang, t(lang, 'slack.confirm.yes'))],
      },
    }
  }
  if ((MODAL_ACTIONS as readonly string[]).includes(action)) {
    return {
      type: 'Action.ShowCard',
      title: t(lang, `slack.action.${action}`),
      card: {
        type: 'AdaptiveCard',
        body: actionInputs(action as ModalAction, summary, lang),
        actions: [execute(action, summary, lang, t(lang, 'slack.modal.submit'))],
      },
    }
  }
  return execute(action, summary, lang)
}

/** Options of one rendering: a message on top (a validation error, a conflict), buttons or not. */
export interface CaseCardOptions {
  /** Shown above the card, e.g. the validation errors of an action or "changed meanwhile". */
  notice?: string[]
  /** Whether to offer the triage buttons (false for the erased replacement). */
  actions?: boolean
  /**
   * The Worker's public origin (`PUBLIC_URL`): adds "Casus bekijken", a link to the case's web page, which
   * checks the web identity of whoever opens it (issue 12 §3). '' or absent: no link.
   */
  caseUrlBase?: string
}

/**
 * The case card. Carries only non-personal fields; the buttons are the status's actions (who may use
 * them is checked on every invoke: the channel shows one card to everyone).
 */
export function buildTeamsCaseCard(
  summary: CaseCardSummary,
  lang: Lang,
  options: CaseCardOptions = {},
): TeamsCaseCard {
  const intervention = label(lang, 'intervention', currentIntervention(summary))
  const status = t(lang, `slack.status.${summary.status}`)
  const acute = summary.urgency === 'acuut'
  const body: Json[] = []
  if (options.notice?.length) {
    body.push({
      type: 'Container',
      style: 'attention',
      items: options.notice.map((n) => text(n, { color: 'attention', weight: 'bolder' })),
    })
  }
  body.push(
    text(
      `${acute ? '🚨 ' : ''}${t(lang, 'slack.card.header', { reference: summary.reference, intervention })}`,
      {
        size: 'large',
        weight: 'bolder',
      },
    ),
  )
  const fact = (key: string, value: string) => ({ title: t(lang, `slack.card.${key}`), value })
  const facts = [
    fact('status', status),
    summary.chosen
      ? fact('chosen', intervention)
      : fact('suggested', label(lang, 'intervention', summary.suggested)),
    fact('municipality', summary.municipality ? label(lang, 'municipality', summary.municipality) : '—'),
    fact('ageBand', summary.ageBand ?? t(lang, 'slack.card.ageUnknown')),
    fact('urgency', label(lang, 'urgency', summary.urgency)),
    fact('lead', leadLabel(summary, lang)),
  ]
  if (summary.scheduledFor) facts.push(fact('scheduledFor', formatLocalTime(summary.scheduledFor, lang)))
  facts.push(fact('nextStep', t(lang, `slack.next.${summary.status}`)))
  body.push({ type: 'FactSet', facts })

  const reasons = summary.reasons
    .slice(0, MAX_REASONS)
    .map((r) => `- ${inert(truncate(r[lang], MAX_REASON_TEXT))}`)
  const alternatives = summary.alternatives
    .filter((i) => i !== currentIntervention(summary))
    .map((i) => label(lang, 'intervention', i))
  if (reasons.length > 0 || alternatives.length > 0) {
    body.push(text(t(lang, 'slack.card.reasons'), { weight: 'bolder' }))
    if (reasons.length > 0) body.push(text(reasons.join('\r')))
    if (alternatives.length > 0)
      body.push(text(`${t(lang, 'slack.card.alternatives')}: ${alternatives.join(', ')}`))
  }
  const flags = flagLabels(summary, lang)
  body.push(
    text(
      `${t(lang, 'slack.card.flags')}: ${flags.length ? flags.join(' · ') : t(lang, 'slack.card.noFlags')}`,
    ),
  )
  const missing = summary.missing.map((m) => missingLabel(m, lang))
  if (missing.length > 0) body.push(text(`${t(lang, 'slack.card.missing')}: ${missing.join(', ')}`))
  body.push(
    text(t(lang, 'teams.channel.footer', { version: summary.version }), { isSubtle: true, size: 'small' }),
  )

  const card: TeamsCaseCard = { type: 'AdaptiveCard', version: '1.4', body }
  const actions =
    options.actions === false
      ? []
      : cardActions(summary.status, summary.offered).filter((a) => a !== 'details')
  const buttons = actions.map((a) => cardButton(a, summary, lang))
  if (options.caseUrlBase && options.actions !== false) {
    buttons.push({
      type: 'Action.OpenUrl',
      title: t(lang, 'slack.reply.detailsCase'),
      url: `${options.caseUrlBase.replace(/\/+$/, '')}/cases/${encodeURIComponent(summary.reference)}`,
    })
  }
  if (buttons.length > 0) card.actions = buttons
  return card
}

/** The card that replaces an erased case's card (reference only). */
export function buildTeamsErasedCard(reference: string, lang: Lang): TeamsCaseCard {
  return {
    type: 'AdaptiveCard',
    version: '1.4',
    body: [text(t(lang, 'teams.channel.erased', { reference }), { weight: 'bolder' })],
  }
}

/** A thread reply: one timeline line (template text only). */
export function buildThreadActivity(line: string): { type: 'message'; text: string; textFormat: 'plain' } {
  return { type: 'message', text: line, textFormat: 'plain' }
}

/** A mention entity of a thread reply (the Bot Framework's `mention`, by Entra object id). */
export interface MentionEntity {
  type: 'mention'
  text: string
  mentioned: { id: string; name: string }
}

/**
 * The spoedmelding in the card's thread, the Teams counterpart of Slack's `@here` broadcast: the alert
 * line (reference only) and an @mention of each configured chair, so their Teams notifies them. A
 * mention shows the role label, never a name ("RET-voorzitter 1, 2…": each mention needs its own text).
 */
export function buildAcuteActivity(
  reference: string,
  lang: Lang,
  chairObjectIds: readonly string[],
): { type: 'message'; text: string; entities?: MentionEntity[] } {
  const alert = t(lang, 'teams.channel.acute', { reference })
  const ids = [...new Set(chairObjectIds)]
  if (ids.length === 0) return { type: 'message', text: alert }
  const label = t(lang, 'teams.channel.chairMention')
  const entities: MentionEntity[] = ids.map((id, i) => {
    const name = ids.length === 1 ? label : `${label} ${i + 1}`
    return { type: 'mention', text: `<at>${name}</at>`, mentioned: { id, name } }
  })
  return { type: 'message', text: `${alert} ${entities.map((e) => e.text).join(' ')}`, entities }
}

/** Wraps a case card as a message activity. */
export function buildCaseCardActivity(card: TeamsCaseCard): {
  type: 'message'
  attachments: { contentType: string; content: TeamsCaseCard }[]
} {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  }
}

const ActionDataSchema = z.looseObject({
  reference: z.string().regex(/^RET-\d{4}-\d{4,6}$/),
  version: z.coerce.number().int().min(0),
})

/** An `adaptiveCard/action` invoke of the case card, read. */
export interface TriageInvoke {
  action: Exclude<TriageAction, 'details'>
  reference: string
  version: number
  /** The inputs the card submitted with it (strings, as Teams sends them). */
  inputs: Record<string, string>
}

/** Reads an invoke's `value.action` when it is one of the case card's; null otherwise. */
export function parseTriageInvoke(value: unknown): TriageInvoke | null {
  const action = (value as { action?: { verb?: unknown; data?: unknown } } | null)?.action
  if (!action || typeof action.verb !== 'string' || !action.verb.startsWith(TRIAGE_VERB_PREFIX)) return null
  const name = action.verb.slice(TRIAGE_VERB_PREFIX.length)
  if (!(name in ACTION_COMMANDS)) return null
  const parsed = ActionDataSchema.safeParse(action.data)
  if (!parsed.success) return null
  // The card's inputs are `<action>.<field>` (see inputId); Teams also sends the inputs of the card
  // around the pressed ShowCard, so another action's fields are dropped. A bare field (a card posted
  // before the ids had the prefix) still counts, unless the prefixed one is there too.
  const inputs: Record<string, string> = {}
  const own = `${name}.`
  for (const [k, v] of Object.entries(parsed.data)) {
    if (k === 'reference' || k === 'version' || typeof v !== 'string' || k.includes('.')) continue
    inputs[k] = v
  }
  for (const [k, v] of Object.entries(parsed.data)) {
    if (k.startsWith(own) && typeof v === 'string') inputs[k.slice(own.length)] = v
  }
  return {
    action: name as TriageInvoke['action'],
    reference: parsed.data.reference,
    version: parsed.data.version,
    inputs,
  }
}

/** The command of an invoke, or the errors to show on the card (the same rules as the Slack modals). */
export type TriageCommandResult = { ok: true; command: CaseCommandInput } | { ok: false; errors: string[] }

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A local date and time in Amsterdam as an ISO instant, or null when they are not a date and time. */
export function amsterdamInstant(date: string, time: string): string | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  const tm = /^(\d{2}):(\d{2})(?::\d{2})?$/.exec(time)
  if (!d || !tm) return null
  const local = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(tm[1]), Number(tm[2]))
  if (!Number.isFinite(local)) return null
  const guess = local - amsterdamOffsetMs(local)
  return new Date(local - amsterdamOffsetMs(guess)).toISOString()
}

/**
 * Reads an invoke's inputs into a lifecycle command. Free text is trimmed and bounded; a reroute needs
 * a reason and another intervention; a lead is a person picked in Teams (`teams:<tenant>:<objectId>`).
 */
export function parseTriageCommand(
  invoke: TriageInvoke,
  summary: CaseCardSummary,
  tenant: string,
  lang: Lang,
  now: Date,
): TriageCommandResult {
  const errors: string[] = []
  const field = (name: string) => (invoke.inputs[name] ?? '').trim()
  const freeText = (name: string, max: number, requiredKey = 'slack.error.required'): string => {
    const value = field(name)
    if (value === '') errors.push(t(lang, requiredKey))
    else if (value.length < TEAMS_TRIAGE_TEXT.min)
      errors.push(t(lang, 'slack.error.tooShort', { min: TEAMS_TRIAGE_TEXT.min }))
    else if (value.length > max) errors.push(t(lang, 'slack.error.tooLong', { max }))
    return value
  }
  const done = (command: CaseCommandInput): TriageCommandResult =>
    errors.length > 0 ? { ok: false, errors } : { ok: true, command }
  const current = currentIntervention(summary)
  switch (invoke.action) {
    case 'accept':
      return done({ type: 'accept', intervention: current, reason: null })
    case 'close':
      return done({ type: 'close', reason: null })
    case 'reroute': {
      const parsed = z.enum(INTERVENTIONS).safeParse(field('intervention'))
      if (!parsed.success) errors.push(t(lang, 'slack.error.chooseIntervention'))
      else if (parsed.data === current) errors.push(t(lang, 'slack.error.sameIntervention'))
      const reason = freeText('reason', TEAMS_TRIAGE_TEXT.reason, 'slack.error.reasonRequired')
      return done({ type: 'accept', intervention: parsed.success ? parsed.data : current, reason })
    }
    case 'request_info': {
      const items = field('items')
        .split(',')
        .map((s) => s.trim())
        .filter((v): v is InfoItem => (INFO_ITEMS as readonly string[]).includes(v))
      if (items.length === 0) errors.push(t(lang, 'slack.error.itemsRequired'))
      const question = freeText('question', TEAMS_TRIAGE_TEXT.question)
      return done({ type: 'requestInfo', items: [...new Set(items)], question })
    }
    case 'assign_lead': {
      const lead = field('lead')
      if (!OBJECT_ID.test(lead)) errors.push(t(lang, 'slack.error.leadRequired'))
      return done({ type: 'assignLead', leadKey: `teams:${tenant}:${lead.toLowerCase()}` })
    }
    case 'schedule': {
      const at = amsterdamInstant(field('date'), field('time'))
      if (!at) errors.push(t(lang, 'slack.error.whenRequired'))
      else if (Date.parse(at) < now.getTime() - 5 * 60_000) errors.push(t(lang, 'slack.error.whenPast'))
      return done({ type: 'schedule', at: at ?? '', note: null })
    }
    case 'record_outcome':
      return done({ type: 'recordOutcome', advice: freeText('summary', TEAMS_TRIAGE_TEXT.summary) })
    case 'decline': {
      const reason = freeText('reason', TEAMS_TRIAGE_TEXT.reason)
      const destination = z.enum(DECLINE_DESTINATIONS).safeParse(field('destination'))
      if (!destination.success) errors.push(t(lang, 'slack.error.chooseDestination'))
      const where = field('where')
      if (where.length > TEAMS_TRIAGE_TEXT.where)
        errors.push(t(lang, 'slack.error.tooLong', { max: TEAMS_TRIAGE_TEXT.where }))
      return done({
        type: 'decline',
        reason,
        destination: destination.success ? destination.data : 'other',
        alternative: where || null,
      })
    }
    case 'reopen':
      return done({ type: 'reopen', reason: freeText('reason', TEAMS_TRIAGE_TEXT.reason) })
  }
}

const THREAD_KEYS: Record<CaseEvent['type'], string> = {
  submitted: 'submitted',
  startTriage: 'changed',
  requestInfo: 'info_requested',
  provideInfo: 'info_received',
  accept: 'accepted',
  assignLead: 'lead_assigned',
  schedule: 'scheduled',
  recordOutcome: 'advised',
  recordFollowUp: 'changed',
  answerFollowUp: 'follow_up_answered',
  close: 'closed',
  decline: 'declined',
  withdraw: 'withdrawn',
  reopen: 'reopened',
}

const SURFACE_NAMES = ['web', 'teams', 'slack', 'api', 'cli', 'system']

function surfaceName(surface: string, lang: Lang): string {
  return SURFACE_NAMES.includes(surface) ? t(lang, `slack.surface.${surface}`) : '—'
}

/**
 * The thread reply for one timeline event (plain text). Only structural data is read from the event
 * (intervention, item codes, the lead's surface, the date): reasons, questions, advice and notes stay
 * in the encrypted timeline, and no person is named.
 */
export function buildTeamsThreadLine(event: CaseEvent, lang: Lang): string {
  const actor =
    event.surface !== 'system'
      ? t(lang, 'slack.thread.actorOther', { surface: surfaceName(event.surface, lang) })
      : t(lang, 'slack.thread.system')
  const data = event.data
  const intervention = (INTERVENTIONS as readonly unknown[]).includes(data.intervention)
    ? (data.intervention as Intervention)
    : null
  const key = event.type === 'accept' && data.rerouted === true ? 'rerouted' : THREAD_KEYS[event.type]
  const rawItems = Array.isArray(data.items) ? data.items : []
  const known = rawItems.filter((i): i is InfoItem => (INFO_ITEMS as readonly unknown[]).includes(i))
  const items = known.map((i) => t(lang, `slack.missingItem.${i}`))
  if (rawItems.length > known.length) items.push(`+${rawItems.length - known.length}`)
  const lead = parseActorKey(typeof data.leadKey === 'string' ? data.leadKey : null)
  const at = typeof data.at === 'string' && Number.isFinite(Date.parse(data.at)) ? data.at : null
  return t(lang, `slack.thread.${key}`, {
    actor,
    intervention: intervention ? label(lang, 'intervention', intervention) : '—',
    items: items.join(', ') || '—',
    lead: t(lang, 'slack.card.leadOther', { surface: lead ? surfaceName(lead.surface, lang) : '—' }),
    when: at ? formatLocalTime(at, lang) : '—',
    status: t(lang, `slack.status.${event.to}`),
    surface: surfaceName(event.surface, lang),
  })
}
