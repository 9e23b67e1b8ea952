import { z } from 'zod'
import { type Bilingual, both } from './copy'
import {
  ATTENDANCE,
  AUTHORITIES,
  HISTORY_RESULTS,
  LANGUAGES,
  LEGAL_FRAMEWORKS,
  LIVING,
  MELDCODE_STEPS,
  MISSING_EXPERTISE,
  MUNICIPALITIES,
  PROBLEM_DOMAINS,
  REFERRER_ROLES,
  SAFETY_SIGNALS,
  SCHOOL_TYPES,
  URGENCIES,
  VEILIG_THUIS,
} from './enums'

/**
 * The canonical intake (DOMAIN.md §4). This zod schema is the single source of truth for the shape:
 * the web form, the chat dialogues, the API and the command line all validate through `parseIntake`.
 * Objects are strict: an unknown field is an error that names the field.
 */

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/
const ISO_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/

/** Limits on free text: generous for a story, bounded so nobody can store a novel or a payload. */
export const LIMITS = {
  shortText: 200,
  longText: 5000,
  historyEntries: 50,
  parties: 30,
  maxCount: 99,
  minBirthYear: 1990,
  maxBirthYear: 2100,
  /** The RET helps young people up to 23: an older age from the birth year is a typing error. */
  maxAge: 23,
  /** Weeks absent from school are counted within a school year. */
  maxWeeksAbsent: 52,
} as const

/**
 * Control characters (Unicode Cc: C0, DEL, C1) other than tab and line breaks are refused in every text
 * field (issue 14 §7): a NUL byte or an escape sequence has no place in a referral and can confuse what
 * shows the text later (terminal, PDF, chat). A carriage return only counts as part of CRLF, which is how
 * browsers send the line breaks of a textarea.
 */
const CONTROL_CHARACTER = /[^\P{Cc}\t\n\r]|\r(?!\n)/u

/** Whether a text holds no control characters but tab, newline and CRLF. */
export function hasNoControlCharacters(text: string): boolean {
  return !CONTROL_CHARACTER.test(text)
}

/** A free-text string: refuses control characters with a message that names the field. */
export const plainText = () =>
  z.string().refine(hasNoControlCharacters, { message: 'validation.controlCharacters', abort: true })

const shortText = plainText().trim().min(1).max(LIMITS.shortText)
const longText = plainText().trim().min(1).max(LIMITS.longText)
const isoDate = z.string().regex(ISO_DATE, { message: 'validation.date' })
const isoMonth = z.string().regex(ISO_MONTH, { message: 'validation.month' })
const count = z.int().min(0).max(LIMITS.maxCount)

function uniqueArray<T extends z.ZodType>(item: T, max: number) {
  return z
    .array(item)
    .max(max)
    .refine((values) => new Set(values).size === values.length, { message: 'validation.duplicate' })
}

export const ReferrerSchema = z.strictObject({
  name: shortText,
  organisation: shortText,
  role: z.enum(REFERRER_ROLES),
  email: z.email({ message: 'validation.email' }).max(LIMITS.shortText),
  phone: plainText().trim().max(40).nullable(),
})

/**
 * The child's initial: one word of at most 3 letters, optionally with dots ("J.", "JdB", "Ő.", "J.d.B.").
 * Anything longer, or more than one word, looks like a name and is refused (DOMAIN.md §7).
 */
export const INITIAL = /^(?:\p{L}\p{M}*\.?){1,3}$/u

/** Whether a text is an initial (see INITIAL); composed characters count as one letter. */
export function isInitial(text: string): boolean {
  return INITIAL.test(text.trim().normalize('NFC'))
}

export const ChildSchema = z.strictObject({
  pseudonym: plainText()
    .trim()
    .min(1)
    .max(40)
    .refine(isInitial, { message: 'validation.pseudonymInitial' })
    .nullable(),
  birthYear: z.int().min(LIMITS.minBirthYear).max(LIMITS.maxBirthYear),
  municipality: z.enum(MUNICIPALITIES),
})

export const ConsentSchema = z.strictObject({
  child: z.boolean(),
  parents: z.boolean(),
  date: isoDate.nullable(),
  scope: plainText().trim().min(1).max(LIMITS.shortText).nullable(),
})

export const LegalSchema = z.strictObject({
  framework: z.enum(LEGAL_FRAMEWORKS),
  authority: z.enum(AUTHORITIES),
  consent: ConsentSchema,
})

