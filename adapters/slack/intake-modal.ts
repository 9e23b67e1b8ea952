import type { Button, InputBlock, InputBlockElement, MrkdwnElement } from '@slack/types'
import { z } from 'zod'
import { t } from '../../src/domain/copy'
import { linkPhones } from '../../src/domain/crisis'
import { eventFromAction } from '../../src/domain/dialogue'
import type { DialogueEvent, FieldView, ScreenView } from '../../src/domain/dialogue-types'
import type { Lang } from '../../src/domain/enums'
import { buildReviewSuggestion } from '../../src/domain/review-groups'
import { escapeMrkdwnText } from './cards'
import { readViewState, type SlackView } from './payloads'
import type { SlackBlock, SlackModalErrors, SlackModalView } from './types'

/**
 * The intake dialogue as a Slack modal: one view per ScreenView (views.open for the first screen,
 * views.update / `response_action: update` after). The dialogue state machine stays the authority;
 * this file only renders its neutral screen and reads the form back into a DialogueEvent.
 */

/** Callback id of every intake modal view. */
export const INTAKE_CALLBACK_ID = 'ret:intake'
/** Prefix of the buttons inside the intake modal (back, edit, choices, cancel). */
export const INTAKE_ACTION_PREFIX = 'ret:intake:'
const VALUE = 'value'

const MAX = {
  title: 24,
  header: 150,
  label: 2000,
  option: 75,
  radio: 10,
  checkboxes: 10,
  options: 100,
  blocks: 100,
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
const plain = (text: string, max: number) => ({
  type: 'plain_text' as const,
  text: truncate(text, max),
  emoji: true,
})
const mrkdwn = (text: string): MrkdwnElement => ({ type: 'mrkdwn', text: truncate(text, 3000) })

/** What the intake modal carries between renders: step, phase, language and the submit button's action. */
export const IntakeMetadataSchema = z.strictObject({
  s: z.string().max(100),
  p: z.enum(['step', 'notice', 'review', 'submitting', 'submitted', 'cancelled']),
  l: z.enum(['nl', 'en']),
  /** ActionView id the modal's Submit button stands for ('next', 'submit', 'choose:…'), or null. */
  a: z.string().max(200).nullable(),
})
export type IntakeMetadata = z.infer<typeof IntakeMetadataSchema>

function option(value: string, text: string) {
  return { text: plain(text || value, MAX.option), value }
}

function fieldElement(field: FieldView, lang: Lang): InputBlockElement {
  const value = typeof field.value === 'string' ? field.value : null
  const values = Array.isArray(field.value)
    ? field.value.filter((v): v is string => typeof v === 'string')
    : []
  const options = (field.options ?? []).map((o) => option(o.value, o.label))
  const initialOne = options.find((o) => o.value === value)
  const initialMany = options.filter((o) => values.includes(o.value))
  switch (field.kind) {
    case 'textarea':
      return { type: 'plain_text_input', multiline: true, ...(value ? { initial_value: value } : {}) }
    case 'email':
      return { type: 'email_text_input', ...(value ? { initial_value: value } : {}) }
    case 'year':
    case 'integer':
      return { type: 'number_input', is_decimal_allowed: false, ...(value ? { initial_value: value } : {}) }
    case 'date':
      return {
        type: 'datepicker',
        ...(value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { initial_date: value } : {}),
      }
    case 'boolean': {
      const yesNo = [option('true', t(lang, 'slack.intake.yes')), option('false', t(lang, 'slack.intake.no'))]
      const initial = yesNo.find((o) => o.value === value)
      return { type: 'radio_buttons', options: yesNo, ...(initial ? { initial_option: initial } : {}) }
    }
    case 'radio':
    case 'select': {
      const initial = initialOne ? { initial_option: initialOne } : {}
      if (field.kind === 'radio' && options.length <= MAX.radio)
        return { type: 'radio_buttons', options, ...initial }
      return {
        type: 'static_select',
        options: options.slice(0, MAX.options),
        placeholder: plain(t(lang, 'slack.intake.choose'), 150),
        ...initial,
      }
    }
    case 'checkboxes': {
      const initial = initialMany.length > 0 ? { initial_options: initialMany } : {}
      if (options.length <= MAX.checkboxes) return { type: 'checkboxes', options, ...initial }
      return {
        type: 'multi_static_select',
        options: options.slice(0, MAX.options),
        placeholder: plain(t(lang, 'slack.intake.choose'), 150),
        ...initial,
      }
    }
    default:
      // text, tel, month (the hint says the format) and anything new render as one line of text.
      return { type: 'plain_text_input', ...(value ? { initial_value: value } : {}) }
  }
}

function inputBlock(field: FieldView, blockId: string, labelText: string, lang: Lang): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(labelText, MAX.label),
    element: { ...fieldElement(field, lang), action_id: VALUE },
    // Checkboxes and radios cannot be "emptied" in Slack once chosen; optional keeps the dialogue in charge.
    optional: !field.required,
    ...(field.hint ? { hint: plain(field.hint, MAX.label) } : {}),
  }
}

