import { z } from 'zod'
import { type Bilingual, both } from './copy'
import { type Intake, LIMITS, type ParseResult, parseIntake, plainText } from './intake'

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

/**
 * The request body of the admin API and the web console (one schema for both): one field, its new text
 * (or null to clear it) and why it is corrected. The reason is required; it goes into the timeline
 * (encrypted like all event data), never into the audit row.
 */
export const RectifyInputSchema = z.strictObject({
  field: z.string().max(100),
  value: plainText().max(LIMITS.longText).nullable(),
  reason: plainText().trim().min(1).max(LIMITS.longText),
})
export type RectifyBody = z.infer<typeof RectifyInputSchema>

/** The bilingual message for a body the schema refused, naming the first part that is wrong. */
export function rectifyBodyMessage(error: z.ZodError): RectifyBodyError {
  return rectifyPartMessage(error.issues[0]?.path[0])
}

export type RectifyBodyError = { code: 'bad_field' | 'bad_reason' | 'bad_value' } & Bilingual

/** The message for one refused part of the body (`field`, `value`, `reason`; anything else: the field list). */
export function rectifyPartMessage(where: PropertyKey | undefined): RectifyBodyError {
  if (where === 'reason') return { code: 'bad_reason', ...both('privacy.errors.reasonRequired') }
  if (where === 'value') return { code: 'bad_value', ...both('privacy.errors.badValueText') }
  return { code: 'bad_field', ...rectifiableFieldsMessage() }
}
