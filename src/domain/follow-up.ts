import { z } from 'zod'

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
