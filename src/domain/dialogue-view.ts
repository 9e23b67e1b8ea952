import { interventionName, label, t } from './copy'
import { noticeLine, receiptText } from './crisis'
import { buildIntakeWith, holds, indexOf, maybe, rawFromAnswers, type Walk, walk } from './dialogue-core'
import { RAW_TEXT_CAP, type RawValues, rawValuesFor, rowCount, rowKey, toDisplay } from './dialogue-fields'
import type {
  ActionView,
  DraftState,
  FieldError,
  FieldView,
  NoticeView,
  OptionView,
  ReviewSection,
  ScreenView,
  ViewInput,
} from './dialogue-types'
import { ENUMS, type Lang, type Urgency } from './enums'
import { LIMITS } from './intake'
import { route } from './routing'
import { DEFAULT_RULES, type RuleSet } from './rules'
import type { InlineNotice, IntakeScript, ItemField, ScriptField, ScriptStep } from './script'
import type { RoutingDecision } from './types'

/**
 * The neutral screen of a draft (DESIGN.md §2): what every surface renders. Pure; `input` is the
 * refused input of the last `answer` (see ViewInput) so a surface can show it back with its errors.
 */
export function view(
  state: DraftState,
  script: IntakeScript,
  now: Date,
  rules: RuleSet = DEFAULT_RULES,
  input?: ViewInput,
  options: ViewOptions = {},
): ScreenView {
  const lang = state.lang
  const phone = options.youthCrisisPhone
  const w = walk(script, state.answers, state.flow, lang, now)
  const params = paramsOf(w)
  const base = {
    phase: state.phase,
    stepId: state.stepId,
    lang,
    fields: [],
    notices: [],
    actions: [],
    errors: [],
  }
  switch (state.phase) {
    case 'step': {
      const step = indexOf(script).steps.get(state.stepId)?.step ?? w.steps[0]!
      return stepView(state, step, script, w, lang, params, input)
    }
    case 'notice': {
      const gate = indexOf(script).gates.get(state.stepId)
      if (!gate)
        return {
          ...base,
          title: t(lang, 'dialogue.common.unknown'),
          progress: progressOf(state, w, lang, script),
        }
      return {
        ...base,
        title: t(lang, gate.title, params),
        progress: progressOf(state, w, lang, script),
        notices: [
          {
            id: gate.id,
            tone: gate.tone,
            title: t(lang, gate.title, params),
            body: gate.body.map((k) => noticeLine(lang, k, params, phone)),
          },
        ],
        actions: [
          ...gate.choices.map((c) => ({
            id: `choose:${gate.id}:${c.id}`,
            label: t(lang, c.label, params),
            ...(c.primary ? { primary: true } : {}),
          })),
          { id: 'back', label: t(lang, 'dialogue.actions.back') },
        ],
      }
    }
    case 'review':
      return reviewView(state, script, w, lang, params, now, rules)
    case 'submitting':
      return {
        ...base,
        title: t(lang, 'dialogue.submitting.title'),
        intro: t(lang, 'dialogue.submitting.intro'),
        progress: progressOf(state, w, lang, script),
        notices: banners(script, w, lang, params),
      }
    case 'submitted':
      return {
        ...base,
        title: t(lang, 'dialogue.submitted.title'),
        intro: t(lang, 'dialogue.submitted.intro', { reference: state.reference ?? '' }),
        progress: progressOf(state, w, lang, script),
        notices: banners(script, w, lang, params),
        ...(state.reference ? { reference: state.reference } : {}),
        receipt: receiptText(lang, {
          acuteDanger: state.answers.acuteDanger === true,
          urgency: urgencyOf(state.answers.urgency),
          youthCrisisPhone: phone ?? null,
        }),
      }
    default: {
      // Cancelled. Whoever answered "acute danger" and stopped still sees where to call.
      const crisis = script.gates.find((g) => g.after === script.steps[0]!.id && g.tone === 'danger')
      const notices: NoticeView[] =
        state.answers.acuteDanger === true && crisis
          ? [
              {
                id: crisis.id,
                tone: 'danger',
                title: t(lang, crisis.title),
                body: crisis.body.map((k) => noticeLine(lang, k, {}, phone)),
              },
            ]
          : []
      return {
        ...base,
        title: t(lang, 'dialogue.cancelled.title'),
        intro: t(lang, 'dialogue.cancelled.intro'),
        progress: progressOf(state, w, lang, script),
        notices,
      }
    }
  }
}