/** The Slack block id of a list cell: the dialogue's own field name for that row (`help.history[0].what`). */
export function listCellName(listName: string, row: number, itemName: string): string {
  return `${listName}[${row}].${itemName}`
}

function fieldBlocks(field: FieldView, lang: Lang): SlackBlock[] {
  if (field.kind !== 'list') {
    const blocks: SlackBlock[] = [inputBlock(field, field.name, field.label, lang)]
    if (field.error) blocks.push({ type: 'context', elements: [mrkdwn(`:warning: ${field.error}`)] })
    return blocks
  }
  const rows = Array.isArray(field.value) ? (field.value as Record<string, string>[]) : []
  // The dialogue decides how many rows to show; with none, one empty row (an all-empty row is ignored).
  const rowCount = Math.max(rows.length, 1)
  const blocks: SlackBlock[] = [
    { type: 'section', text: mrkdwn(`*${field.label}*${field.hint ? `\n${field.hint}` : ''}`) },
  ]
  for (let row = 0; row < rowCount; row++) {
    blocks.push({ type: 'context', elements: [mrkdwn(t(lang, 'slack.intake.row', { n: row + 1 }))] })
    for (const item of field.itemFields ?? []) {
      const current = rows[row]?.[item.name] || null
      // Cells are optional in Slack: the dialogue checks rows as a whole when the step is answered.
      const cell: FieldView = { ...item, value: current, required: false }
      blocks.push(inputBlock(cell, listCellName(field.name, row, item.name), item.label, lang))
    }
  }
  if (field.error) blocks.push({ type: 'context', elements: [mrkdwn(`:warning: ${field.error}`)] })
  const listActions = (field.actions ?? []).map(
    (a): Button => ({
      type: 'button',
      action_id: `${INTAKE_ACTION_PREFIX}${a.id}`,
      text: plain(a.label, MAX.option),
      value: a.id,
    }),
  )
  if (listActions.length > 0) blocks.push({ type: 'actions', elements: listActions.slice(0, 25) })
  return blocks
}

/**
 * A mrkdwn text with every phone number as a `tel:` link, its dashes and spaces non-breaking:
 * `<tel:08002000|0800‑2000>` — one tap, one line (issue 13 §2; docs/slack.md says what Slack does with it).
 */
export function phoneLinks(text: string): string {
  return linkPhones(text, (shown, tel) => `<${tel}|${shown}>`)
}

const TONE_ICON = { danger: ':rotating_light:', warning: ':warning:', info: ':information_source:' } as const

/**
 * Renders one dialogue screen as a modal view. The Submit button stands for the screen's primary
 * action (next / submit / a notice's primary choice); every other action is a button in the modal.
 */
export function buildIntakeModal(screen: ScreenView): SlackModalView {
  const lang = screen.lang
  const blocks: SlackBlock[] = [
    { type: 'header', text: plain(screen.title, MAX.header) },
    { type: 'context', elements: [mrkdwn(screen.progress.label)] },
  ]
  if (screen.intro) blocks.push({ type: 'section', text: mrkdwn(screen.intro) })
  for (const notice of screen.notices) {
    blocks.push({
      type: 'section',
      text: mrkdwn(phoneLinks(`${TONE_ICON[notice.tone]} *${notice.title}*\n${notice.body.join('\n')}`)),
    })
  }
  const fieldNames = new Set(screen.fields.map((f) => f.name))
  const loose = screen.errors.filter((e) => !fieldNames.has(e.field))
  if (loose.length > 0) {
    blocks.push({ type: 'section', text: mrkdwn(loose.map((e) => `:warning: ${e[lang]}`).join('\n')) })
  }
  for (const field of screen.fields) blocks.push(...fieldBlocks(field, lang))
  if (screen.review) {
    for (const section of screen.review.sections) {
      // The values are what the referrer typed: escaped, so they show as typed (issue 14 §9).
      const lines = section.rows.map((r) => `*${r.label}:* ${escapeMrkdwnText(r.value)}`)
      blocks.push({ type: 'section', text: mrkdwn(`*${section.title}*\n${lines.join('\n')}`) })
    }
    // Reasons under the intervention they scored for, shown with its code (issue 13 §11), as on the web.
    const suggestion = buildReviewSuggestion(screen.review, lang)
    const [headline, ...others] = suggestion.others
    if (headline) blocks.push({ type: 'section', text: mrkdwn(`*${headline}*`) })
    for (const group of suggestion.groups) {
      blocks.push({
        type: 'section',
        text: mrkdwn(`*${group.title}*\n${group.reasons.map((r) => `• ${r}`).join('\n')}`.slice(0, 3000)),
      })
    }
    if (others.length > 0) blocks.push({ type: 'section', text: mrkdwn(others.join('\n').slice(0, 3000)) })
  }
  if (screen.phase === 'submitted' && screen.reference) {
    blocks.push({
      type: 'section',
      text: mrkdwn(
        `:white_check_mark: ${t(lang, 'slack.intake.submitted', { reference: screen.reference })}`,
      ),
    })
  }

  const primary =
    screen.actions.find((a) => a.id === 'submit' || a.id === 'next') ??
    screen.actions.find((a) => a.primary && a.id.startsWith('choose:'))
  const later = screen.actions.find((a) => a.id === 'later')
  const buttons = screen.actions
    .filter((a) => a !== primary && a !== later)
    .map((a): Button => {
      const style = a.id === 'cancel' ? 'danger' : a.primary ? 'primary' : undefined
      return {
        type: 'button',
        action_id: `${INTAKE_ACTION_PREFIX}${a.id}`,
        text: plain(a.label, MAX.option),
        value: a.id,
        ...(style ? { style } : {}),
      }
    })
  // An actions block holds at most 25 elements.
  for (let i = 0; i < buttons.length; i += 25)
    blocks.push({ type: 'actions', elements: buttons.slice(i, i + 25) })

  const metadata: IntakeMetadata = { s: screen.stepId, p: screen.phase, l: lang, a: primary?.id ?? null }
  const view: SlackModalView = {
    type: 'modal',
    callback_id: INTAKE_CALLBACK_ID,
    title: plain(t(lang, 'slack.intake.title'), MAX.title),
    close: plain(later?.label ?? t(lang, 'slack.intake.close'), MAX.title),
    private_metadata: JSON.stringify(metadata),
    // Keep the last block (actions) if Slack's 100-block limit is reached: the referrer can still move on.
    blocks: blocks.length > MAX.blocks ? [...blocks.slice(0, MAX.blocks - 1), ...blocks.slice(-1)] : blocks,
    notify_on_close: true,
  }
  if (primary) view.submit = plain(primary.label, MAX.title)
  return view
}

