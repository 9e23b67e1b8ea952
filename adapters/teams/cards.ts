import { interventionName, label, t } from '../../src/domain/copy'
import { linkPhones, noticeLine, type ReceiptText, receiptText } from '../../src/domain/crisis'
import { eventFromAction } from '../../src/domain/dialogue'
import type {
  ActionView,
  DialogueEvent,
  FieldView,
  NoticeView,
  ScreenView,
} from '../../src/domain/dialogue-types'
import type { Intervention, Lang, Urgency } from '../../src/domain/enums'
import { FOLLOW_UP_INPUTS } from '../../src/domain/follow-up'
import { buildReviewSuggestion } from '../../src/domain/review-groups'
import type { TeamsCommand } from './activity'
import type {
  AdaptiveCard,
  CardAction,
  CardElement,
  ChoiceSetInput,
  Container,
  SubmitAction,
  TextBlock,
} from './card-schema'

/**
 * Renders the dialogue's neutral screens and the follow-up messages as Adaptive Cards 1.5, and reads
 * card submits back into neutral events. Pure: no I/O, no clock. Cards carry case references,
 * interventions, statuses and the referrer's own current answers (1:1 chat only) — never data of
 * another user, and follow-up cards never carry names, birth years or free-text stories.
 */

/** Bot Framework attachment content type of an Adaptive Card. */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive'

const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json' as const

/** What a card button sends back, merged by Teams with the card's input values. */
export interface CardData {
  action: string
  stepId?: string
  draftVersion?: number
  /** Names of multi-select inputs: Teams sends them as one comma-separated string. */
  multi?: string[]
  reference?: string
  questionId?: string
}

function card(lang: Lang, body: CardElement[], actions: CardAction[] = []): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: SCHEMA,
    version: '1.5',
    lang,
    fallbackText: t(lang, 'teams.fallback'),
    body,
    ...(actions.length > 0 ? { actions } : {}),
  }
}

function text(value: string, extra: Partial<TextBlock> = {}): TextBlock {
  return { type: 'TextBlock', text: value, wrap: true, ...extra }
}

/**
 * Escapes what a person typed for the Markdown of Adaptive Card TextBlocks and FactSet values (issue 14
 * §9): a backslash before every character Markdown acts on — emphasis (`*`, `_`, `~`), code, links and
 * images (`[`, `]`, `(`, `)`, `!`), `<`, `>`, `#` and the backslash itself — and before the `-`, `+` or
 * `1.` that would start a list. `[klik](https://…)` then shows as typed instead of as a link.
 */
