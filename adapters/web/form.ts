import { MULTI_MARKER } from './intake-page'

/** A parsed form body as Hono's `parseBody({ all: true })` returns it. */
export type FormBody = Record<string, string | File | (string | File)[]>

/** Limits on one posted form: far above a real intake step, low enough to refuse junk. */
export const FORM_LIMITS = { maxFields: 400, maxValueLength: 10_000 } as const

/** The parts of an intake form: the button pressed, the step shown, the raw field values. */
export interface IntakeForm {
  action: string
  stepId: string
  /** By field name (intake path); strings as typed, string[] for checkbox groups. */
  values: Record<string, string | string[]>
}

/** Why a form could not be read (each maps to a clear message, never a 500). */
export type FormProblem = 'tooLarge' | 'badForm'

function strings(value: FormBody[string] | undefined): string[] {
  if (value === undefined) return []
  const all = Array.isArray(value) ? value : [value]
  return all.filter((v): v is string => typeof v === 'string')
}

/** The first string value of a form field ('' when absent). */
export function formString(body: FormBody, name: string): string {
  return strings(body[name])[0] ?? ''
}

/**
 * Turns a posted intake form into raw values for the dialogue. Underscore fields are control fields;
 * checkbox groups (marked with `_multi`) become arrays, also when nothing was ticked (a browser sends
 * nothing for an unticked group); files are ignored (no uploads on this form).
 */
export function parseIntakeForm(
  body: FormBody,
): { ok: true; form: IntakeForm } | { ok: false; problem: FormProblem } {
  const keys = Object.keys(body)
  if (keys.length > FORM_LIMITS.maxFields) return { ok: false, problem: 'tooLarge' }
  const multi = new Set(strings(body[MULTI_MARKER]))
  const values: Record<string, string | string[]> = {}
  for (const key of keys) {
    if (key.startsWith('_')) continue
    const list = strings(body[key])
    if (list.some((v) => v.length > FORM_LIMITS.maxValueLength)) return { ok: false, problem: 'tooLarge' }
    if (multi.has(key)) values[key] = list
    else if (list.length > 0) values[key] = list[list.length - 1] ?? ''
  }
  for (const name of multi) {
    if (!name.startsWith('_') && !(name in values)) values[name] = []
  }
  const action = formString(body, '_action') || 'next'
  const stepId = formString(body, '_step')
  if (action.length > 200 || stepId.length > 100) return { ok: false, problem: 'badForm' }
  return { ok: true, form: { action, stepId, values } }
}