/** Reads the metadata of an intake view, or null when it is not (a current) intake view. */
export function readIntakeMetadata(
  view: Pick<SlackView, 'callback_id' | 'private_metadata'>,
): IntakeMetadata | null {
  if (view.callback_id !== INTAKE_CALLBACK_ID) return null
  try {
    const parsed = IntakeMetadataSchema.safeParse(JSON.parse(view.private_metadata))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** An intake modal submission read into a dialogue event, or why not. */
export type IntakeSubmission =
  | { ok: true; event: DialogueEvent; meta: IntakeMetadata }
  | { ok: false; code: 'not_intake' | 'no_action' }

/** The form values of an intake view as the dialogue takes them: strings as typed, arrays for multi-selects. */
export function readIntakeValues(view: Pick<SlackView, 'state'>): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(readViewState(view.state.values))) values[name] = value ?? ''
  return values
}

/**
 * Reads a view_submission of the intake modal into a DialogueEvent: the action the Submit button
 * stood for ('next' → an `answer` with the form values, 'submit', a notice's choice).
 */
export function parseIntakeModalSubmission(view: SlackView): IntakeSubmission {
  const meta = readIntakeMetadata(view)
  if (!meta) return { ok: false, code: 'not_intake' }
  if (meta.a === null) return { ok: false, code: 'no_action' }
  const event = eventFromAction(meta.a, meta.s, readIntakeValues(view))
  return event ? { ok: true, event, meta } : { ok: false, code: 'no_action' }
}

/** Reads a button inside the intake modal (back, edit, choose, add/remove row, cancel) into a DialogueEvent. */
export function parseIntakeModalAction(
  actionId: string,
  view: SlackView,
): { event: DialogueEvent; meta: IntakeMetadata } | null {
  if (!actionId.startsWith(INTAKE_ACTION_PREFIX)) return null
  const meta = readIntakeMetadata(view)
  if (!meta) return null
  const event = eventFromAction(actionId.slice(INTAKE_ACTION_PREFIX.length), meta.s, readIntakeValues(view))
  return event ? { event, meta } : null
}

/** Closing the modal ("Later verder") on a step keeps what was typed, unvalidated (`save`). */
export function parseIntakeModalClosed(
  view: SlackView,
): { event: DialogueEvent; meta: IntakeMetadata } | null {
  const meta = readIntakeMetadata(view)
  if (meta === null || meta.p !== 'step') return null
  return { event: { type: 'save', stepId: meta.s, values: readIntakeValues(view) }, meta }
}

/**
 * Field errors of an `answer` as a `response_action: errors` body, when every error belongs to an
 * input shown in the view; otherwise null (then re-render the screen, which lists the errors at the top).
 */
export function buildIntakeErrors(
  screen: ScreenView,
  view: Pick<SlackModalView, 'blocks'>,
): SlackModalErrors | null {
  if (screen.errors.length === 0) return null
  const blockIds = new Set(
    view.blocks.map((b) => b.block_id).filter((id): id is string => typeof id === 'string'),
  )
  const errors: Record<string, string> = {}
  for (const error of screen.errors) {
    if (!blockIds.has(error.field)) return null
    errors[error.field] = truncate(error[screen.lang], 2000)
  }
  return { response_action: 'errors', errors }
}