export const SafetySchema = z.strictObject({
  signals: uniqueArray(z.enum(SAFETY_SIGNALS), SAFETY_SIGNALS.length),
  structural: z.boolean(),
  veiligThuis: z.enum(VEILIG_THUIS),
  veiligThuisDate: isoDate.nullable(),
  /** Optional extension of DOMAIN.md §4 (G2 asks for it): the meldcode step the referrer is at. */
  meldcodeStep: z.enum(MELDCODE_STEPS).nullable().optional(),
})

export const PlacementSchema = z.strictObject({
  needed: z.boolean(),
  threatened: z.boolean(),
  onWaitingList: z.boolean(),
  /** Optional questions: null when the referrer left them unanswered (never read as 0; issue 13 §6). */
  movesLast12Months: count.nullable(),
  rejectedByProviders: count.nullable(),
  breakdown: z.boolean(),
  closedCareRequested: z.boolean(),
})

export const SituationSchema = z.strictObject({
  living: z.enum(LIVING),
  problemDomains: uniqueArray(z.enum(PROBLEM_DOMAINS), PROBLEM_DOMAINS.length),
  safety: SafetySchema,
  placement: PlacementSchema,
})

export const HistoryEntrySchema = z
  .strictObject({
    what: shortText,
    provider: shortText,
    from: isoMonth,
    to: isoMonth.nullable(),
    result: z.enum(HISTORY_RESULTS),
    why: plainText().trim().max(LIMITS.longText).nullable(),
  })
  .refine((h) => h.to === null || !ISO_MONTH.test(h.from) || h.to >= h.from, {
    message: 'validation.periodOrder',
    path: ['to'],
  })

export const PartySchema = z.strictObject({ organisation: shortText, role: shortText })

export const HelpSchema = z.strictObject({
  history: z.array(HistoryEntrySchema).max(LIMITS.historyEntries),
  monthsWithoutProgress: z.int().min(0).max(600),
  protocolsFailing: z.boolean(),
  professionalsDisagree: z.boolean(),
  noFittingOffer: z.boolean(),
  repeatedRequests: z.boolean(),
  missingExpertise: z.enum(MISSING_EXPERTISE).nullable(),
  parties: z.array(PartySchema).max(LIMITS.parties),
  caseDirector: z.boolean(),
})

export const SchoolSchema = z.strictObject({
  type: z.enum(SCHOOL_TYPES),
  attendance: z.enum(ATTENDANCE),
  weeksAbsent: z.int().min(0).max(LIMITS.maxWeeksAbsent),
  leerplichtInvolved: z.boolean(),
})

export const AnalysisSchema = z.strictObject({
  present: z.boolean(),
  sharedWithFamily: z.boolean(),
  attachmentId: plainText().max(100).nullable(),
})

export const IntakeSchema = z
  .strictObject({
    language: z.enum(LANGUAGES),
    acuteDanger: z.boolean(),
    consultationOnly: z.boolean(),
    referrer: ReferrerSchema,
    child: ChildSchema,
    legal: LegalSchema,
    situation: SituationSchema,
    help: HelpSchema,
    school: SchoolSchema,
    analysis: AnalysisSchema,
    question: longText,
    perspective: longText,
    urgency: z.enum(URGENCIES),
  })
  .superRefine((intake, ctx) => {
    // Acute danger: the chairs call the referrer back now, so a phone number is required (DOMAIN.md §2 G1).
    if (intake.acuteDanger && (intake.referrer.phone === null || intake.referrer.phone === '')) {
      ctx.addIssue({
        code: 'custom',
        path: ['referrer', 'phone'],
        message: 'validation.phoneRequiredAcute',
      })
    }
    // Anonymous consultation: no identifying data about the child is stored (DOMAIN.md §2 G3, §4).
    if (intake.consultationOnly && intake.child.pseudonym !== null) {
      ctx.addIssue({
        code: 'custom',
        path: ['child', 'pseudonym'],
        message: 'validation.pseudonymMustBeNull',
      })
    }
  })

export type Intake = z.infer<typeof IntakeSchema>
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>
export type Party = z.infer<typeof PartySchema>

/** One validation problem: the dotted field path and a message in both languages. */
export interface ValidationError extends Bilingual {
  path: string
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationError[] }

function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[')
}

function typeName(expected: string): string {
  return ['string', 'number', 'int', 'boolean', 'array', 'object', 'null'].includes(expected)
    ? expected
    : 'object'
}

