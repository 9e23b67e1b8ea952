import type {
  Button,
  Checkboxes,
  DateTimepicker,
  InputBlock,
  MrkdwnElement,
  PlainTextInput,
  StaticSelect,
  UsersSelect,
} from '@slack/types'
import { z } from 'zod'
import { parseActorKey } from '../../src/domain/actor-key'
import { ACTION_COMMANDS, cardActions, currentIntervention } from '../../src/domain/case-card'
import { label, t } from '../../src/domain/copy'
import { DECLINE_DESTINATIONS } from '../../src/domain/decline'
import { INTERVENTIONS, type Intervention, type Lang } from '../../src/domain/enums'
import type { CaseCommandInput, CaseEvent } from '../../src/domain/lifecycle'
import { readViewState, type SlackView } from './payloads'
import {
  type CaseCardSummary,
  type CaseStatus,
  INFO_ITEMS,
  type InfoItem,
  MODAL_ACTIONS,
  type ModalAction,
  type SlackBlock,
  type SlackMessage,
  type SlackModalErrors,
  type SlackModalView,
  type TriageAction,
} from './types'

/**
 * Block Kit for the chairs' channel: the case card, its thread lines, the triage modals and the
 * ephemeral replies. Pure builders; everything they render comes from a `CaseCardSummary`, which
 * holds no personal data (DOMAIN.md §7).
 */

/** Prefix of every action id and callback id this app owns. */
export const ACTION_PREFIX = 'ret:triage:'
/** Prefix of the triage modals' callback ids (`ret:triage:reroute`…). */
export const TRIAGE_CALLBACK_PREFIX = 'ret:triage:'
const VALUE = 'value'

/** Slack's limits we run into (Block Kit reference). */
const MAX = { header: 150, field: 2000, option: 75, modalTitle: 24, reasons: 4, reasonText: 140 } as const

/** Free-text limits of the triage modals. */
export const TRIAGE_TEXT = { min: 3, reason: 1000, question: 1500, summary: 3000, where: 500 } as const

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

const plain = (text: string, max: number = MAX.field) => ({
  type: 'plain_text' as const,
  text: truncate(text, max),
  emoji: true,
})
const mrkdwn = (text: string): MrkdwnElement => ({ type: 'mrkdwn', text: truncate(text, MAX.field) })

/** Escapes the three characters Slack mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * Escapes what a person typed for Slack mrkdwn (issue 14 §9): `&`, `<`, `>` as entities (no links,
 * mentions or `<!channel>`), and the formatting characters `*`, `_`, `~` and `` ` `` as the fallback text
 * of a date token (`<!date^0^{_}|*>`), which Slack always shows as plain text — mrkdwn has no escape
 * character of its own (the technique of jsx-slack's `<Escape>`). A `>` that starts a line would still
 * quote it: a soft hyphen goes before it.
 */
