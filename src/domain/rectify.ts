import { both } from './copy'
import { type Intake, type ParseResult, parseIntake } from './intake'

/**
 * Rectification (AVG art. 16; issue 14 §11): a chair or admin corrects one personal field of a case's
 * intake. Only fields that do not drive routing or the lifecycle may be corrected this way: the plain
 * columns (municipality, age band, urgency, intervention) and the routing advice follow from the others,
 * and changing those is a triage decision (re-route), not a correction.
 */
export const RECTIFIABLE_FIELDS = [
  'referrer.name',
  'referrer.organisation',
  'referrer.email',
  'referrer.phone',
  'child.pseudonym',
  'legal.consent.date',
  'legal.consent.scope',
  'question',
  'perspective',
] as const
export type RectifiableField = (typeof RECTIFIABLE_FIELDS)[number]

export function isRectifiableField(field: unknown): field is RectifiableField {
  return typeof field === 'string' && (RECTIFIABLE_FIELDS as readonly string[]).includes(field)
}

export type RectifyOutcome =
  | { ok: true; intake: Intake; changed: boolean }
  | { ok: false; code: 'bad_field' }
  | { ok: false; code: 'invalid'; errors: Extract<ParseResult<Intake>, { ok: false }>['errors'] }

/** Sets `field` of `intake` to `value` and validates the whole intake again (pure). */
export function rectifyIntake(intake: Intake, field: string, value: unknown): RectifyOutcome {
  if (!isRectifiableField(field)) return { ok: false, code: 'bad_field' }
  const copy = JSON.parse(JSON.stringify(intake)) as Record<string, unknown>
  const path = field.split('.')
  let node = copy
  for (const part of path.slice(0, -1)) node = node[part] as Record<string, unknown>
  const last = path.at(-1) as string
  const before = JSON.stringify(node[last] ?? null)
  node[last] = value
  const parsed = parseIntake(copy)
  if (!parsed.ok) return { ok: false, code: 'invalid', errors: parsed.errors }
  return { ok: true, intake: parsed.value, changed: before !== JSON.stringify(valueAt(parsed.value, path)) }
}

function valueAt(intake: Intake, path: readonly string[]): unknown {
  let node: unknown = intake
  for (const part of path) node = (node as Record<string, unknown>)[part]
  return node ?? null
}

/** The message listing the fields that may be corrected. */
export const rectifiableFieldsMessage = () =>
  both('privacy.errors.badField', { fields: RECTIFIABLE_FIELDS.join(', ') })
