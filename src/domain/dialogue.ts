import {
  buildIntakeWith,
  dueGate,
  holds,
  indexOf,
  isComplete,
  rawFromAnswers,
  requiredNow,
  type Walk,
  walk,
  withPath,
} from './dialogue-core'
import {
  fieldError,
  fitsIntake,
  localToday,
  parseValue,
  RAW_TEXT_CAP,
  type RawValues,
  rawValuesFor,
  rowCount,
  rowKey,
  withoutRow,
} from './dialogue-fields'
import type {
  DialogueEffect,
  DialogueEvent,
  DraftPhase,
  DraftState,
  FieldError,
  PendingInput,
  StepResult,
} from './dialogue-types'
import type { Lang } from './enums'
import { ageOf, type Intake, LIMITS, type ParseResult } from './intake'
import { route } from './routing'
import { DEFAULT_RULES, type RuleSet } from './rules'
import {
  DEFAULT_SCRIPT,
  type GateNotice,
  type IntakeScript,
  type ScriptField,
  type ScriptStep,
} from './script'

export { type ViewOptions, view } from './dialogue-view'

/**
 * The intake dialogue as a pure state machine (DOMAIN.md §2–4, DESIGN.md §2). Every surface turns user
 * input into a DialogueEvent, the draft's single writer applies `step`, and the surface renders `view`.
 * Time is a parameter. Stale or repeated events (double clicks, retried deliveries) are no-ops that
 * return the very same state object, so `version` only moves when something changed.
 */

/** A new draft, on the first step of the script. */
export function newDraft(
  draftId: string,
  lang: Lang,
  now: Date,
  script: IntakeScript = DEFAULT_SCRIPT,
): DraftState {
  const at = now.toISOString()
  return {
    version: 0,
    draftId,
    lang,
    phase: 'step',
    stepId: script.steps[0]!.id,
    answers: {},
    trail: [],
    acknowledged: [],
    flow: 'regular',
    from: null,
    returnToReview: false,
    pending: null,
    startedAt: at,
    updatedAt: at,
    reference: null,
  }
}

/** The canonical intake a draft's answers make (fields that do not apply take the script's defaults). */
export function buildIntake(
  state: DraftState,
  now: Date,
  script: IntakeScript = DEFAULT_SCRIPT,
): ParseResult<Intake> {
  return buildIntakeWith(script, state, now)
}

const FINISHED: readonly DraftPhase[] = ['submitting', 'submitted', 'cancelled']

function unchanged(state: DraftState, errors: FieldError[] = [], effects: DialogueEffect[] = []): StepResult {
  return { state, effects, errors }
}

function changed(
  state: DraftState,
  patch: Partial<DraftState>,
  now: Date,
  effects: DialogueEffect[] = [],
): StepResult {
  return {
    state: { ...state, ...patch, version: state.version + 1, updatedAt: now.toISOString() },
    effects,
    errors: [],
  }
}

type Place = Pick<DraftState, 'phase' | 'stepId' | 'from'>

/**
 * Where the dialogue goes after `fromStep` was answered (or a notice about it was settled): a gate notice
 * that is due, else the next step (or, when editing from the review, the first step still incomplete),
 * else the review.
 */
function nextPlace(script: IntakeScript, state: DraftState, w: Walk, fromStep: string): Place {
  const gate = dueGate(script, state, w)
  if (gate) return { phase: 'notice', stepId: gate.id, from: fromStep }
  const index = indexOf(script).steps.get(fromStep)?.index ?? -1
  const incomplete = w.steps.find((s) => !isComplete(s, state, w))
  if (!state.returnToReview) {
    const next = w.steps.find((s) => (indexOf(script).steps.get(s.id)?.index ?? -1) > index)
    if (next) return { phase: 'step', stepId: next.id, from: null }
  }
  if (incomplete) return { phase: 'step', stepId: incomplete.id, from: null }
  return { phase: 'review', stepId: 'review', from: null }
}