/** Deployment settings a screen shows (configuration, not answers). */
export interface ViewOptions {
  /** The regional youth crisis service's number (`YOUTH_CRISIS_PHONE`); empty = "your own crisis procedure". */
  youthCrisisPhone?: string
}

function urgencyOf(value: unknown): Urgency | null {
  return typeof value === 'string' && (ENUMS.urgency as readonly string[]).includes(value)
    ? (value as Urgency)
    : null
}

function paramsOf(w: Walk): Record<string, string | number> {
  const age = w.context.$age
  return typeof age === 'number' ? { age } : {}
}

/**
 * The steps progress counts: those that apply, and those that may still apply once an answer not given yet is
 * known (the safety follow-up before the signals are answered, school before the birth year). Answers only
 * remove steps from this count, so "Stap 3 van 12" never becomes "Stap 4 van 13" while moving forward.
 */
function countedSteps(script: IntakeScript, state: DraftState, w: Walk): ScriptStep[] {
  const unknown = new Set<string>()
  for (const step of script.steps)
    for (const field of step.fields)
      if (state.answers[field.path] === undefined) {
        unknown.add(field.path)
        if (field.path === 'child.birthYear') unknown.add('$age')
      }
  const applying = new Set(w.steps.map((s) => s.id))
  return script.steps.filter((s) => applying.has(s.id) || maybe(s.showIf, w.context, unknown) !== false)
}

/** "Stap 3 van 12": the steps that apply or may still apply to this draft count. */
function progressOf(state: DraftState, w: Walk, lang: Lang, script: IntakeScript): ScreenView['progress'] {
  const steps = countedSteps(script, state, w)
  const total = steps.length
  const at = state.phase === 'step' ? state.stepId : state.phase === 'notice' ? state.from : null
  const index = at === null ? -1 : steps.findIndex((s) => s.id === at)
  if (index < 0) return { current: total, total, label: t(lang, 'dialogue.progress.review') }
  return {
    current: index + 1,
    total,
    label: t(lang, 'dialogue.progress.step', { current: index + 1, total }),
  }
}

function inline(notice: InlineNotice, lang: Lang, params: Record<string, string | number>): NoticeView {
  return {
    id: notice.id,
    tone: notice.tone,
    title: t(lang, notice.title, params),
    body: notice.body.map((k) => t(lang, k, params)),
  }
}

function banners(
  script: IntakeScript,
  w: Walk,
  lang: Lang,
  params: Record<string, string | number>,
): NoticeView[] {
  return (script.banners ?? []).filter((b) => holds(b.showIf, w.context)).map((b) => inline(b, lang, params))
}

function optionsOf(field: ItemField, lang: Lang): OptionView[] | undefined {
  if (field.kind === 'boolean')
    return [
      { value: 'true', label: t(lang, 'dialogue.common.yes') },
      { value: 'false', label: t(lang, 'dialogue.common.no') },
    ]
  if (!field.enum) return undefined
  const options = (field.options ?? (ENUMS[field.enum] as readonly string[])).map((v) => ({
    value: v,
    label: label(lang, field.enum!, v),
  }))
  // An optional single choice can be left empty; say what empty means.
  if (!field.required && field.kind !== 'checkboxes')
    return [{ value: '', label: t(lang, `${field.label.replace(/\.label$/, '')}.empty`) }, ...options]
  return options
}

function errorFor(errors: FieldError[], name: string, lang: Lang): string | undefined {
  const found = errors.find((e) => e.field === name)
  return found ? found[lang] : undefined
}

function itemView(item: ItemField, lang: Lang): FieldView {
  const options = optionsOf(item, lang)
  return {
    name: item.path,
    kind: item.kind,
    label: t(lang, item.label),
    ...(item.hint ? { hint: t(lang, item.hint) } : {}),
    required: item.required,
    ...(options ? { options } : {}),
    value: null,
  }
}

