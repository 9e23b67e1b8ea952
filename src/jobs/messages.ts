import { z } from 'zod'
import { REFERENCE_PATTERN } from '../ports/case-store'

/**
 * Queue messages. Every message has a `type` and an `id`; the id is the idempotency key (a consumer
 * that sees it twice acts once). Bodies carry references and ids only, never personal data.
 *
 * Other areas add their own message types with `defineJobType` and, for typed handlers, extend
 * `JobTypes` by declaration merging:
 *
 *   declare module '../jobs/messages' { interface JobTypes { 'pdf.render': PdfRenderJob } }
 *   defineJobType('pdf.render', PdfRenderJobSchema)
 */

const jobId = z.string().min(1).max(300)
const reference = z.string().regex(REFERENCE_PATTERN)

/** A case was filed: post the chairs' card, render the PDF, confirm to the referrer. */
export const CaseSubmittedJobSchema = z.strictObject({
  type: z.literal('case.submitted'),
  id: jobId,
  reference,
})
export type CaseSubmittedJob = z.output<typeof CaseSubmittedJobSchema>

/** A case changed (lifecycle command): update the card in place, tell the referrer. */
export const CaseChangedJobSchema = z.strictObject({
  type: z.literal('case.changed'),
  id: jobId,
  reference,
  version: z.int().min(1),
})
export type CaseChangedJob = z.output<typeof CaseChangedJobSchema>

/** The message types of the case core. */
export const CoreJobSchema = z.discriminatedUnion('type', [CaseSubmittedJobSchema, CaseChangedJobSchema])
export type CoreJob = z.output<typeof CoreJobSchema>

/** Message type → message shape; extended by other areas through declaration merging. */
export interface JobTypes {
  'case.submitted': CaseSubmittedJob
  'case.changed': CaseChangedJob
}

/** Any job message: a type, an id and the type's own fields. */
export type JobMessage = { type: string; id: string } & Record<string, unknown>

const EnvelopeSchema = z.looseObject({ type: z.string().min(1).max(100), id: jobId })

const schemas = new Map<string, z.ZodType<JobMessage>>([
  ['case.submitted', CaseSubmittedJobSchema],
  ['case.changed', CaseChangedJobSchema],
])

/** Declares a message type and its schema (once per type; a second, different schema is a bug). */
export function defineJobType<K extends string>(type: K, schema: z.ZodType<JobMessage>): void {
  const known = schemas.get(type)
  if (known && known !== schema) throw new Error(`job type ${type} is already defined`)
  schemas.set(type, schema)
}

/** The message types known to this isolate. */
export function knownJobTypes(): string[] {
  return [...schemas.keys()]
}

export type ParsedJob =
  | { ok: true; job: JobMessage }
  | { ok: false; reason: 'invalid_envelope' | 'unknown_type' | 'invalid_body'; type: string | null }

/** Validates a queue body against its type's schema. Never throws. */
export function parseJob(body: unknown): ParsedJob {
  const envelope = EnvelopeSchema.safeParse(body)
  if (!envelope.success) return { ok: false, reason: 'invalid_envelope', type: null }
  const type = envelope.data.type
  const schema = schemas.get(type)
  if (!schema) return { ok: false, reason: 'unknown_type', type: type.slice(0, 100) }
  const parsed = schema.safeParse(body)
  if (!parsed.success) return { ok: false, reason: 'invalid_body', type }
  return { ok: true, job: parsed.data }
}