/** Applies one event. Pure: the same state, event, script and time always give the same result. */
export function step(
  state: DraftState,
  event: DialogueEvent,
  script: IntakeScript,
  now: Date,
  rules: RuleSet = DEFAULT_RULES,
): StepResult {
  switch (event.type) {
    case 'setLang':
    case 'start':
      return event.lang === undefined ||
        event.lang === state.lang ||
        (event.lang !== 'nl' && event.lang !== 'en') ||
        state.phase === 'submitted' ||
        state.phase === 'cancelled'
        ? unchanged(state)
        : changed(state, { lang: event.lang }, now)
    case 'answer':
      return onAnswer(state, event.stepId, event.values, script, now)
    case 'save':
      return onSave(state, event.stepId, event.values, script, now)
    case 'addRow':
    case 'removeRow':
      return onRow(state, event, script, now)
    case 'back':
      return onBack(state, script, now)
    case 'edit': {
      if (state.phase !== 'review') return unchanged(state)
      const w = walk(script, state.answers, state.flow, state.lang, now)
      if (!w.steps.some((s) => s.id === event.stepId)) return unchanged(state)
      return changed(
        state,
        { phase: 'step', stepId: event.stepId, from: null, returnToReview: true, pending: null },
        now,
      )
    }
    case 'choose':
      return onChoose(state, event.noticeId, event.choice, script, now)
    case 'cancel':
      if (FINISHED.includes(state.phase)) return unchanged(state)
      return changed(state, { phase: 'cancelled', pending: null }, now, [{ type: 'cancelled' }])
    case 'submit':
      return onSubmit(state, script, now, rules)
    case 'submitted':
      if (state.phase !== 'submitting' || typeof event.reference !== 'string' || event.reference === '')
        return unchanged(state)
      return changed(state, { phase: 'submitted', reference: event.reference.slice(0, 40) }, now)
    default:
      return unchanged(state)
  }
}

function currentStep(state: DraftState, stepId: string, script: IntakeScript): ScriptStep | undefined {
  if (state.phase !== 'step' || state.stepId !== stepId) return undefined
  return indexOf(script).steps.get(stepId)?.step
}

/** Parses and validates the raw values of one step. Fields that do not apply are left out (and cleared). */
export function parseStepValues(
  step: ScriptStep,
  raw: RawValues,
  state: DraftState,
  script: IntakeScript,
  now: Date,
): { values: Record<string, unknown>; cleared: string[]; errors: FieldError[] } {
  // Conditions inside the step read what is being answered now (set below, in field order), not an
  // earlier answer of this step; the cached walk context itself is never changed (copy on write).
  let context = walk(script, state.answers, state.flow, state.lang, now).context
  const today = localToday(now)
  const values: Record<string, unknown> = {}
  const cleared: string[] = []
  const errors: FieldError[] = []
  for (const field of step.fields) {
    if (!holds(field.showIf, context)) {
      cleared.push(field.path)
      continue
    }
    const result =
      field.kind === 'list'
        ? parseList(field, raw, today)
        : parseScalar(field, raw, today, requiredNow(field, context))
    if (result.errors.length > 0) {
      errors.push(...result.errors)
      continue
    }
    const implausible = implausibleValue(field, result.value, context, now)
    if (implausible) {
      errors.push(implausible)
      continue
    }
    values[field.path] = result.value
    context = withPath(context, field.path, result.value)
    if (field.path === 'child.birthYear' && typeof result.value === 'number')
      context.$age = ageOf(result.value, now)
  }
  return { values, cleared, errors }
}

/**
 * Values that parse but cannot be true for this child (DOMAIN.md §4): an age outside 0–23 from the birth year,
 * or more months without progress than the child has lived.
 */
function implausibleValue(
  field: ScriptField,
  value: unknown,
  context: Record<string, unknown>,
  now: Date,
): FieldError | null {
  if (field.path === 'child.birthYear' && typeof value === 'number') {
    const age = ageOf(value, now)
    if (age > LIMITS.maxAge) return fieldError(field.path, 'ageRange', field, { age, max: LIMITS.maxAge })
  }
  const age = context.$age
  if (field.path === 'help.monthsWithoutProgress' && typeof value === 'number' && typeof age === 'number') {
    if (value > (age + 1) * 12) return fieldError(field.path, 'monthsBeyondAge', field, { age })
  }
  return null
}