function listView(
  field: ScriptField,
  raw: RawValues,
  rows: number,
  lang: Lang,
  errors: FieldError[],
): Pick<FieldView, 'value' | 'itemFields' | 'maxItems' | 'actions' | 'error'> {
  const items = field.items ?? []
  const max = field.maxItems ?? LIMITS.historyEntries
  const value: Record<string, string>[] = []
  for (let i = 0; i < rows; i++) {
    const row: Record<string, string> = {}
    for (const item of items) {
      const v = raw[rowKey(field.path, i, item.path)]
      row[item.path] = v === undefined ? '' : typeof v === 'string' ? v : v.join(', ')
    }
    value.push(row)
  }
  const actions: ActionView[] = value.map((_, i) => ({
    id: `remove:${field.path}:${i}`,
    label: t(lang, 'dialogue.actions.removeRow', { row: i + 1 }),
  }))
  if (rows < max) actions.push({ id: `add:${field.path}`, label: t(lang, 'dialogue.actions.addRow') })
  const error = errorFor(errors, field.path, lang)
  return {
    value,
    itemFields: items.map((i) => itemView(i, lang)),
    maxItems: max,
    actions,
    ...(error ? { error } : {}),
  }
}

function stepView(
  state: DraftState,
  step: ScriptStep,
  script: IntakeScript,
  w: Walk,
  lang: Lang,
  params: Record<string, string | number>,
  input: ViewInput | undefined,
): ScreenView {
  const errors = input?.errors ?? []
  const raw: RawValues = input
    ? rawValuesFor(step, input.values, RAW_TEXT_CAP)
    : state.pending?.stepId === step.id
      ? state.pending.values
      : rawFromAnswers(step, state.answers)
  // Fields whose condition reads another field of this same screen are shown (the user may still change
  // that answer); they are only required once their condition is known to hold.
  const onScreen = new Set(step.fields.map((f) => f.path))
  const fields: FieldView[] = []
  for (const field of step.fields) {
    const applies = maybe(field.showIf, w.context, onScreen)
    if (applies === false) continue
    const options = optionsOf(field, lang)
    const error = errorFor(errors, field.path, lang)
    // true: required now; null: required once an answer on this screen makes it so; false: optional
    const requiredHere: boolean | null = field.required
      ? true
      : field.requiredIf === undefined
        ? false
        : maybe(field.requiredIf, w.context, onScreen)
    const view: FieldView = {
      name: field.path,
      kind: field.kind,
      label: t(lang, field.label, params),
      ...(field.hint ? { hint: t(lang, field.hint, params) } : {}),
      required: applies === true && requiredHere === true,
      ...(requiredHere !== false && !(applies === true && requiredHere === true)
        ? { requiredWhenApplies: true }
        : {}),
      ...(options ? { options } : {}),
      value: field.kind === 'checkboxes' ? toCheckboxes(raw[field.path]) : textOf(raw[field.path]),
      ...(error ? { error } : {}),
    }
    if (field.kind === 'list') {
      const rows = Math.max(
        1,
        rowCount(raw, field.path),
        state.pending?.stepId === step.id ? (state.pending.rows[field.path] ?? 0) : 0,
      )
      Object.assign(view, listView(field, raw, rows, lang, errors))
    }
    fields.push(view)
  }
  const first = w.steps[0]?.id === step.id
  const actions: ActionView[] = [
    { id: 'next', label: t(lang, 'dialogue.actions.next'), primary: true },
    ...(first ? [] : [{ id: 'back', label: t(lang, 'dialogue.actions.back') }]),
    { id: 'later', label: t(lang, 'dialogue.actions.later') },
    { id: 'cancel', label: t(lang, 'dialogue.actions.cancel') },
  ]
  return {
    phase: 'step',
    stepId: step.id,
    lang,
    title: t(lang, step.title, params),
    ...(step.intro ? { intro: t(lang, step.intro, params) } : {}),
    progress: progressOf(state, w, lang, script),
    fields,
    notices: [
      ...banners(script, w, lang, params),
      ...(step.notices ?? []).filter((n) => holds(n.showIf, w.context)).map((n) => inline(n, lang, params)),
    ],
    actions,
    errors,
  }
}

function textOf(raw: string | string[] | undefined): string | null {
  if (raw === undefined) return null
  return typeof raw === 'string' ? raw : (raw[0] ?? null)
}