export function escapeCardMarkdown(value: string): string {
  return value
    .replace(/[\\`*_~[\]()<>#!]/g, '\\$&')
    .replace(/^(\s*)([-+])(?=\s)/gm, '$1\\$2')
    .replace(/^(\s*\d+)\.(?=\s)/gm, '$1\\.')
}

/**
 * A line of copy with every phone number as a Markdown `tel:` link, its dashes and spaces non-breaking:
 * `[0800‑2000](tel:08002000)` — one tap, one line (issue 13 §2). Adaptive Card TextBlocks render Markdown
 * links; docs/teams.md says which Teams clients open `tel:` from them.
 */
export function phoneLinks(line: string): string {
  return linkPhones(line, (shown, tel) => `[${shown}](${tel})`)
}

function heading(value: string): TextBlock {
  return text(value, { style: 'heading', size: 'large', weight: 'bolder' })
}

function submit(title: string, data: CardData, extra: Partial<SubmitAction> = {}): SubmitAction {
  return { type: 'Action.Submit', title, data: { ...data }, ...extra }
}

function langSwitch(lang: Lang, data: Omit<CardData, 'action'>, asCommand: boolean): SubmitAction {
  const other: Lang = lang === 'nl' ? 'en' : 'nl'
  return submit(
    t(lang, 'teams.lang.switchTo'),
    { ...data, action: asCommand ? `cmd:lang:${other}` : `lang:${other}` },
    { associatedInputs: 'none', tooltip: t(lang, 'teams.lang.switchToTitle') },
  )
}

const TONE: Record<NoticeView['tone'], Container['style']> = {
  danger: 'attention',
  warning: 'warning',
  info: 'emphasis',
}

function noticeBlock(notice: NoticeView): Container {
  return {
    type: 'Container',
    id: `notice-${notice.id}`,
    style: TONE[notice.tone],
    bleed: false,
    items: [
      text(phoneLinks(notice.title), { weight: 'bolder' }),
      ...notice.body.map((line) => text(phoneLinks(line))),
    ],
  }
}

function asString(value: FieldView['value']): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function requiredMessage(field: FieldView, lang: Lang): string {
  return field.error ?? t(lang, field.required ? 'teams.errors.required' : 'teams.errors.invalid')
}

/** The key of a list item field: 'what' from 'what' or 'help.history[0].what'. */
function itemKey(name: string): string {
  const at = name.lastIndexOf('].')
  return at >= 0 ? name.slice(at + 2) : (name.split('.').pop() ?? name)
}

/** One input for one field, with its label, requiredness and message (Adaptive Cards 1.3+). */
function buildInput(field: FieldView, lang: Lang, multi: string[]): CardElement {
  const base = {
    id: field.name,
    label: field.label,
    isRequired: field.required,
    errorMessage: requiredMessage(field, lang),
  }
  const value = asString(field.value)
  switch (field.kind) {
    case 'textarea':
      return { type: 'Input.Text', ...base, isMultiline: true, maxLength: 4000, ...(value ? { value } : {}) }
    case 'email':
    case 'tel':
      return { type: 'Input.Text', ...base, style: field.kind, maxLength: 200, ...(value ? { value } : {}) }
    case 'year':
    case 'integer': {
      const n = value === undefined ? Number.NaN : Number(value)
      return {
        type: 'Input.Number',
        ...base,
        ...(field.kind === 'integer' ? { min: 0 } : {}),
        ...(Number.isFinite(n) ? { value: n } : {}),
      }
    }
    case 'date':
      return {
        type: 'Input.Date',
        ...base,
        ...(value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { value } : {}),
      }
    case 'month':
      return {
        type: 'Input.Text',
        ...base,
        placeholder: t(lang, 'teams.month.placeholder'),
        regex: '^\\d{4}-(0[1-9]|1[0-2])$',
        maxLength: 7,
        ...(value ? { value } : {}),
      }
    case 'select':
    case 'radio':
    case 'checkboxes': {
      const isMulti = field.kind === 'checkboxes'
      if (isMulti) multi.push(field.name)
      const selected = Array.isArray(field.value)
        ? (field.value as unknown[]).filter((v): v is string => typeof v === 'string').join(',')
        : value
      const input: ChoiceSetInput = {
        type: 'Input.ChoiceSet',
        ...base,
        choices: (field.options ?? []).map((o) => ({ title: o.label, value: o.value })),
        style: field.kind === 'select' ? 'compact' : 'expanded',
        wrap: true,
        ...(isMulti ? { isMultiSelect: true } : {}),
        ...(selected ? { value: selected } : {}),
      }
      return input
    }
    case 'boolean': {
      // A required yes/no question is asked as two explicit choices: a toggle would silently submit
      // "no" for a question (e.g. acute danger) the referrer skipped.
      if (field.required || field.options?.length) {
        const choices = field.options?.length
          ? field.options.map((o) => ({ title: o.label, value: o.value }))
          : [
              { title: t(lang, 'teams.boolean.yes'), value: 'true' },
              { title: t(lang, 'teams.boolean.no'), value: 'false' },
            ]
        return {
          type: 'Input.ChoiceSet',
          ...base,
          choices,
          style: 'expanded',
          wrap: true,
          ...(value ? { value } : {}),
        }
      }
      return {
        type: 'Input.Toggle',
        ...base,
        title: field.hint ?? field.label,
        valueOn: 'true',
        valueOff: 'false',
        value: value === 'true' ? 'true' : 'false',
        wrap: true,
      }
    }
    default:
      return { type: 'Input.Text', ...base, maxLength: 500, ...(value ? { value } : {}) }
  }
}

function fieldError(message: string): TextBlock {
  return text(`⚠ ${message}`, { color: 'attention', size: 'small', spacing: 'none' })
}

function hint(value: string): TextBlock {
  return text(value, { isSubtle: true, size: 'small', spacing: 'none' })
}

/**
 * A list field (e.g. help history): the rows the view holds (at least one, which may stay empty),
 * and the field's own add/remove buttons.
 */
function buildList(
  field: FieldView,
  lang: Lang,
  multi: string[],
  data: (a: ActionView) => CardData,
): CardElement[] {
  const rows = Array.isArray(field.value) ? (field.value as Record<string, string>[]) : []
  const count = Math.max(rows.length, 1)
  const out: CardElement[] = [text(field.label, { weight: 'bolder' })]
  if (field.hint) out.push(hint(field.hint))
  const removes = new Map(
    (field.actions ?? [])
      .filter((a) => a.id.startsWith('remove:'))
      .map((a) => [Number(a.id.slice(a.id.lastIndexOf(':') + 1)), a]),
  )
  for (let i = 0; i < count; i++) {
    const row = rows[i] ?? {}
    const items: CardElement[] = [
      text(t(lang, 'teams.list.row', { label: field.label, n: i + 1 }), { isSubtle: true, size: 'small' }),
    ]
    for (const item of field.itemFields ?? []) {
      const key = itemKey(item.name)
      const name = `${field.name}[${i}].${key}`
      // Rows are optional as a whole (an all-empty row is ignored): only the first follows the
      // list's own requiredness.
      const cell: FieldView = { ...item, name, value: row[key] ?? null, required: i === 0 && item.required }
      items.push(buildInput(cell, lang, multi))
    }
    const remove = removes.get(i)
    if (remove) items.push({ type: 'ActionSet', actions: [buildAction(remove, data(remove))] })
    out.push({ type: 'Container', id: `${field.name}-row-${i}`, separator: i > 0, items })
  }
  const add = (field.actions ?? []).filter((a) => a.id.startsWith('add:'))
  if (add.length > 0) out.push({ type: 'ActionSet', actions: add.map((a) => buildAction(a, data(a))) })
  if (field.error) out.push(fieldError(field.error))
  return out
}

function buildField(
  field: FieldView,
  lang: Lang,
  multi: string[],
  data: (a: ActionView) => CardData,
  extraError?: string,
): CardElement[] {
  if (field.kind === 'list') return buildList(field, lang, multi, data)
  const error = field.error ?? extraError
  const out: CardElement[] = [buildInput(error ? { ...field, error } : field, lang, multi)]
  if (field.hint && field.kind !== 'boolean') out.push(hint(field.hint))
  if (error) out.push(fieldError(error))
  return out
}

function actionData(action: ActionView, screen: ScreenView, draftVersion: number, multi: string[]): CardData {
  return {
    action: action.id,
    stepId: screen.stepId,
    draftVersion,
    ...(sendsInputs(action.id) ? { multi } : {}),
  }
}

/**
 * Buttons that move forward (and "add a row") send the inputs, which Teams first checks against
 * `isRequired`. Back, later, cancel, edit, remove and notice choices send none: otherwise Teams would
 * refuse "later" until every required field is filled in.
 */
function sendsInputs(actionId: string): boolean {
  return actionId === 'next' || actionId === 'submit' || actionId.startsWith('add:')
}

function buildAction(action: ActionView, data: CardData): SubmitAction {
  return submit(action.label, data, {
    associatedInputs: sendsInputs(action.id) ? 'auto' : 'none',
    ...(action.primary ? { style: 'positive' } : action.id === 'cancel' ? { style: 'destructive' } : {}),
  })
}

export interface StepCardContext {
  /** The draft's version the screen was rendered from: a submit from an older card is recognised. */
  draftVersion: number
}

/**
 * One Adaptive Card for one dialogue screen: progress, title, notices, a summary of errors, one
 * labelled input per field with its inline error, the review (with a change button per section), and
 * the screen's actions plus a language switch. Button data is `{ action, stepId, draftVersion }`.
 */
export function buildStepCard(screen: ScreenView, ctx: StepCardContext): AdaptiveCard {
  const lang = screen.lang
  const multi: string[] = []
  const body: CardElement[] = []
  if (screen.progress.total > 0 && screen.phase === 'step') {
    body.push(text(screen.progress.label, { isSubtle: true, size: 'small' }))
  }
  body.push(heading(screen.title))
  if (screen.intro) body.push(text(screen.intro))
  for (const notice of screen.notices) body.push(noticeBlock(notice))

  const fieldNames = new Set(screen.fields.map((f) => f.name))
  const errorsByField = new Map<string, string>()
  for (const e of screen.errors) {
    if (!errorsByField.has(e.field)) errorsByField.set(e.field, lang === 'en' ? e.en : e.nl)
  }
  if (screen.errors.length > 0) {
    const loose = [...errorsByField.entries()].filter(([field]) => !fieldNames.has(field)).map(([, m]) => m)
    body.push({
      type: 'Container',
      id: 'errors',
      style: 'attention',
      items: [text(t(lang, 'teams.errors.summary'), { weight: 'bolder' }), ...loose.map((m) => text(m))],
    })
  }
  // Row buttons send the inputs typed so far (the dialogue keeps them), so they carry `multi` too.
  const rowData = (a: ActionView) => actionData(a, screen, ctx.draftVersion, multi)
  for (const field of screen.fields) {
    body.push(...buildField(field, lang, multi, rowData, errorsByField.get(field.name)))
  }

  const editActions = new Map(
    screen.actions.filter((a) => a.id.startsWith('edit:')).map((a) => [a.id.slice('edit:'.length), a]),
  )
  if (screen.review) {
    for (const section of screen.review.sections) {
      const items: CardElement[] = [
        text(section.title, { weight: 'bolder' }),
        {
          type: 'FactSet',
          // The values are what the referrer typed: escaped, so they show as typed (issue 14 §9).
          facts: section.rows.map((r) => ({ title: r.label, value: escapeCardMarkdown(r.value) })),
        },
      ]
      const edit = editActions.get(section.stepId)
      if (edit) {
        items.push({
          type: 'ActionSet',
          actions: [
            buildAction(
              { ...edit, label: edit.label || t(lang, 'teams.review.edit') },
              actionData(edit, screen, ctx.draftVersion, []),
            ),
          ],
        })
      }
      body.push({ type: 'Container', id: `review-${section.stepId}`, separator: true, items })
    }
    const decision = screen.review.decision
    const suggestion: CardElement[] = [text(t(lang, 'teams.review.suggestion'), { weight: 'bolder' })]
    if (decision)
      suggestion.push(text(interventionName(lang, decision.primary), { size: 'medium', weight: 'bolder' }))
    // Reasons under the intervention they scored for, shown with its code (issue 13 §11), as on the web.
    const grouped = buildReviewSuggestion(screen.review, lang)
    for (const group of grouped.groups)
      suggestion.push({
        type: 'Container',
        id: `reasons-${group.intervention.replace(/\W/g, '')}`,
        items: [text(group.title, { weight: 'bolder' }), text(group.reasons.map((r) => `- ${r}`).join('\n'))],
      })
    suggestion.push(...grouped.others.slice(decision ? 1 : 0).map((line) => text(line)))
    body.push({ type: 'Container', id: 'suggestion', style: 'emphasis', items: suggestion })
    for (const gate of decision?.gates ?? []) {
      body.push({
        type: 'Container',
        id: `gate-${gate.gate}`,
        style: gate.gate === 'G1' ? 'attention' : 'warning',
        items: [text(lang === 'en' ? gate.en : gate.nl)],
      })
    }
  }
  if (screen.reference) body.push(text(t(lang, 'teams.messages.submitted', { reference: screen.reference })))
  if (screen.receipt) body.push(...receiptBlocks(lang, screen.receipt))

  const actions: CardAction[] = screen.actions
    .filter((a) => !(screen.review && a.id.startsWith('edit:') && editActions.has(a.id.slice(5))))
    .map((a) => buildAction(a, actionData(a, screen, ctx.draftVersion, multi)))
  const open = screen.phase !== 'submitted' && screen.phase !== 'cancelled' && screen.phase !== 'submitting'
  if (open) actions.push(langSwitch(lang, { stepId: screen.stepId, draftVersion: ctx.draftVersion }, false))
  return card(lang, body, actions)
}

/** A plain message as a card (saved for later, stopped, not understood…), with optional buttons. */
export function buildMessageCard(
  lang: Lang,
  message: string,
  commands: TeamsCommand['type'][] = [],
): AdaptiveCard {
  return card(
    lang,
    [text(message)],
    commands.map((c) => commandButton(lang, c)),
  )
}

function commandButton(lang: Lang, command: TeamsCommand['type']): SubmitAction {
  const titles: Record<string, string> = {
    new: t(lang, 'teams.help.newCase'),
    resume: t(lang, 'teams.help.resume'),
    list: t(lang, 'teams.help.myCases'),
  }
  return submit(titles[command] ?? command, { action: `cmd:${command}` }, { associatedInputs: 'none' })
}

/** The help card: what the bot is for, the commands, a privacy reminder and the crisis numbers. */
export function buildHelpCard(lang: Lang): AdaptiveCard {
  return card(
    lang,
    [
      heading(t(lang, 'teams.help.title')),
      text(t(lang, 'teams.help.intro')),
      text(t(lang, 'teams.help.commands')),
      { type: 'Container', style: 'warning', items: [text(t(lang, 'teams.help.privacy'))] },
      {
        type: 'Container',
        style: 'attention',
        items: [text(phoneLinks(t(lang, 'teams.help.crisis')), { weight: 'bolder' })],
      },
    ],
    [
      submit(
        t(lang, 'teams.help.newCase'),
        { action: 'cmd:new' },
        { associatedInputs: 'none', style: 'positive' },
      ),
      submit(t(lang, 'teams.help.resume'), { action: 'cmd:resume' }, { associatedInputs: 'none' }),
      submit(t(lang, 'teams.help.myCases'), { action: 'cmd:list' }, { associatedInputs: 'none' }),
      langSwitch(lang, {}, true),
    ],
  )
}

export interface ReceiptCardInput {
  lang: Lang
  reference: string
  intervention: Intervention
  urgency?: Urgency
  /** The shared explanatory analysis is required and missing (flag `analysis_missing`, gate G5). */
  analysisMissing?: boolean
  /** G1 fired: a call back now, never "within 3 working days". */
  acuteDanger?: boolean
  /** The regional youth crisis service's number (configuration). */
  youthCrisisPhone?: string | null
}

/**
 * The receipt after submit: reference, suggested intervention and urgency, and a button that issues
 * a personal PDF link when pressed. The link is not put in the receipt itself: links live 15 minutes
 * and every issue is audited, so one is made at the moment the referrer wants to read. When the
 * analysis is missing, a second button issues an upload link for it the same way.
 */
export function buildReceiptCard(input: ReceiptCardInput): AdaptiveCard {
  const { lang } = input
  const facts = [
    { title: t(lang, 'teams.receipt.reference'), value: input.reference },
    { title: t(lang, 'teams.receipt.intervention'), value: label(lang, 'intervention', input.intervention) },
    ...(input.urgency
      ? [{ title: t(lang, 'teams.receipt.urgency'), value: label(lang, 'urgency', input.urgency) }]
      : []),
  ]
  return card(
    lang,
    [
      heading(t(lang, 'teams.receipt.title')),
      ...receiptBlocks(
        lang,
        receiptText(lang, {
          acuteDanger: input.acuteDanger === true,
          urgency: input.urgency,
          youthCrisisPhone: input.youthCrisisPhone ?? null,
        }),
      ),
      { type: 'FactSet', facts },
      hint(t(lang, 'teams.receipt.pdfHint')),
      ...(input.analysisMissing
        ? [
            {
              type: 'Container',
              id: 'analysis-missing',
              style: 'warning',
              items: [text(t(lang, 'teams.upload.missing'))],
            } satisfies Container,
          ]
        : []),
    ],
    [
      pdfButton(lang, input.reference),
      ...(input.analysisMissing ? [uploadButton(lang, input.reference)] : []),
    ],
  )
}

function uploadButton(lang: Lang, reference: string): SubmitAction {
  return submit(
    t(lang, 'teams.upload.button'),
    { action: 'cmd:upload', reference },
    { associatedInputs: 'none' },
  )
}

/**
 * A personal, short-lived link where the referrer uploads the shared explanatory analysis of one case
 * in the browser. Only ever sent into that referrer's own 1:1 chat.
 */
export function buildUploadLinkCard(
  lang: Lang,
  reference: string,
  url: string,
  expires: string,
): AdaptiveCard {
  return card(
    lang,
    [
      text(t(lang, 'teams.upload.linkReady', { reference }), { weight: 'bolder' }),
      hint(t(lang, 'teams.upload.linkExpiry', { expires })),
      hint(t(lang, 'teams.upload.privacy')),
    ],
    [{ type: 'Action.OpenUrl', title: t(lang, 'teams.upload.button'), url }],
  )
}

/**
 * What happens next after a submit (a call back now for a spoedmelding, never "within 3 working days") and,
 * for an urgent report, 112, Veilig Thuis and the crisis service; numbers as `tel:` links kept on one line.
 */
function receiptBlocks(lang: Lang, receipt: ReceiptText): CardElement[] {
  const next = text(phoneLinks(receipt.next), {
    weight: receipt.crisis.length ? 'bolder' : 'default',
  })
  if (receipt.crisis.length === 0) return [next]
  return [
    next,
    {
      type: 'Container',
      id: 'receipt-crisis',
      style: 'attention',
      items: [
        text(t(lang, 'dialogue.receipt.crisisTitle'), { weight: 'bolder' }),
        ...receipt.crisis.map((line) => text(phoneLinks(line))),
      ],
    },
  ]
}

/**
 * The answer to "stop" on the acute-danger notice (G1): the intake is stopped, and the crisis lines
 * stay in view (112, Veilig Thuis, the crisis service, "this is not a report"), as on the web.
 */
export function buildCrisisStopCard(lang: Lang, phone = ''): AdaptiveCard {
  return card(
    lang,
    [
      text(t(lang, 'teams.messages.cancelled')),
      {
        type: 'Container',
        id: 'notice-G1',
        style: 'attention',
        items: [
          text(t(lang, 'dialogue.notices.G1.title'), { weight: 'bolder' }),
          ...(['call112', 'veiligThuis', 'crisis', 'notAReport'] as const).map((k) =>
            text(phoneLinks(noticeLine(lang, `dialogue.notices.G1.${k}`, {}, phone))),
          ),
        ],
      },
    ],
    [commandButton(lang, 'new')],
  )
}

function pdfButton(lang: Lang, reference: string): SubmitAction {
  return submit(
    t(lang, 'teams.receipt.openPdf'),
    { action: 'cmd:pdf', reference },
    { associatedInputs: 'none', style: 'positive' },
  )
}

/** A personal, short-lived link to the intake PDF of one case. */
export function buildPdfLinkCard(lang: Lang, reference: string, url: string, expires: string): AdaptiveCard {
  return card(
    lang,
    [
      text(t(lang, 'teams.receipt.linkReady', { reference }), { weight: 'bolder' }),
      hint(t(lang, 'teams.receipt.linkExpiry', { expires })),
    ],
    [{ type: 'Action.OpenUrl', title: t(lang, 'teams.receipt.openPdf'), url }],
  )
}

export interface StatusCardInput {
  lang: Lang
  reference: string
  /** A case status from src/domain/lifecycle.ts (labels in lifecycle copy). */
  status: string
  intervention?: Intervention
  /** The chair's reason (a short, non-identifying note), if any. */
  reason?: string
  /** Table date, already formatted for the reader. */
  scheduledFor?: string
}

/** A proactive update when the case status changes. */
export function buildStatusCard(input: StatusCardInput): AdaptiveCard {
  const { lang } = input
  const body: CardElement[] = [
    heading(t(lang, 'teams.status.title', { reference: input.reference })),
    text(t(lang, 'teams.status.body', { status: t(lang, `lifecycle.statuses.${input.status}`) })),
  ]
  if (input.intervention) {
    body.push({
      type: 'FactSet',
      facts: [
        {
          title: t(lang, 'teams.receipt.intervention'),
          value: label(lang, 'intervention', input.intervention),
        },
      ],
    })
  }
  if (input.scheduledFor) body.push(text(t(lang, 'teams.status.scheduledFor', { date: input.scheduledFor })))
  if (input.reason) {
    body.push({
      type: 'Container',
      style: 'emphasis',
      items: [
        text(t(lang, 'teams.status.reason'), { weight: 'bolder' }),
        text(escapeCardMarkdown(input.reason)),
      ],
    })
  }
  return card(lang, body)
}

export interface QuestionCardInput {
  lang: Lang
  reference: string
  questionId: string
  /** The chair's question, written for the referrer of this case only. */
  question: string
}

/** A question from the chair, answered on the card itself; the answer goes to the case timeline. */
export function buildQuestionCard(input: QuestionCardInput): AdaptiveCard {
  const { lang } = input
  return card(
    lang,
    [
      heading(t(lang, 'teams.question.title', { reference: input.reference })),
      text(t(lang, 'teams.question.intro')),
      { type: 'Container', style: 'emphasis', items: [text(escapeCardMarkdown(input.question))] },
      {
        type: 'Input.Text',
        id: 'answer',
        label: t(lang, 'teams.question.answerLabel'),
        isRequired: true,
        errorMessage: t(lang, 'teams.question.answerRequired'),
        isMultiline: true,
        maxLength: 4000,
      },
      hint(t(lang, 'teams.question.privacy')),
    ],
    [
      submit(
        t(lang, 'teams.question.send'),
        { action: 'answer', reference: input.reference, questionId: input.questionId },
        { associatedInputs: 'auto', style: 'positive' },
      ),
    ],
  )
}

export type ReminderKind = 'draft' | 'info' | 'analysis'

export interface ReminderCardInput {
  lang: Lang
  kind: ReminderKind
  /** Absent for a draft reminder (a draft has no reference yet). */
  reference?: string
}

/** A reminder: an unfinished draft, an open question from the chair, or the missing shared analysis. */
export function buildReminderCard(input: ReminderCardInput): AdaptiveCard {
  const { lang, kind } = input
  const params = { reference: input.reference ?? '' }
  const body = [
    heading(t(lang, `teams.reminder.${kind}Title`, params)),
    text(t(lang, `teams.reminder.${kind}Body`, params)),
  ]
  const actions: SubmitAction[] =
    kind === 'analysis' && input.reference
      ? [uploadButton(lang, input.reference), commandButton(lang, 'list')]
      : kind === 'draft'
        ? [
            submit(
              t(lang, 'teams.reminder.resume'),
              { action: 'cmd:resume' },
              { associatedInputs: 'none', style: 'positive' },
            ),
          ]
        : [commandButton(lang, 'list')]
  return card(lang, body, actions)
}

export interface CaseListItem {
  reference: string
  intervention: Intervention
  status: string
}

/** "My cases": this referrer's own cases by reference, intervention and status. */
export function buildMyCasesCard(lang: Lang, cases: CaseListItem[], hasDraft: boolean): AdaptiveCard {
  const body: CardElement[] = [heading(t(lang, 'teams.myCases.title'))]
  if (cases.length === 0) body.push(text(t(lang, 'teams.myCases.empty')))
  else {
    body.push({
      type: 'FactSet',
      facts: cases.map((c) => ({
        title: c.reference,
        value: t(lang, 'teams.myCases.row', {
          intervention: label(lang, 'intervention', c.intervention),
          status: t(lang, `lifecycle.statuses.${c.status}`),
        }),
      })),
    })
  }
  if (hasDraft) body.push(text(t(lang, 'teams.myCases.draft'), { color: 'accent' }))
  return card(lang, body, hasDraft ? [commandButton(lang, 'resume')] : [commandButton(lang, 'new')])
}

/** What a card button meant. "Later" is a dialogue `save` event. */
export type CardSubmit =
  | { kind: 'dialogue'; event: DialogueEvent; stepId: string; draftVersion: number }
  | { kind: 'command'; command: TeamsCommand }
  | { kind: 'answer'; reference: string; questionId: string; answer: string }
  /** "Upload analysis" on a receipt or reminder: issue an upload link for this case. */
  | { kind: 'upload'; reference: string }
  /** The follow-up card's answers (issue 15 §1): the inputs as typed, checked by the domain. */
  | { kind: 'followUp'; reference: string; values: Record<string, string> }

const RESERVED = new Set([
  'action',
  'stepId',
  'draftVersion',
  'multi',
  'reference',
  'questionId',
  // Never copied: assigning these would change the values object itself, not add a field.
  '__proto__',
  'constructor',
  'prototype',
])

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return undefined
}

/**
 * Reads the `value` of a card submit (button data merged with the inputs) into a neutral event.
 * Inputs come back as strings, as typed; multi-selects are split into arrays. Returns `null` for
 * anything that is not one of this bot's buttons.
 */
export function parseCardSubmit(activity: { value?: unknown }): CardSubmit | null {
  const value = activity.value
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const v = value as Record<string, unknown>
  const action = typeof v.action === 'string' ? v.action : undefined
  if (!action) return null

  if (action.startsWith('cmd:')) {
    const rest = action.slice(4)
    if (rest === 'pdf') {
      const reference = str(v.reference)
      return reference ? { kind: 'command', command: { type: 'pdf', reference } } : null
    }
    if (rest === 'upload') {
      const reference = str(v.reference)
      return reference ? { kind: 'upload', reference } : null
    }
    if (rest === 'lang:nl' || rest === 'lang:en')
      return { kind: 'command', command: { type: 'lang', lang: rest.slice(5) as Lang } }
    if (rest === 'new' || rest === 'resume' || rest === 'list' || rest === 'help' || rest === 'stop')
      return { kind: 'command', command: { type: rest } }
    return null
  }
  if (action === 'followUp') {
    const reference = str(v.reference)
    if (!reference) return null
    const values: Record<string, string> = {}
    for (const name of FOLLOW_UP_INPUTS) {
      const typed = str(v[name])
      if (typed !== undefined) values[name] = typed
    }
    return { kind: 'followUp', reference, values }
  }
  if (action === 'answer') {
    const reference = str(v.reference)
    const questionId = str(v.questionId)
    const answer = str(v.answer)?.trim()
    if (!reference || !questionId || answer === undefined) return null
    return { kind: 'answer', reference, questionId, answer }
  }

  const stepId = str(v.stepId)
  const draftVersion = typeof v.draftVersion === 'number' ? v.draftVersion : Number(str(v.draftVersion))
  if (!stepId || !Number.isInteger(draftVersion)) return null
  const event = eventOf(action, stepId, v)
  return event ? { kind: 'dialogue', event, stepId, draftVersion } : null
}

/** The input values of a submit: strings as typed, multi-selects as arrays, button data left out. */
function inputValues(v: Record<string, unknown>): Record<string, unknown> {
  const multi = new Set(
    Array.isArray(v.multi) ? v.multi.filter((m): m is string => typeof m === 'string') : [],
  )
  const values: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(v)) {
    if (RESERVED.has(key)) continue
    const s = str(raw)
    if (s === undefined) continue
    values[key] = multi.has(key)
      ? s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : s
  }
  // A multi-select left empty is not sent by Teams at all: it still means "none chosen".
  for (const name of multi) if (!RESERVED.has(name) && !Object.hasOwn(values, name)) values[name] = []
  return values
}

/** Button ids are the dialogue's own action ids (`eventFromAction`), plus the language switch. */
function eventOf(action: string, stepId: string, v: Record<string, unknown>): DialogueEvent | null {
  if (action === 'lang:nl' || action === 'lang:en') return { type: 'setLang', lang: action.slice(5) as Lang }
  return eventFromAction(action, stepId, inputValues(v))
}

/** Wraps a card as a Bot Framework message activity. */
export function buildCardActivity(content: AdaptiveCard): {
  type: 'message'
  attachments: { contentType: string; content: AdaptiveCard }[]
} {
  return { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content }] }
}