function parseScalar(
  field: ScriptField,
  raw: RawValues,
  today: string,
  required: boolean,
): { value: unknown; errors: FieldError[] } {
  const outcome = parseValue(field, raw[field.path], required, today)
  if (!outcome.ok)
    return { value: undefined, errors: [fieldError(field.path, outcome.key, field, outcome.params)] }
  // A field with its own options (a region's municipalities) is checked against them; the intake is checked whole.
  if (!field.options && !fitsIntake(field.path, outcome.value))
    return { value: undefined, errors: [fieldError(field.path, 'invalid', field)] }
  return { value: outcome.value, errors: [] }
}

function parseList(
  field: ScriptField,
  raw: RawValues,
  today: string,
): { value: unknown; errors: FieldError[] } {
  const items = field.items ?? []
  const rows: Record<string, unknown>[] = []
  const errors: FieldError[] = []
  const count = rowCount(raw, field.path)
  for (let i = 0; i < count; i++) {
    const rowRaw = items.map((item) => raw[rowKey(field.path, i, item.path)])
    if (rowRaw.every((v) => v === undefined || (typeof v === 'string' ? v.trim() === '' : v.length === 0)))
      continue
    const row: Record<string, unknown> = {}
    const list = { field, index: rows.length }
    let rowOk = true
    items.forEach((item, k) => {
      const name = rowKey(field.path, i, item.path)
      const outcome = parseValue(item, rowRaw[k], item.required, today)
      if (!outcome.ok) {
        errors.push(fieldError(name, outcome.key, item, outcome.params, list))
        rowOk = false
      } else row[item.path] = outcome.value
    })
    if (!rowOk) {
      rows.push(row)
      continue
    }
    // A period must not end before it starts (help.history[].from/to).
    if (typeof row.from === 'string' && typeof row.to === 'string' && row.to < row.from) {
      const to = items.find((it) => it.path === 'to')!
      errors.push(fieldError(rowKey(field.path, i, 'to'), 'periodOrder', to, {}, list))
    } else if (!fitsIntake(`${field.path}.0`, row)) {
      errors.push(fieldError(rowKey(field.path, i, items[0]!.path), 'invalid', items[0]!, {}, list))
    }
    rows.push(row)
  }
  if (field.maxItems !== undefined && rows.length > field.maxItems)
    errors.push(fieldError(field.path, 'tooManyRows', field, { max: field.maxItems }))
  return { value: rows, errors }
}

function onAnswer(
  state: DraftState,
  stepId: string,
  values: Record<string, unknown>,
  script: IntakeScript,
  now: Date,
): StepResult {
  const step = currentStep(state, stepId, script)
  if (!step || values === null || typeof values !== 'object') return unchanged(state)
  const raw = rawValuesFor(step, values, RAW_TEXT_CAP)
  const parsed = parseStepValues(step, raw, state, script, now)
  if (parsed.errors.length > 0) return refusedKeepingInput(state, step.id, raw, parsed.errors, now)
  const answers = { ...state.answers }
  for (const path of parsed.cleared) delete answers[path]
  Object.assign(answers, parsed.values)
  // The short spoedmelding only lasts while acute danger is answered "yes".
  const flow = answers.acuteDanger === true ? state.flow : 'regular'
  const trail = state.trail.includes(step.id) ? state.trail : [...state.trail, step.id]
  const next: DraftState = { ...state, answers, flow, trail, pending: null }
  const w = walk(script, answers, flow, state.lang, now)
  const place = nextPlace(script, next, w, step.id)
  const returnToReview = place.phase === 'review' ? false : state.returnToReview
  return changed(state, { answers, flow, trail, pending: null, returnToReview, ...place }, now)
}

