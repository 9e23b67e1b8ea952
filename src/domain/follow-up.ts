import { z } from 'zod'
import { type Bilingual, t } from './copy'
import type { Lang } from './enums'

/**
 * The follow-up after the advice (DOMAIN.md §6, issue 15 §1): at the `follow_up_overdue` moment the
 * referrer is asked whether the advice was followed, whether care started and on which date, whether
 * the goals were reached, whether the help stopped early (uitval) and how useful the RET was (1–5).
 * The answers are non-personal enums, a date and a number (stored in plain beside the case for
 * monitoring); the referrer's free-text note is personal and travels encrypted in the timeline only.
 */

/** Yes / partly / no, for "advice followed" and "goals reached". */
export const YES_PARTLY_NO = ['yes', 'partly', 'no'] as const
export type YesPartlyNo = (typeof YES_PARTLY_NO)[number]

/** The answers without the moment: what the referrer fills in. */
export const FollowUpFieldsSchema = z.strictObject({
  adviceFollowed: z.enum(YES_PARTLY_NO),
  careStarted: z.boolean(),
  /** The date care started (Amsterdam date), when it did. */
  careStartedAt: z.iso.date().nullable(),
  goalsReached: z.enum(YES_PARTLY_NO).nullable(),
  /** The help stopped early (uitval). */
  stoppedEarly: z.boolean(),
  /** How useful the RET was, 1 (not) … 5 (very). */
  usefulness: z.int().min(1).max(5),
})

/** The stored answers: the fields plus when they were given. */
export const FollowUpAnswersSchema = FollowUpFieldsSchema.extend({
  answeredAt: z.iso.datetime({
    offset: true,
    error: (issue) => (issue.input === undefined ? 'validation.required' : 'digest.validation.instant'),
  }),
})
export type FollowUpAnswers = z.output<typeof FollowUpAnswersSchema>

/** Reads stored answers (a JSON column); null when absent or not answers. */
export function parseStoredFollowUp(json: string | null): FollowUpAnswers | null {
  if (json === null) return null
  try {
    const parsed = FollowUpAnswersSchema.safeParse(JSON.parse(json))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** The inputs of the follow-up question, as every surface names them (web form, Teams card, Slack modal). */
export const FOLLOW_UP_INPUTS = [
  'adviceFollowed',
  'careStarted',
  'careStartedAt',
  'goalsReached',
  'stoppedEarly',
  'usefulness',
  'note',
] as const
export type FollowUpInput = (typeof FOLLOW_UP_INPUTS)[number]

/** The fields without which the answers are not complete. */
export const FOLLOW_UP_REQUIRED: readonly FollowUpInput[] = [
  'adviceFollowed',
  'careStarted',
  'stoppedEarly',
  'usefulness',
]

/** Longest accepted note (the lifecycle's long-text limit). */
export const FOLLOW_UP_NOTE_MAX = 5000

export type FollowUpFields = z.output<typeof FollowUpFieldsSchema>

export type FollowUpRead =
  | { ok: true; fields: FollowUpFields; note: string | null }
  /** Per input, the problem in both languages; `values` as typed, to show the form again. */
  | { ok: false; errors: Partial<Record<FollowUpInput, Bilingual>>; values: Record<FollowUpInput, string> }

function asText(raw: unknown): string {
  if (typeof raw === 'string') return raw.trim()
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw)
  // A select or radio group may come back as a one-element list.
  if (Array.isArray(raw) && raw.length === 1) return asText(raw[0])
  return ''
}

const yesNo = (v: string): boolean | null =>
  v === 'yes' || v === 'true' ? true : v === 'no' || v === 'false' ? false : null

/**
 * Reads the follow-up answers as a surface delivers them (strings from a form, a card or a modal: `yes`,
 * `partly`, `no`, `1`…`5`, a `YYYY-MM-DD` date) into the fields of `FollowUpFieldsSchema` — the one schema
 * every surface's answer is checked against (the lifecycle command `answerFollowUp` extends it). Problems
 * come back per input, in Dutch and English: a missing required answer, care started without a (valid)
 * date, a start date after `today` (the Amsterdam date of the answer, when given), a note that is too long.
 * A start date is dropped when care did not start. Pure.
 */
export function readFollowUpInput(raw: Record<string, unknown>, today?: string): FollowUpRead {
  const values = Object.fromEntries(FOLLOW_UP_INPUTS.map((name) => [name, asText(raw[name])])) as Record<
    FollowUpInput,
    string
  >
  const errors: Partial<Record<FollowUpInput, Bilingual>> = {}
  const field = (lang: Lang, name: FollowUpInput) => t(lang, `lifecycle.followUp.fields.${name}`)
  const fail = (
    name: FollowUpInput,
    key: string,
    params: (lang: Lang) => Record<string, string | number>,
  ) => {
    errors[name] ??= {
      nl: t('nl', `lifecycle.followUp.errors.${key}`, params('nl')),
      en: t('en', `lifecycle.followUp.errors.${key}`, params('en')),
    }
  }
  const careStarted = yesNo(values.careStarted)
  const candidate = {
    adviceFollowed: values.adviceFollowed || undefined,
    careStarted: careStarted ?? (values.careStarted || undefined),
    careStartedAt: careStarted === true ? values.careStartedAt || null : null,
    goalsReached: values.goalsReached || null,
    stoppedEarly: yesNo(values.stoppedEarly) ?? (values.stoppedEarly || undefined),
    usefulness: /^[1-5]$/.test(values.usefulness)
      ? Number(values.usefulness)
      : values.usefulness || undefined,
  }
  const parsed = FollowUpFieldsSchema.safeParse(candidate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]) as FollowUpInput
      if (!FOLLOW_UP_INPUTS.includes(name)) continue
      if (name === 'careStartedAt') fail(name, 'date', () => ({}))
      else fail(name, 'required', (lang) => ({ field: field(lang, name) }))
    }
  }
  if (careStarted === true) {
    if (!values.careStartedAt) fail('careStartedAt', 'dateRequired', () => ({}))
    else if (today && /^\d{4}-\d{2}-\d{2}$/.test(values.careStartedAt) && values.careStartedAt > today)
      fail('careStartedAt', 'dateFuture', () => ({}))
  }
  if (values.note.length > FOLLOW_UP_NOTE_MAX) fail('note', 'tooLong', () => ({ max: FOLLOW_UP_NOTE_MAX }))
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors, values }
  return { ok: true, fields: parsed.data, note: values.note || null }
}
