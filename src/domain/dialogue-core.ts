import { type Condition, evaluate } from './conditions'
import { defaultOf, type RawValues, rowKey, toFormValue } from './dialogue-fields'
import type { DraftFlow, DraftState } from './dialogue-types'
import type { Lang } from './enums'
import { ageOf, type Intake, type ParseResult, parseIntakeIn } from './intake'
import type { GateNotice, IntakeScript, ItemField, ScriptField, ScriptStep } from './script'

/**
 * The shared core of the dialogue state machine (dialogue.ts) and its view (dialogue-view.ts): which
 * steps and fields apply to a draft, the effective answers (with the defaults of what does not apply)
 * and the canonical intake they make.
 */

const splits = new Map<string, string[]>()

/** A dotted path split into its parts (cached: the same few dozen paths are read on every step). */
function partsOf(dotted: string): string[] {
  let parts = splits.get(dotted)
  if (!parts) {
    parts = dotted.split('.')
    splits.set(dotted, parts)
  }
  return parts
}

/** Sets a dotted path in a nested object, creating objects on the way. */
export function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = partsOf(dotted)
  let node = target
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!
    const next = node[part]
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {}
    node = node[part] as Record<string, unknown>
  }
  node[parts[parts.length - 1]!] = value
}

/**
 * Returns a copy of `root` with a dotted path set, copying only the objects on the path: the original
 * (a cached walk context) stays untouched.
 */
export function withPath(
  root: Record<string, unknown>,
  dotted: string,
  value: unknown,
): Record<string, unknown> {
  const parts = partsOf(dotted)
  const copy = { ...root }
  let node = copy
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!
    const next = node[part]
    const child = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...next } : {}
    node[part] = child
    node = child as Record<string, unknown>
  }
  node[parts[parts.length - 1]!] = value
  return copy
}

/** Reads a dotted path (same as conditions' getPath, with cached splits). */
export function readPath(context: unknown, dotted: string): unknown {
  let node: unknown = context
  for (const part of partsOf(dotted)) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return node
}

/** Whether an optional condition holds (no condition = always). */
export function holds(condition: Condition | undefined, context: unknown): boolean {
  return condition === undefined || evaluate(condition, context)
}

/**
 * Three-valued evaluation for the view: leaves on `unknown` paths (fields of the step on screen, which
 * the user may still change) are `null`; `all`/`any`/`not` combine as in Kleene logic.
 */
export function maybe(
  condition: Condition | undefined,
  context: unknown,
  unknown: ReadonlySet<string>,
): boolean | null {
  if (condition === undefined) return true
  if ('all' in condition) {
    let result: boolean | null = true
    for (const c of condition.all) {
      const r = maybe(c, context, unknown)
      if (r === false) return false
      if (r === null) result = null
    }
    return result
  }
  if ('any' in condition) {
    let result: boolean | null = false
    for (const c of condition.any) {
      const r = maybe(c, context, unknown)
      if (r === true) return true
      if (r === null) result = null
    }
    return result
  }
  if ('not' in condition) {
    const r = maybe(condition.not, context, unknown)
    return r === null ? null : !r
  }
  return unknown.has(condition.path) ? null : evaluate(condition, context)
}

/** Lookup tables of a script, built once per script object. */
export interface ScriptIndex {
  steps: ReadonlyMap<string, { step: ScriptStep; index: number }>
  gates: ReadonlyMap<string, GateNotice>
  /** List fields by path. */
  lists: ReadonlyMap<string, ScriptField>
}

const indexes = new WeakMap<IntakeScript, ScriptIndex>()

/** The lookup tables of a script (cached). */
export function indexOf(script: IntakeScript): ScriptIndex {
  let found = indexes.get(script)
  if (!found) {
    found = {
      steps: new Map(script.steps.map((step, index) => [step.id, { step, index }])),
      gates: new Map(script.gates.map((g) => [g.id, g])),
      lists: new Map(
        script.steps.flatMap((s) => s.fields.filter((f) => f.kind === 'list').map((f) => [f.path, f])),
      ),
    }
    indexes.set(script, found)
  }
  return found
}

/** What applies to a draft right now. */
export interface Walk {
  /** Effective answers as a nested partial intake, plus `$age` and `$flow`: what conditions read. */
  context: Record<string, unknown>
  /** The steps that apply, in script order. */
  steps: ScriptStep[]
  /** Paths of the fields that apply (their step applies and their own showIf holds). */
  fields: Set<string>
}

/**
 * Walks the script in order and works out what applies. A field that applies takes its answer (an
 * optional one without an answer takes its default, a required one stays missing); a field that does
 * not apply takes its default. Conditions only look back, so one pass is enough.
 */