/**
 * A refused answer keeps what was typed as the step's pending input, so a reload shows it again (issue 13 §7).
 * The version stays: nothing was accepted, and a card or form of this version is still current.
 */
function refusedKeepingInput(
  state: DraftState,
  stepId: string,
  raw: PendingInput['values'],
  errors: FieldError[],
  now: Date,
): StepResult {
  const rows = state.pending?.stepId === stepId ? state.pending.rows : {}
  if (state.pending?.stepId === stepId && JSON.stringify(state.pending.values) === JSON.stringify(raw))
    return unchanged(state, errors)
  return {
    state: { ...state, pending: { stepId, values: raw, rows }, updatedAt: now.toISOString() },
    effects: [],
    errors,
  }
}

function onSave(
  state: DraftState,
  stepId: string,
  values: Record<string, unknown>,
  script: IntakeScript,
  now: Date,
): StepResult {
  const step = currentStep(state, stepId, script)
  if (!step || values === null || typeof values !== 'object') return unchanged(state)
  const raw = rawValuesFor(step, values, RAW_TEXT_CAP)
  const rows = state.pending?.stepId === stepId ? state.pending.rows : {}
  if (state.pending?.stepId === stepId && JSON.stringify(state.pending.values) === JSON.stringify(raw))
    return unchanged(state)
  return changed(state, { pending: { stepId, values: raw, rows } }, now)
}

/** Rows a list field shows now: typed rows, stored rows, rows added with 'add', at least one. */
export function rowsShown(pending: PendingInput | null, raw: RawValues, listPath: string): number {
  return Math.max(1, rowCount(raw, listPath), pending?.rows[listPath] ?? 0)
}

function onRow(
  state: DraftState,
  event: Extract<DialogueEvent, { type: 'addRow' | 'removeRow' }>,
  script: IntakeScript,
  now: Date,
): StepResult {
  const step = currentStep(state, event.stepId, script)
  const list = step?.fields.find((f) => f.kind === 'list' && f.path === event.path)
  if (!step || !list) return unchanged(state)
  const base =
    event.values && typeof event.values === 'object'
      ? rawValuesFor(step, event.values, RAW_TEXT_CAP)
      : state.pending?.stepId === step.id
        ? state.pending.values
        : rawFromAnswers(step, state.answers)
  const pending = state.pending?.stepId === step.id ? state.pending : null
  const shown = rowsShown(pending, base, list.path)
  const max = list.maxItems ?? LIMITS.historyEntries
  if (event.type === 'addRow') {
    if (shown >= max) return unchanged(state)
    return changed(
      state,
      { pending: { stepId: step.id, values: base, rows: { ...pending?.rows, [list.path]: shown + 1 } } },
      now,
    )
  }
  if (!Number.isInteger(event.index) || event.index < 0 || event.index >= shown) return unchanged(state)
  return changed(
    state,
    {
      pending: {
        stepId: step.id,
        values: withoutRow(base, list.path, event.index),
        rows: { ...pending?.rows, [list.path]: Math.max(0, shown - 1) },
      },
    },
    now,
  )
}

function onBack(state: DraftState, script: IntakeScript, now: Date): StepResult {
  const w = walk(script, state.answers, state.flow, state.lang, now)
  if (state.phase === 'notice') {
    const from = state.from && w.steps.some((s) => s.id === state.from) ? state.from : w.steps[0]!.id
    return changed(state, { phase: 'step', stepId: from, from: null, pending: null }, now)
  }
  if (state.phase === 'review') {
    const last = w.steps[w.steps.length - 1]!
    return changed(state, { phase: 'step', stepId: last.id, from: null, pending: null }, now)
  }
  if (state.phase !== 'step') return unchanged(state)
  const index = indexOf(script).steps.get(state.stepId)?.index ?? 0
  const previous = w.steps.filter((s) => (indexOf(script).steps.get(s.id)?.index ?? 0) < index).pop()
  if (!previous) return unchanged(state)
  return changed(state, { stepId: previous.id, pending: null }, now)
}