export function escapeMrkdwnText(text: string): string {
  return escapeMrkdwn(text)
    .replace(/[*_~`]/g, (c) => `<!date^00000000^{_}|${c}>`)
    .replace(/^(\s*)&gt;/gm, '$1\u00ad&gt;')
}

/** A Slack user mention, or null for anything that is not a Slack user id. */
export function mention(userId: string | null | undefined): string | null {
  return userId && /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : null
}

/** Slack renders `<!date^…>` in each reader's own time zone and locale; the fallback is ISO. */
export function slackDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000)
  if (!Number.isFinite(seconds)) return escapeMrkdwn(iso)
  return `<!date^${seconds}^{date_short_pretty} {time}|${iso}>`
}

export {
  ACTION_COMMANDS,
  buildCaseSummary,
  type CardRouting,
  cardActions,
  currentIntervention,
} from '../../src/domain/case-card'

/** What a button carries: the case and the version the chair saw (for the conflict check). */
export const ButtonValueSchema = z.strictObject({
  r: z.string().regex(/^RET-\d{4}-\d{4,6}$/),
  v: z.int().min(0),
})
export type ButtonValue = z.infer<typeof ButtonValueSchema>

function confirmDialog(kind: 'accept' | 'close', summary: CaseCardSummary, lang: Lang) {
  const params = {
    reference: summary.reference,
    intervention: label(lang, 'intervention', currentIntervention(summary)),
  }
  return {
    title: plain(t(lang, `slack.confirm.${kind}.title`), 100),
    text: plain(t(lang, `slack.confirm.${kind}.text`, params), 300),
    confirm: plain(t(lang, 'slack.confirm.yes'), 30),
    deny: plain(t(lang, 'slack.confirm.no'), 30),
  }
}

function button(action: TriageAction, summary: CaseCardSummary, lang: Lang): Button {
  const value: ButtonValue = { r: summary.reference, v: summary.version }
  const style = action === 'accept' ? 'primary' : action === 'decline' ? 'danger' : undefined
  const confirm = action === 'accept' || action === 'close' ? confirmDialog(action, summary, lang) : undefined
  return {
    type: 'button',
    action_id: `${ACTION_PREFIX}${action}`,
    text: plain(t(lang, `slack.action.${action}`), 75),
    value: JSON.stringify(value),
    ...(style ? { style } : {}),
    ...(confirm ? { confirm } : {}),
  }
}

/** The flag lines of a card: analysis missing, anonymous consultation, acute, fired gates. */
export function buildFlagLabels(summary: CaseCardSummary, lang: Lang): string[] {
  const flags: string[] = []
  // "Acute danger reported" only when G1 fired; an `acuut` urgency without G1 is an urgency, not a danger report.
  if (summary.gates.includes('G1')) flags.push(t(lang, 'slack.flag.acute'))
  else if (summary.urgency === 'acuut') flags.push(t(lang, 'slack.flag.acuteUrgency'))
  if (summary.analysisMissing) flags.push(t(lang, 'slack.flag.analysis_missing'))
  if (summary.consultationOnly) flags.push(t(lang, 'slack.flag.consultation'))
  for (const gate of summary.gates) flags.push(t(lang, `slack.gate.${gate}`))
  return flags
}

/**
 * The case card: one message per case in the triage channel, updated in place on every change.
 * Returns the `text` (notification) and `blocks`; both carry only non-personal fields.
 */
export function buildCaseCard(summary: CaseCardSummary, lang: Lang): SlackMessage {
  const intervention = label(lang, 'intervention', currentIntervention(summary))
  const status = t(lang, `slack.status.${summary.status}`)
  const acute = summary.urgency === 'acuut'
  const field = (key: string, value: string) => mrkdwn(`*${t(lang, `slack.card.${key}`)}*\n${value}`)

  const fields = [
    field('status', status),
    summary.chosen
      ? field('chosen', escapeMrkdwn(intervention))
      : field('suggested', escapeMrkdwn(label(lang, 'intervention', summary.suggested))),
    field(
      'municipality',
      summary.municipality ? escapeMrkdwn(label(lang, 'municipality', summary.municipality)) : '—',
    ),
    field('ageBand', summary.ageBand ?? t(lang, 'slack.card.ageUnknown')),
    field('urgency', escapeMrkdwn(label(lang, 'urgency', summary.urgency))),
    field(
      'lead',
      mention(summary.leadSlackUserId) ??
        (summary.leadOtherSurface
          ? t(lang, 'slack.card.leadOther', { surface: surfaceLabel(summary.leadOtherSurface, lang) })
          : t(lang, 'slack.card.noLead')),
    ),
  ]
  if (summary.scheduledFor) fields.push(field('scheduledFor', slackDate(summary.scheduledFor)))
  fields.push(field('nextStep', t(lang, `slack.next.${summary.status}`)))

  const blocks: SlackBlock[] = [
    {
      type: 'header',
      block_id: 'ret:case:header',
      text: plain(
        `${acute ? '🚨 ' : ''}${t(lang, 'slack.card.header', { reference: summary.reference, intervention })}`,
        MAX.header,
      ),
    },
    { type: 'section', block_id: 'ret:case:fields', fields },
  ]

  const reasons = summary.reasons
    .slice(0, MAX.reasons)
    .map((r) => `• ${escapeMrkdwn(truncate(r[lang], MAX.reasonText))}`)
  const alternatives = summary.alternatives
    .filter((i) => i !== currentIntervention(summary))
    .map((i) => escapeMrkdwn(label(lang, 'intervention', i)))
  if (reasons.length > 0 || alternatives.length > 0) {
    const lines = [`*${t(lang, 'slack.card.reasons')}*`, ...reasons]
    if (alternatives.length > 0)
      lines.push(`*${t(lang, 'slack.card.alternatives')}:* ${alternatives.join(', ')}`)
    blocks.push({ type: 'section', block_id: 'ret:case:reasons', text: mrkdwn(lines.join('\n')) })
  }

  const flags = buildFlagLabels(summary, lang)
  const missing = summary.missing.map((m) => missingLabel(m, lang))
  const flagLines = [
    `*${t(lang, 'slack.card.flags')}:* ${flags.length ? flags.join(' · ') : t(lang, 'slack.card.noFlags')}`,
  ]
  if (missing.length > 0) flagLines.push(`*${t(lang, 'slack.card.missing')}:* ${missing.join(', ')}`)
  blocks.push({ type: 'section', block_id: 'ret:case:flags', text: mrkdwn(flagLines.join('\n')) })

  const actions = cardActions(summary.status, summary.offered)
  if (actions.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: 'ret:case:actions',
      elements: actions.map((a) => button(a, summary, lang)),
    })
  }
  blocks.push({
    type: 'context',
    block_id: 'ret:case:footer',
    elements: [mrkdwn(t(lang, 'slack.card.footer', { version: summary.version }))],
  })

  return {
    text: t(lang, 'slack.card.fallback', { reference: summary.reference, status }),
    blocks,
  }
}

function missingLabel(item: string, lang: Lang): string {
  return (INFO_ITEMS as readonly string[]).includes(item)
    ? t(lang, `slack.missingItem.${item}`)
    : escapeMrkdwn(item)
}

/** What a triage modal carries between open and submit (Slack echoes it back). */
export const TriageMetadataSchema = z.strictObject({
  r: z.string().regex(/^RET-\d{4}-\d{4,6}$/),
  v: z.int().min(0),
  i: z.enum(INTERVENTIONS),
  l: z.enum(['nl', 'en']),
})
export type TriageMetadata = z.infer<typeof TriageMetadataSchema>

function input(
  blockId: string,
  labelText: string,
  element: InputBlock['element'],
  optional = false,
  hint?: string,
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(labelText, 2000),
    element: { ...element, action_id: VALUE },
    optional,
    ...(hint ? { hint: plain(hint, 2000) } : {}),
  }
}

function textInput(maxLength: number, multiline = true): PlainTextInput {
  return { type: 'plain_text_input', multiline, min_length: TRIAGE_TEXT.min, max_length: maxLength }
}

function interventionOption(i: Intervention, lang: Lang) {
  return { text: plain(label(lang, 'intervention', i), MAX.option), value: i }
}

/**
 * The modal for a triage action that needs input. Every input is also checked on submit
 * (`parseTriageSubmission`): Slack's client-side checks are a convenience, not a guarantee.
 */
export function buildTriageModal(action: ModalAction, summary: CaseCardSummary, lang: Lang): SlackModalView {
  const intervention = currentIntervention(summary)
  const params = { reference: summary.reference, intervention: label(lang, 'intervention', intervention) }
  const key = (k: string) => t(lang, `slack.modal.${action}.${k}`, params)
  const hint = t(lang, 'slack.modal.privacyHint')
  const blocks: SlackBlock[] = [{ type: 'section', block_id: 'intro', text: mrkdwn(key('intro')) }]

  switch (action) {
    case 'reroute': {
      const options = (summary.offered ?? INTERVENTIONS)
        .filter((i) => i !== intervention)
        .map((i) => interventionOption(i, lang))
      const suggested =
        summary.suggested !== intervention
          ? summary.suggested
          : summary.alternatives.find((i) => i !== intervention)
      const select: StaticSelect = { type: 'static_select', options }
      if (suggested) select.initial_option = interventionOption(suggested, lang)
      blocks.push(input('intervention', key('intervention'), select))
      blocks.push(input('reason', key('reason'), textInput(TRIAGE_TEXT.reason), false, hint))
      break
    }
    case 'request_info': {
      const options = INFO_ITEMS.map((item) => ({
        text: plain(t(lang, `slack.missingItem.${item}`), MAX.option),
        value: item,
      }))
      const initial = options.filter((o) => summary.missing.includes(o.value))
      const checkboxes: Checkboxes = { type: 'checkboxes', options }
      if (initial.length > 0) checkboxes.initial_options = initial
      blocks.push(input('items', key('items'), checkboxes))
      blocks.push(input('question', key('question'), textInput(TRIAGE_TEXT.question), false, hint))
      break
    }
    case 'assign_lead': {
      const select: UsersSelect = { type: 'users_select' }
      if (summary.leadSlackUserId) select.initial_user = summary.leadSlackUserId
      blocks.push(input('lead', key('lead'), select))
      break
    }
    case 'schedule': {
      const picker: DateTimepicker = { type: 'datetimepicker' }
      if (summary.scheduledFor) {
        const seconds = Math.floor(Date.parse(summary.scheduledFor) / 1000)
        if (Number.isFinite(seconds)) picker.initial_date_time = seconds
      }
      blocks.push(input('when', key('when'), picker))
      break
    }
    case 'record_outcome':
      blocks.push(input('summary', key('summary'), textInput(TRIAGE_TEXT.summary), false, hint))
      break
    case 'decline': {
      // Where to instead from the closed list (issue 15 §3); the chair's own words are an optional extra.
      const options = DECLINE_DESTINATIONS.map((d) => ({
        text: plain(t(lang, `monitoring.destinations.${d}`), MAX.option),
        value: d,
      }))
      blocks.push(input('reason', key('reason'), textInput(TRIAGE_TEXT.reason), false, hint))
      blocks.push(input('destination', key('destination'), { type: 'static_select', options }))
      blocks.push(input('where', key('where'), textInput(TRIAGE_TEXT.where), true, hint))
      break
    }
    case 'reopen':
      blocks.push(input('reason', key('reason'), textInput(TRIAGE_TEXT.reason), false, hint))
      break
  }

  const metadata: TriageMetadata = { r: summary.reference, v: summary.version, i: intervention, l: lang }
  return {
    type: 'modal',
    callback_id: `${TRIAGE_CALLBACK_PREFIX}${action}`,
    title: plain(key('title'), MAX.modalTitle),
    submit: plain(t(lang, 'slack.modal.submit'), MAX.modalTitle),
    close: plain(t(lang, 'slack.modal.cancel'), MAX.modalTitle),
    private_metadata: JSON.stringify(metadata),
    blocks,
  }
}

/** A triage modal read into a lifecycle command, or the errors to show in the modal. */
export type TriageSubmission =
  | { ok: true; reference: string; expectedVersion: number; lang: Lang; command: CaseCommandInput }
  | { ok: false; reference: string | null; lang: Lang; response: SlackModalErrors }

/** A `response_action: errors` body: Slack shows each message under its input block. */
export function buildModalErrors(errors: Record<string, string>): SlackModalErrors {
  return { response_action: 'errors', errors }
}

/** Which modal action a view's callback id names, or null when it is not one of ours. */
export function triageActionOf(callbackId: string): ModalAction | null {
  if (!callbackId.startsWith(TRIAGE_CALLBACK_PREFIX)) return null
  const action = callbackId.slice(TRIAGE_CALLBACK_PREFIX.length)
  return (MODAL_ACTIONS as readonly string[]).includes(action) ? (action as ModalAction) : null
}

/**
 * Reads a triage modal's submission into a lifecycle command, or the errors to show in the modal.
 * Free text is trimmed and bounded; a reroute needs a reason and a different intervention.
 * `teamId` qualifies a chosen Slack user into a `slack:team:user` identity key.
 */
export function parseTriageSubmission(view: SlackView, teamId: string, now: Date): TriageSubmission {
  const action = triageActionOf(view.callback_id)
  let meta: TriageMetadata | null = null
  try {
    const parsed = TriageMetadataSchema.safeParse(JSON.parse(view.private_metadata))
    if (parsed.success) meta = parsed.data
  } catch {
    meta = null
  }
  const lang: Lang = meta?.l ?? 'nl'
  if (!action || !meta) {
    const firstBlock = Object.keys(view.state.values)[0] ?? 'intro'
    return {
      ok: false,
      reference: meta?.r ?? null,
      lang,
      response: buildModalErrors({ [firstBlock]: t(lang, 'slack.error.stale') }),
    }
  }

  const state = readViewState(view.state.values)
  const errors: Record<string, string> = {}
  const text = (blockId: string, max: number, requiredKey = 'slack.error.required'): string => {
    const raw = state[blockId]
    const value = typeof raw === 'string' ? raw.trim() : ''
    if (value === '') errors[blockId] = t(lang, requiredKey)
    else if (value.length < TRIAGE_TEXT.min)
      errors[blockId] = t(lang, 'slack.error.tooShort', { min: TRIAGE_TEXT.min })
    else if (value.length > max) errors[blockId] = t(lang, 'slack.error.tooLong', { max })
    return value
  }
  const done = (command: CaseCommandInput): TriageSubmission =>
    Object.keys(errors).length > 0
      ? { ok: false, reference: meta.r, lang, response: buildModalErrors(errors) }
      : { ok: true, reference: meta.r, expectedVersion: meta.v, lang, command }

  switch (action) {
    case 'reroute': {
      const raw = state.intervention
      const parsed = z.enum(INTERVENTIONS).safeParse(raw)
      if (!parsed.success) errors.intervention = t(lang, 'slack.error.chooseIntervention')
      else if (parsed.data === meta.i) errors.intervention = t(lang, 'slack.error.sameIntervention')
      const reason = text('reason', TRIAGE_TEXT.reason, 'slack.error.reasonRequired')
      return done({ type: 'accept', intervention: parsed.success ? parsed.data : meta.i, reason })
    }
    case 'request_info': {
      const raw = state.items
      const items = (Array.isArray(raw) ? raw : []).filter((v): v is InfoItem =>
        (INFO_ITEMS as readonly string[]).includes(v),
      )
      if (items.length === 0) errors.items = t(lang, 'slack.error.itemsRequired')
      const question = text('question', TRIAGE_TEXT.question)
      return done({ type: 'requestInfo', items: [...new Set(items)], question })
    }
    case 'assign_lead': {
      const lead = state.lead
      if (typeof lead !== 'string' || !mention(lead)) errors.lead = t(lang, 'slack.error.leadRequired')
      return done({ type: 'assignLead', leadKey: `slack:${teamId}:${typeof lead === 'string' ? lead : ''}` })
    }
    case 'schedule': {
      const when = state.when
      if (typeof when !== 'string') errors.when = t(lang, 'slack.error.whenRequired')
      // Five minutes' grace: the picker has a minute resolution and the chair may be slow to click.
      else if (Date.parse(when) < now.getTime() - 5 * 60_000) errors.when = t(lang, 'slack.error.whenPast')
      return done({ type: 'schedule', at: typeof when === 'string' ? when : '', note: null })
    }
    case 'record_outcome':
      return done({ type: 'recordOutcome', advice: text('summary', TRIAGE_TEXT.summary) })
    case 'decline': {
      const reason = text('reason', TRIAGE_TEXT.reason)
      const destination = z.enum(DECLINE_DESTINATIONS).safeParse(state.destination)
      if (!destination.success) errors.destination = t(lang, 'slack.error.chooseDestination')
      const where = typeof state.where === 'string' ? state.where.trim() : ''
      if (where.length > TRIAGE_TEXT.where)
        errors.where = t(lang, 'slack.error.tooLong', { max: TRIAGE_TEXT.where })
      return done({
        type: 'decline',
        reason,
        destination: destination.success ? destination.data : 'other',
        alternative: where || null,
      })
    }
    case 'reopen':
      return done({ type: 'reopen', reason: text('reason', TRIAGE_TEXT.reason) })
  }
}

/** The command a button runs without a modal (accept confirms the current route; close needs no reason). */
export function buildButtonCommand(action: 'accept' | 'close', summary: CaseCardSummary): CaseCommandInput {
  return action === 'accept'
    ? { type: 'accept', intervention: currentIntervention(summary), reason: null }
    : { type: 'close', reason: null }
}

/** Reads a card button click: the action and the case/version it was shown for. */
export function parseTriageButton(
  actionId: string,
  value: string | undefined,
): { action: TriageAction; reference: string; version: number } | null {
  if (!actionId.startsWith(ACTION_PREFIX) || value === undefined) return null
  const action = actionId.slice(ACTION_PREFIX.length) as TriageAction
  if (action !== 'details' && !(action in ACTION_COMMANDS)) return null
  try {
    const parsed = ButtonValueSchema.safeParse(JSON.parse(value))
    return parsed.success ? { action, reference: parsed.data.r, version: parsed.data.v } : null
  } catch {
    return null
  }
}

const SURFACES = ['web', 'teams', 'slack', 'api', 'cli', 'system']

/** A surface's name for people ("via Teams"); an unknown one is shown as it is. */
export function surfaceLabel(surface: string, lang: Lang): string {
  return SURFACES.includes(surface) ? t(lang, `slack.surface.${surface}`) : escapeMrkdwn(surface)
}

/** The thread line for each timeline event type. */
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

/**
 * The thread line for one timeline event (mrkdwn). Only structural data is read from the event:
 * reasons, questions, advice and notes stay in the (encrypted) timeline.
 */
export function buildThreadText(event: CaseEvent, lang: Lang): string {
  const actorKey = parseActorKey(event.actorKey)
  const actor =
    (actorKey?.surface === 'slack' ? mention(actorKey.user) : null) ??
    (event.surface !== 'system'
      ? t(lang, 'slack.thread.actorOther', { surface: surfaceLabel(event.surface, lang) })
      : t(lang, 'slack.thread.system'))
  const data = event.data
  const intervention = (INTERVENTIONS as readonly unknown[]).includes(data.intervention)
    ? (data.intervention as Intervention)
    : null
  const key = event.type === 'accept' && data.rerouted === true ? 'rerouted' : THREAD_KEYS[event.type]
  // Only known item codes are named; anything a chair typed as an item is counted, not shown.
  const rawItems = Array.isArray(data.items) ? data.items : []
  const known = rawItems.filter((i): i is InfoItem => (INFO_ITEMS as readonly unknown[]).includes(i))
  const items = known.map((i) => t(lang, `slack.missingItem.${i}`))
  if (rawItems.length > known.length) items.push(`+${rawItems.length - known.length}`)
  const lead = parseActorKey(typeof data.leadKey === 'string' ? data.leadKey : null)
  const at = typeof data.at === 'string' ? data.at : null
  return t(lang, `slack.thread.${key}`, {
    actor,
    intervention: intervention ? label(lang, 'intervention', intervention) : '—',
    items: items.join(', ') || '—',
    lead:
      (lead?.surface === 'slack' ? mention(lead.user) : null) ??
      t(lang, 'slack.card.leadOther', { surface: lead ? surfaceLabel(lead.surface, lang) : '—' }),
    when: at ? slackDate(at) : '—',
    status: t(lang, `slack.status.${event.to}`),
    surface: surfaceLabel(event.surface, lang),
  })
}

/**
 * The direct message a Slack referrer gets for a change of their case, or null when the change is not
 * worth a message. Item codes and the intervention are named; free text stays in the case's web view.
 */
export function buildReferrerNotice(reference: string, event: CaseEvent, lang: Lang): string | null {
  const data = event.data
  const intervention = (INTERVENTIONS as readonly unknown[]).includes(data.intervention)
    ? label(lang, 'intervention', data.intervention as Intervention)
    : '—'
  const rawItems = Array.isArray(data.items) ? data.items : []
  const known = rawItems.filter((i): i is InfoItem => (INFO_ITEMS as readonly unknown[]).includes(i))
  const items = known.map((i) => t(lang, `slack.missingItem.${i}`))
  if (rawItems.length > known.length) items.push(`+${rawItems.length - known.length}`)
  const params = {
    reference,
    intervention,
    items: items.join(', ') || '—',
    when: typeof data.at === 'string' ? slackDate(data.at) : '—',
  }
  switch (event.type) {
    case 'accept':
      return t(lang, data.rerouted === true ? 'slack.notice.rerouted' : 'slack.notice.accept', params)
    case 'requestInfo':
    case 'schedule':
    case 'recordOutcome':
    case 'decline':
    case 'close':
    case 'reopen':
      return t(lang, `slack.notice.${event.type}`, params)
    default:
      return null
  }
}

/** Action id of the "Beantwoorden" button under a chair's question in a referrer's DM. */
export const ANSWER_ACTION_ID = 'ret:answer'
/** Callback id of the answer modal. */
export const ANSWER_CALLBACK_ID = 'ret:answer'
/** Answers are bounded by Slack's input limit. */
export const ANSWER_MAX = 3000

/** Which question a button or answer modal belongs to: the case and the version that asked it. */
export const QuestionRefSchema = z.strictObject({
  r: z.string().regex(/^RET-\d{4}-\d{4,6}$/),
  v: z.int().min(1),
  l: z.enum(['nl', 'en']).optional(),
})
export type QuestionRef = z.infer<typeof QuestionRefSchema>

/** Reads a question reference from a button value or modal metadata. */
export function parseQuestionRef(text: string | undefined): QuestionRef | null {
  if (!text) return null
  try {
    const parsed = QuestionRefSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/**
 * The chair's question as a direct message to the case's own referrer (a 1:1 conversation with the
 * app, like the Teams question card; never a channel), with a button that opens the answer modal.
 */
export function buildQuestionMessage(
  input: { reference: string; version: number; items: string[]; question: string },
  lang: Lang,
): SlackMessage {
  const known = input.items.filter((i): i is InfoItem => (INFO_ITEMS as readonly string[]).includes(i))
  const items = known.map((i) => t(lang, `slack.missingItem.${i}`))
  if (input.items.length > known.length) items.push(`+${input.items.length - known.length}`)
  const text = t(lang, 'slack.notice.requestInfo', {
    reference: input.reference,
    items: items.join(', ') || '—',
  })
  const quoted = escapeMrkdwnText(truncate(input.question, 2500))
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n')
  const ref: QuestionRef = { r: input.reference, v: input.version }
  return {
    text,
    blocks: [
      { type: 'section', text: mrkdwn(`${text}\n${quoted}`) },
      {
        type: 'actions',
        block_id: 'ret:answer',
        elements: [
          {
            type: 'button',
            action_id: ANSWER_ACTION_ID,
            style: 'primary',
            text: plain(t(lang, 'slack.answer.button'), 75),
            value: JSON.stringify(ref),
          },
        ],
      },
    ],
  }
}

/** The modal in which a referrer answers a chair's question. */
export function buildAnswerModal(
  asked: { reference: string; version: number; question: string },
  lang: Lang,
): SlackModalView {
  const ref: QuestionRef = { r: asked.reference, v: asked.version, l: lang }
  const quoted = escapeMrkdwnText(truncate(asked.question, 2500))
  return {
    type: 'modal',
    callback_id: ANSWER_CALLBACK_ID,
    title: plain(t(lang, 'slack.answer.title'), MAX.modalTitle),
    submit: plain(t(lang, 'slack.answer.submit'), MAX.modalTitle),
    close: plain(t(lang, 'slack.modal.cancel'), MAX.modalTitle),
    private_metadata: JSON.stringify(ref),
    blocks: [
      {
        type: 'section',
        block_id: 'intro',
        text: mrkdwn(`${t(lang, 'slack.answer.intro', { reference: asked.reference })}\n> ${quoted}`),
      },
      input(
        'answer',
        t(lang, 'slack.answer.label'),
        {
          type: 'plain_text_input',
          multiline: true,
          min_length: TRIAGE_TEXT.min,
          max_length: ANSWER_MAX,
        },
        false,
        t(lang, 'slack.answer.hint'),
      ),
    ],
  }
}

/** Reads an answer modal's submission: the answer, or the error to show under the input. */
export function parseAnswerSubmission(
  view: SlackView,
):
  | { ok: true; ref: QuestionRef; lang: Lang; answer: string }
  | { ok: false; lang: Lang; response: SlackModalErrors } {
  const ref = parseQuestionRef(view.private_metadata)
  const lang: Lang = ref?.l ?? 'nl'
  if (!ref) return { ok: false, lang, response: buildModalErrors({ answer: t(lang, 'slack.error.stale') }) }
  const raw = readViewState(view.state.values).answer
  const answer = typeof raw === 'string' ? raw.trim() : ''
  if (answer === '')
    return { ok: false, lang, response: buildModalErrors({ answer: t(lang, 'slack.error.required') }) }
  if (answer.length < TRIAGE_TEXT.min) {
    return {
      ok: false,
      lang,
      response: buildModalErrors({ answer: t(lang, 'slack.error.tooShort', { min: TRIAGE_TEXT.min }) }),
    }
  }
  if (answer.length > ANSWER_MAX) {
    return {
      ok: false,
      lang,
      response: buildModalErrors({ answer: t(lang, 'slack.error.tooLong', { max: ANSWER_MAX }) }),
    }
  }
  return { ok: true, ref, lang, answer }
}

/** The ephemeral refusal a non-chair sees. */
export function buildNotChairMessage(lang: Lang): SlackMessage {
  const text = t(lang, 'slack.reply.notChair')
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] }
}

/** The ephemeral answer to a stale click: a notice plus the card as it is now. */
export function buildConflictMessage(summary: CaseCardSummary, lang: Lang): SlackMessage {
  const text = t(lang, 'slack.reply.conflict', { reference: summary.reference })
  const card = buildCaseCard(summary, lang)
  return { text, blocks: [{ type: 'section', text: mrkdwn(`:warning: ${text}`) }, ...card.blocks] }
}

/** A short plain ephemeral reply (status refused, unknown command, …). */
export function buildTextMessage(text: string): SlackMessage {
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] }
}

/** The chair's private "Bekijk details" answer: a button to the case's web page, which checks who opens it. */
export function buildDetailsMessage(input: { reference: string; caseUrl: string }, lang: Lang): SlackMessage {
  const text = t(lang, 'slack.reply.details', { reference: input.reference })
  return {
    text,
    blocks: [
      { type: 'section', text: mrkdwn(text) },
      {
        type: 'actions',
        block_id: 'ret:details',
        elements: [
          {
            type: 'button',
            action_id: 'ret:link:case',
            text: plain(t(lang, 'slack.reply.detailsCase'), 75),
            url: input.caseUrl,
          },
        ],
      },
    ],
  }
}

/** `/ret status` for the referrer: status and next step only. */
export function buildStatusMessage(
  summary: { reference: string; status: CaseStatus },
  lang: Lang,
): SlackMessage {
  return buildTextMessage(
    t(lang, 'slack.reply.status', {
      reference: summary.reference,
      status: t(lang, `slack.status.${summary.status}`),
      next: t(lang, `slack.next.${summary.status}`),
    }),
  )
}

/** `/ret help`. */
export function buildHelpMessage(lang: Lang): SlackMessage {
  return buildTextMessage(t(lang, 'slack.reply.help'))
}