export function walk(
  script: IntakeScript,
  answers: Record<string, unknown>,
  flow: DraftFlow,
  lang: Lang,
  now: Date,
): Walk {
  // Answers objects are never mutated (every change makes a new one), so a walk can be reused by the
  // view that follows a step. The result is shared: callers must not change it.
  const year = now.getUTCFullYear()
  const cached = walks.get(answers)
  if (
    cached &&
    cached.script === script &&
    cached.flow === flow &&
    cached.lang === lang &&
    cached.year === year
  )
    return cached.walk
  const result = walkUncached(script, answers, flow, lang, now)
  walks.set(answers, { script, flow, lang, year, walk: result })
  return result
}

const walks = new WeakMap<
  Record<string, unknown>,
  { script: IntakeScript; flow: DraftFlow; lang: Lang; year: number; walk: Walk }
>()

function walkUncached(
  script: IntakeScript,
  answers: Record<string, unknown>,
  flow: DraftFlow,
  lang: Lang,
  now: Date,
): Walk {
  const context: Record<string, unknown> = { $flow: flow }
  const steps: ScriptStep[] = []
  const fields = new Set<string>()
  for (const step of script.steps) {
    const stepOn = holds(step.showIf, context)
    if (stepOn) steps.push(step)
    for (const field of step.fields) {
      const on = stepOn && holds(field.showIf, context)
      let value: unknown
      if (on) {
        fields.add(field.path)
        value = answers[field.path]
        if (value === undefined && !field.required) value = defaultOf(field, lang)
      } else value = defaultOf(field, lang)
      if (value !== undefined) setPath(context, field.path, value)
      if (field.path === 'child.birthYear')
        context.$age = typeof value === 'number' ? ageOf(value, now) : undefined
    }
  }
  return { context, steps, fields }
}

/** Whether a field must be answered given the answers so far: always, or once its `requiredIf` holds. */
export function requiredNow(field: ItemField, context: unknown): boolean {
  return field.required || (field.requiredIf !== undefined && evaluate(field.requiredIf, context))
}

/** Whether a step has been answered and every required field that applies has a value. */
export function isComplete(step: ScriptStep, state: DraftState, w: Walk): boolean {
  if (!state.trail.includes(step.id)) return false
  return step.fields.every(
    (f) =>
      !w.fields.has(f.path) ||
      !requiredNow(f, w.context) ||
      (state.answers[f.path] !== undefined && state.answers[f.path] !== null),
  )
}

/** The gate notice that should show now, if any: its step is done and it holds and is not acknowledged. */
export function dueGate(script: IntakeScript, state: DraftState, w: Walk): GateNotice | undefined {
  return script.gates.find(
    (g) =>
      !state.acknowledged.includes(g.id) &&
      state.trail.includes(g.after) &&
      w.steps.some((s) => s.id === g.after) &&
      evaluate(g.when, w.context),
  )
}

/** The answers of a step as raw form values (what a form shows before the user changes anything). */
export function rawFromAnswers(step: ScriptStep, answers: Record<string, unknown>): RawValues {
  const out: RawValues = {}
  for (const field of step.fields) {
    const value = answers[field.path]
    if (field.kind === 'list') {
      if (!Array.isArray(value)) continue
      value.forEach((row, i) => {
        for (const item of field.items ?? []) {
          const v = toFormValue((row as Record<string, unknown>)[item.path])
          if (v !== null) out[rowKey(field.path, i, item.path)] = v
        }
      })
    } else {
      const v = toFormValue(value)
      if (v !== null) out[field.path] = v
    }
  }
  return out
}

/**
 * The canonical intake from a draft's answers, validated by `parseIntake`. Fields that do not apply
 * take the script's documented defaults; a spoedmelding always has `acuteDanger: true`, urgency `acuut`
 * and is anonymous (no consent recorded); an anonymous consultation never carries a pseudonym.
 */
export function buildIntakeWith(script: IntakeScript, state: DraftState, now: Date): ParseResult<Intake> {
  const w = walk(script, state.answers, state.flow, state.lang, now)
  const intake: Record<string, unknown> = { language: state.lang }
  for (const step of script.steps) {
    for (const field of step.fields) {
      const value = readPath(w.context, field.path)
      if (value === undefined || (value === null && field.omitWhenEmpty)) continue
      setPath(intake, field.path, value)
    }
  }
  for (const [path, value] of Object.entries(script.constants ?? {})) setPath(intake, path, value)
  // Business rules that no script may change (DOMAIN.md §2 G1, §4).
  if (state.flow === 'spoed') {
    intake.acuteDanger = true
    intake.urgency = 'acuut'
    intake.consultationOnly = true
  }
  if (intake.consultationOnly === true) setPath(intake, 'child.pseudonym', null)
  return parseIntakeIn(intake, script.municipalities)
}