function onChoose(
  state: DraftState,
  noticeId: string,
  choiceId: string,
  script: IntakeScript,
  now: Date,
): StepResult {
  if (state.phase !== 'notice' || state.stepId !== noticeId) return unchanged(state)
  const gate: GateNotice | undefined = indexOf(script).gates.get(noticeId)
  const choice = gate?.choices.find((c) => c.id === choiceId)
  if (!gate || !choice) return unchanged(state)
  const from = state.from ?? gate.after
  let next: DraftState = state
  switch (choice.does) {
    case 'stop':
      return changed(state, { phase: 'cancelled', pending: null }, now, [{ type: 'cancelled' }])
    case 'goto':
      return changed(state, { phase: 'step', stepId: choice.goto!, from: null, pending: null }, now)
    case 'continue':
      next = { ...state, acknowledged: [...state.acknowledged, gate.id] }
      break
    case 'consultation': {
      // Anonymous consultation: nothing that identifies the child is kept (DOMAIN.md §2 G3, §4).
      const answers: Record<string, unknown> = { ...state.answers, consultationOnly: true }
      delete answers['child.pseudonym']
      next = { ...state, answers }
      break
    }
    case 'spoedmelding': {
      // No consent is recorded in a spoedmelding, so it stores nothing that identifies the child
      // (DOMAIN.md §2 G3); the referrer's details stay so the chair can call back.
      const answers: Record<string, unknown> = { ...state.answers, consultationOnly: true }
      delete answers['child.pseudonym']
      next = { ...state, flow: 'spoed', answers }
      break
    }
  }
  const w = walk(script, next.answers, next.flow, next.lang, now)
  const place = nextPlace(script, next, w, from)
  const returnToReview = place.phase === 'review' ? false : state.returnToReview
  return changed(
    state,
    {
      answers: next.answers,
      flow: next.flow,
      acknowledged: next.acknowledged,
      pending: null,
      returnToReview,
      ...place,
    },
    now,
  )
}

function onSubmit(state: DraftState, script: IntakeScript, now: Date, rules: RuleSet): StepResult {
  if (state.phase !== 'review' && state.phase !== 'submitting') return unchanged(state)
  const built = buildIntakeWith(script, state, now)
  if (!built.ok)
    return unchanged(
      state,
      built.errors.map((e) => ({ field: e.path, nl: e.nl, en: e.en })),
    )
  const decision = route(built.value, rules, now)
  const effects: DialogueEffect[] = [
    { type: 'createCase', intake: built.value, decision, idempotencyKey: state.draftId },
  ]
  if (built.value.acuteDanger) effects.push({ type: 'alertAcute', idempotencyKey: state.draftId })
  // A repeated submit while the case is being created re-emits the same effects (idempotent downstream).
  if (state.phase === 'submitting') return unchanged(state, [], effects)
  return changed(state, { phase: 'submitting', pending: null }, now, effects)
}

/**
 * Turns an action id from a ScreenView (a button a user pressed) into the event to apply. `values` are
 * the form's fields as posted. Returns `null` for an unknown action, which a surface answers with the
 * current view.
 */
export function eventFromAction(
  actionId: string,
  stepId: string,
  values: Record<string, unknown> = {},
): DialogueEvent | null {
  const [kind, a, b] = actionId.split(':')
  switch (kind) {
    case 'next':
      return { type: 'answer', stepId, values }
    case 'back':
      return { type: 'back' }
    case 'later':
      return { type: 'save', stepId, values }
    case 'cancel':
      return { type: 'cancel' }
    case 'submit':
      return { type: 'submit' }
    case 'edit':
      return a ? { type: 'edit', stepId: a } : null
    case 'choose':
      return a && b ? { type: 'choose', noticeId: a, choice: b } : null
    case 'add':
      return a ? { type: 'addRow', stepId, path: a, values } : null
    case 'remove':
      return a && b !== undefined && /^\d{1,3}$/.test(b)
        ? { type: 'removeRow', stepId, path: a, index: Number(b), values }
        : null
    default:
      return null
  }
}