/** Turns zod issues into field-named messages in Dutch and English. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], root = 'intake'): ValidationError[] {
  const out: ValidationError[] = []
  for (const issue of issues) {
    const base = pathOf(issue.path)
    const field = base || root
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const path = base ? `${base}.${key}` : key
          out.push({ path, ...both('validation.unknownField', { field: path }) })
        }
        break
      case 'invalid_type': {
        // zod leaves the input out of issues (good: no personal data in errors); its message says what came.
        const missing = issue.message.endsWith('received undefined')
        if (missing) out.push({ path: field, ...both('validation.required', { field }) })
        else {
          const type = typeName(String(issue.expected))
          out.push({
            path: field,
            nl: both('validation.expected', { field, type: both(`validation.type.${type}`).nl }).nl,
            en: both('validation.expected', { field, type: both(`validation.type.${type}`).en }).en,
          })
        }
        break
      }
      case 'invalid_value':
        out.push({
          path: field,
          ...both('validation.invalidValue', { field, options: issue.values.map(String).join(', ') }),
        })
        break
      case 'too_small':
        if (issue.origin === 'string')
          out.push({ path: field, ...both('validation.tooShortText', { field, min: Number(issue.minimum) }) })
        else
          out.push({
            path: field,
            ...both('validation.tooSmallNumber', { field, min: Number(issue.minimum) }),
          })
        break
      case 'too_big':
        if (issue.origin === 'string')
          out.push({ path: field, ...both('validation.tooLongText', { field, max: Number(issue.maximum) }) })
        else if (issue.origin === 'array')
          out.push({ path: field, ...both('validation.tooManyItems', { field, max: Number(issue.maximum) }) })
        else
          out.push({ path: field, ...both('validation.tooBigNumber', { field, max: Number(issue.maximum) }) })
        break
      case 'invalid_format': {
        const key = issue.message.startsWith('validation.')
          ? issue.message
          : issue.format === 'email'
            ? 'validation.email'
            : 'validation.format'
        out.push({ path: field, ...both(key, { field }) })
        break
      }
      default: {
        const key = issue.message?.startsWith('validation.') ? issue.message : 'validation.invalid'
        out.push({ path: field, ...both(key, { field }) })
      }
    }
  }
  return out
}

/** Validates anything against a schema and returns field-named bilingual errors instead of throwing. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown, root?: string): ParseResult<T> {
  const result = schema.safeParse(input)
  if (result.success) return { ok: true, value: result.data }
  return { ok: false, errors: formatIssues(result.error.issues, root) }
}

/** Validates a canonical intake. */
export function parseIntake(input: unknown): ParseResult<Intake> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ path: 'intake', ...both('validation.notAnObject') }] }
  }
  return parseWith(IntakeSchema, input)
}

const regionalSchemas = new Map<string, z.ZodType<Intake>>()

/**
 * The intake schema with another municipality list (a region pack's, src/domain/region.ts): the canonical
 * schema with only `child.municipality` changed, so every cross-field check stays. Without a list, or with
 * Drenthe's own, it is `IntakeSchema` itself. (The `Intake` type still names Drenthe's municipalities;
 * another region's intake carries its own names at run time.)
 */
export function intakeSchemaIn(municipalities?: readonly string[]): z.ZodType<Intake> {
  if (!municipalities || municipalities.join('|') === MUNICIPALITIES.join('|')) return IntakeSchema
  const id = municipalities.join('|')
  const known = regionalSchemas.get(id)
  if (known) return known
  // safeExtend keeps the canonical cross-field checks (acute danger needs a phone number, …).
  const base = IntakeSchema as unknown as z.ZodObject<z.ZodRawShape>
  const schema = base.safeExtend({
    child: ChildSchema.extend({ municipality: z.enum(municipalities as [string, ...string[]]) }),
  }) as unknown as z.ZodType<Intake>
  regionalSchemas.set(id, schema)
  return schema
}

/** Validates an intake whose municipality must be one of `municipalities` (default: Drenthe's, `parseIntake`). */
export function parseIntakeIn(input: unknown, municipalities?: readonly string[]): ParseResult<Intake> {
  const schema = intakeSchemaIn(municipalities)
  if (schema === IntakeSchema) return parseIntake(input)
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return parseIntake(input)
  return parseWith(schema, input)
}

/** Parses JSON text into an intake, with a clear message for text that is not JSON at all. */
export function parseIntakeJson(text: string, municipalities?: readonly string[]): ParseResult<Intake> {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    return { ok: false, errors: [{ path: 'intake', ...both('validation.invalidJson', { detail }) }] }
  }
  return parseIntakeIn(data, municipalities)
}

/** Age in whole years as the RET counts it: the calendar year of `now` minus the birth year. */
export function ageOf(birthYear: number, now: Date): number {
  return now.getUTCFullYear() - birthYear
}