function toCheckboxes(raw: string | string[] | undefined): string[] {
  if (raw === undefined) return []
  return typeof raw === 'string' ? (raw === '' ? [] : [raw]) : raw
}

function reviewRows(step: ScriptStep, state: DraftState, w: Walk, lang: Lang): ReviewSection['rows'] {
  const rows: ReviewSection['rows'] = []
  for (const field of step.fields) {
    if (!w.fields.has(field.path)) continue
    const value = state.answers[field.path]
    if (field.kind !== 'list') {
      rows.push({ label: t(lang, field.label), value: toDisplay(lang, field, value) })
      continue
    }
    const list = Array.isArray(value) ? (value as Record<string, unknown>[]) : []
    if (list.length === 0) rows.push({ label: t(lang, field.label), value: t(lang, 'dialogue.common.none') })
    list.forEach((row, index) => {
      const text = (field.items ?? [])
        .filter((item) => row[item.path] !== null && row[item.path] !== undefined && row[item.path] !== '')
        .map((item) => toDisplay(lang, item, row[item.path]))
        .join(' · ')
      rows.push({
        label: t(lang, 'dialogue.common.rowTitle', { list: t(lang, field.label), row: index + 1 }),
        value: text,
      })
    })
  }
  return rows
}

function summaryOf(decision: RoutingDecision, lang: Lang): string[] {
  const lines = [
    t(lang, 'dialogue.review.suggestion', { intervention: interventionName(lang, decision.primary) }),
  ]
  // Why this route: the reasons of the suggested intervention, each naming its field.
  for (const reason of decision.reasons)
    if (reason.intervention === decision.primary) lines.push(reason[lang])
  if (decision.alternatives.length > 0)
    lines.push(
      t(lang, 'dialogue.review.alternatives', {
        list: decision.alternatives.map((a) => interventionName(lang, a)).join(', '),
      }),
    )
  for (const gate of decision.gates) lines.push(gate[lang])
  if (decision.missing.includes('analysis')) lines.push(t(lang, 'dialogue.review.missingAnalysis'))
  lines.push(t(lang, 'dialogue.review.chairDecides'))
  return lines
}

function reviewView(
  state: DraftState,
  script: IntakeScript,
  w: Walk,
  lang: Lang,
  params: Record<string, string | number>,
  now: Date,
  rules: RuleSet,
): ScreenView {
  const sections: ReviewSection[] = w.steps.map((s) => ({
    stepId: s.id,
    title: t(lang, s.title, params),
    rows: reviewRows(s, state, w, lang),
  }))
  const built = buildIntakeWith(script, state, now)
  const decision = built.ok ? route(built.value, rules, now) : null
  const errors: FieldError[] = built.ok
    ? []
    : built.errors.map((e) => ({ field: e.path, nl: e.nl, en: e.en }))
  const notices: NoticeView[] = banners(script, w, lang, params)
  if (w.context.consultationOnly === true && state.flow === 'regular')
    notices.push({
      id: 'consultation',
      tone: 'info',
      title: t(lang, 'dialogue.review.consultationTitle'),
      body: [t(lang, 'dialogue.review.consultationBody')],
    })
  const actions: ActionView[] = [
    ...(decision ? [{ id: 'submit', label: t(lang, 'dialogue.actions.submit'), primary: true }] : []),
    ...sections.map((s) => ({
      id: `edit:${s.stepId}`,
      label: t(lang, 'dialogue.actions.edit', { step: s.title }),
    })),
    { id: 'back', label: t(lang, 'dialogue.actions.back') },
    { id: 'later', label: t(lang, 'dialogue.actions.later') },
    { id: 'cancel', label: t(lang, 'dialogue.actions.cancel') },
  ]
  return {
    phase: 'review',
    stepId: 'review',
    lang,
    title: t(lang, 'dialogue.review.title'),
    intro: t(lang, 'dialogue.review.intro'),
    progress: progressOf(state, w, lang, script),
    fields: [],
    notices,
    actions,
    errors,
    review: {
      sections,
      decision,
      summary: decision ? summaryOf(decision, lang) : [t(lang, 'dialogue.review.incomplete')],
    },
  }
}
