import { z } from 'zod'
import rulesJson from '../../templates/stalled-rules.json'
import {
  addWorkingDayNumber,
  amsterdamDay,
  buildCalendar,
  countWorkingDays,
  type DayNumber,
  dayOfIso,
  type IsoDate,
  instantMs,
  isoOfDay,
  isWorkingDayNumber,
  type WorkingCalendar,
} from './calendar'
import { type Bilingual, both } from './copy'
import { INTERVENTIONS, MUNICIPALITIES } from './enums'
import { formatIssues, type ParseResult, type ValidationError } from './intake'
import { CASE_STATUSES, type CaseStatus } from './lifecycle'

/**
 * Stalled-case rules (DOMAIN.md §6) as pure functions of (case summary, rules, calendar, now).
 *
 * Each open status has exactly one clock and one next step:
 *
 * | status | rule | clock | next step (owner) |
 * |---|---|---|---|
 * | submitted, in_triage | triage_overdue | working days in status (+ `triageWorkingDaysBefore`) | triage (chairs) |
 * | info_requested | info_overdue | working days in status | provide the information (referrer) |
 * | accepted, no date | scheduling_overdue | working days in status | schedule the table (lead) |
 * | scheduled (or accepted with a date) | outcome_overdue | working days after `scheduledFor` | record the outcome (lead) |
 * | advised, no follow-up | follow_up_overdue | calendar days since `advisedAt` (limit in weeks) | follow-up check (coordinator) |
 * | advised, follow-up done | — | never stalls | close the case (chairs) |
 *
 * `info_requested` is the referrer's clock: while the chairs wait for an answer the triage clock is paused.
 * The referrer's answer moves the case back to `in_triage` (lifecycle `provideInfo`), so a case still in
 * `info_requested` has by definition no reply. When the case returns to triage its triage clock resumes
 * from `triageWorkingDaysBefore` (optional summary field: the working days already spent in
 * submitted/in_triage before the latest information request); without that field the triage clock starts
 * anew at the new `statusSince`, which is the plain §6 reading.
 *
 * draft, closed, declined and withdrawn never stall and have no next step.
 */

/** The stalled-rule ids of DOMAIN.md §6. */
export const STALLED_RULE_IDS = [
  'triage_overdue',
  'info_overdue',
  'scheduling_overdue',
  'outcome_overdue',
  'follow_up_overdue',
] as const
export type StalledRuleId = (typeof STALLED_RULE_IDS)[number]

/** Who takes a next step. */
export const OWNER_ROLES = ['chairs', 'referrer', 'lead', 'coordinator'] as const
export type OwnerRole = (typeof OWNER_ROLES)[number]

/** The next-step kinds; their texts are `digest.steps.<step>` in templates/copy/digest.*.json. */
export const NEXT_STEPS = [
  'startTriage',
  'decideTriage',
  'provideInfo',
  'scheduleTable',
  'recordOutcome',
  'followUp',
  'close',
] as const
export type NextStepKind = (typeof NEXT_STEPS)[number]

/** Statuses that never stall and have no next step in the RET's hands. */
export const NEVER_STALLING: readonly CaseStatus[] = ['draft', 'closed', 'declined', 'withdrawn']

// ---------------------------------------------------------------------------------------------------
// Rules configuration (templates/stalled-rules.json)

function ruleSchema<U extends 'workingDays' | 'calendarWeeks'>(unit: U) {
  return z.strictObject({
    limit: z.int().min(0).max(260),
    unit: z.literal(unit),
    owner: z.enum(OWNER_ROLES),
    remind: z.boolean(),
  })
}

/** The schema of templates/stalled-rules.json: limits, owners, reminders and the calendar options. */
export const StalledRulesSchema = z.strictObject({
  $comment: z.string().optional(),
  calendar: z.strictObject({ goodFriday: z.boolean(), liberationDay: z.boolean() }),
  rules: z.strictObject({
    triage_overdue: ruleSchema('workingDays'),
    info_overdue: ruleSchema('workingDays'),
    scheduling_overdue: ruleSchema('workingDays'),
    outcome_overdue: ruleSchema('workingDays'),
    follow_up_overdue: ruleSchema('calendarWeeks'),
  }),
  reminders: z.strictObject({
    /** Reminders to the referrer for one information request before the escalation. */
    referrerMax: z.int().min(0).max(10),
    /** Who is told once the referrer has had `referrerMax` reminders. */
    escalateTo: z.enum(OWNER_ROLES),
  }),
  /** Working days the chairs have to close a case once its follow-up check is done (a due date, no rule). */
  closeWithinWorkingDays: z.int().min(0).max(60),
})
export type StalledRules = z.output<typeof StalledRulesSchema>

/**
 * The default rules from templates/stalled-rules.json.
 * Validated by tests/unit/templates.test.ts (its schema must accept it unchanged) rather than at every
 * isolate start, which the start-up budget cannot afford (DESIGN.md §5); a region's edit is caught by CI.
 */
export const DEFAULT_STALLED_RULES: StalledRules = rulesJson as unknown as StalledRules

/** The working-day calendar a rule set asks for. */
export function calendarOf(rules: StalledRules): WorkingCalendar {
  return buildCalendar(rules.calendar)
}

// ---------------------------------------------------------------------------------------------------
// Case summary input (DOMAIN.md §6 digest input)

export const SUMMARY_FIELDS = [
  'reference',
  'status',
  'statusSince',
  'submittedAt',
  'triagedAt',
  'scheduledFor',
  'advisedAt',
  'followUpDoneAt',
  'intervention',
  'municipality',
  'pseudonym',
  'owner',
  'remindersSent',
  'triageWorkingDaysBefore',
] as const

// A missing field says "required"; a present but malformed one shows the expected shape.
export const summaryInstant = z.iso.datetime({
  offset: true,
  error: (issue) => (issue.input === undefined ? 'validation.required' : 'digest.validation.instant'),
})
export const summaryDateOrInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: (issue) => (issue.input === undefined ? 'validation.required' : 'digest.validation.dateOrInstant'),
})

/**
 * One case summary, exactly the §6 shape, plus two optional fields the reminder and triage clocks need:
 * - `remindersSent`: reminders already sent for the current information request, the escalation to the
 *   chairs included (0 when absent). The reminder job increments it; a new request resets it.
 * - `triageWorkingDaysBefore`: working days already spent in submitted/in_triage before the latest
 *   information request, so the triage clock resumes instead of restarting (0 when absent).
 * Only non-personal data: the pseudonym is an initial, never a name. `owner` is the assigned case lead's
 * identity key or handle (a professional), shown to coordinators.
 */
export const CaseSummarySchema = z
  .strictObject({
    reference: z.string().regex(/^RET-\d{4}-\d{4,6}$/, { message: 'digest.validation.reference' }),
    status: z.enum(CASE_STATUSES),
    statusSince: summaryInstant,
    submittedAt: summaryInstant.nullable(),
    triagedAt: summaryInstant.nullable(),
    scheduledFor: summaryDateOrInstant.nullable(),
    advisedAt: summaryInstant.nullable(),
    followUpDoneAt: summaryInstant.nullable(),
    intervention: z.enum(INTERVENTIONS).nullable(),
    municipality: z.enum(MUNICIPALITIES),
    pseudonym: z.string().trim().min(1).max(40).nullable(),
    owner: z.string().trim().min(1).max(300).nullable(),
    remindersSent: z.int().min(0).max(100).optional(),
    triageWorkingDaysBefore: z.int().min(0).max(1000).optional(),
  })
  .superRefine((c, ctx) => {
    const need = (field: 'submittedAt' | 'scheduledFor' | 'advisedAt' | 'intervention') => {
      if (c[field] === null) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'digest.validation.requiredForStatus',
          params: { status: c.status },
        })
      }
    }
    if (c.status !== 'draft') need('submittedAt')
    if (c.status !== 'draft' && c.status !== 'withdrawn') need('intervention')
    if (c.status === 'scheduled') need('scheduledFor')
    if (c.status === 'advised') need('advisedAt')
  })
export type CaseSummary = z.output<typeof CaseSummarySchema>

/** A list of case summaries, as read by `ret digest --cases`. */
export const CaseSummariesSchema = z.array(CaseSummarySchema).max(100_000)

/**
 * Validates case summaries. Every error names the index and the field (`cases[3].statusSince`) in Dutch
 * and English; unknown fields are rejected with the list of fields a summary has. `schema`: a region's
 * (src/domain/region.ts, its municipalities and interventions); default Drenthe's.
 */
export function parseCaseSummaries(
  input: unknown,
  schema: z.ZodType<CaseSummary[]> = CaseSummariesSchema,
): ParseResult<CaseSummary[]> {
  return parseSummaryList(schema, SUMMARY_FIELDS, input)
}

/**
 * Validates a list of summaries with a schema of the same family (the digest's, or the monitoring one
 * that adds fields); errors are worded as for `parseCaseSummaries`, unknown fields list `fields`.
 */
export function parseSummaryList<T>(
  schema: z.ZodType<T[]>,
  fields: readonly string[],
  input: unknown,
): ParseResult<T[]> {
  if (!Array.isArray(input)) {
    return { ok: false, errors: [{ path: 'cases', ...both('digest.validation.notAnArray') }] }
  }
  const result = schema.safeParse(input)
  if (result.success) return { ok: true, value: result.data }
  const errors: ValidationError[] = []
  for (const issue of result.error.issues) {
    const path = ['cases', ...issue.path]
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = pathText([...path, key])
        errors.push({
          path: field,
          ...both('digest.validation.unknownField', { field, fields: fields.join(', ') }),
        })
      }
    } else if (issue.message.startsWith('digest.') || issue.message === 'validation.required') {
      const field = pathText(path)
      const params =
        issue.code === 'custom' ? (issue.params as Record<string, string> | undefined) : undefined
      errors.push({ path: field, ...both(issue.message, { field, ...params }) })
    } else {
      errors.push(...formatIssues([{ ...issue, path }]))
    }
  }
  return { ok: false, errors }
}

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[')
}

// ---------------------------------------------------------------------------------------------------
// Evaluation

/** The next step of an open case: what, who, by when (an Amsterdam date), in both languages. */
export interface NextStep extends Bilingual {
  step: NextStepKind
  /** The copy key of the step's text. */
  key: string
  owner: OwnerRole
  due: IsoDate
}

/** What the rules say about one case at one moment. */
export interface CaseAssessment {
  /** The rule whose clock runs for this case's status, or null (never-stalling status, follow-up done). */
  rule: StalledRuleId | null
  /** Working days in the current status (§6 count); for triage including `triageWorkingDaysBefore`. */
  workingDaysInStatus: number
  /** The rule's clock: working days, or calendar days for follow_up_overdue. */
  clock: number
  /** The rule's limit in the clock's unit (calendar days for follow_up_overdue). */
  limit: number
  /** True when the clock exceeds the limit. */
  stalled: boolean
  next: NextStep | null
}

/** A case summary with its dates turned into Amsterdam day numbers once, for repeated evaluation. */
export interface PreparedCase {
  summary: CaseSummary
  sinceDay: DayNumber
  submittedDay: DayNumber | null
  triagedDay: DayNumber | null
  scheduledDay: DayNumber | null
  advisedDay: DayNumber | null
  followUpDay: DayNumber | null
}

function dayOfInstant(value: string | null): DayNumber | null {
  return value === null ? null : amsterdamDay(instantMs(value))
}

/** Turns a summary's timestamps into Amsterdam days (`scheduledFor` may be a date or an instant). */
export function prepareCase(summary: CaseSummary): PreparedCase {
  const scheduled = summary.scheduledFor
  return {
    summary,
    sinceDay: amsterdamDay(instantMs(summary.statusSince)),
    submittedDay: dayOfInstant(summary.submittedAt),
    triagedDay: dayOfInstant(summary.triagedAt),
    scheduledDay:
      scheduled === null ? null : scheduled.length === 10 ? dayOfIso(scheduled) : dayOfInstant(scheduled),
    advisedDay: dayOfInstant(summary.advisedAt),
    followUpDay: dayOfInstant(summary.followUpDoneAt),
  }
}

const stepTexts = new Map<NextStepKind, Bilingual>()

function stepOf(step: NextStepKind, owner: OwnerRole, due: DayNumber): NextStep {
  let text = stepTexts.get(step)
  if (!text) {
    text = both(`digest.steps.${step}`)
    stepTexts.set(step, text)
  }
  return { step, key: `digest.steps.${step}`, nl: text.nl, en: text.en, owner, due: isoOfDay(due) }
}

const NONE: CaseAssessment = {
  rule: null,
  workingDaysInStatus: 0,
  clock: 0,
  limit: 0,
  stalled: false,
  next: null,
}

/** A due date `n` working days after `day`; skipped (null) when the caller needs no next step: it walks the calendar. */
function dueAfter(withNext: boolean, day: DayNumber, n: number, cal: WorkingCalendar): DayNumber | null {
  return withNext ? addWorkingDayNumber(day, n, cal) : null
}

/** The assessment of a working-day rule: stalled once the clock exceeds the limit. */
function onClock(
  rules: StalledRules,
  id: StalledRuleId,
  inStatus: number,
  clock: number,
  step: NextStepKind,
  due: DayNumber | null,
): CaseAssessment {
  const rule = rules.rules[id]
  return {
    rule: id,
    workingDaysInStatus: inStatus,
    clock,
    limit: rule.limit,
    stalled: clock > rule.limit,
    next: due === null ? null : stepOf(step, rule.owner, due),
  }
}

/**
 * Assesses a prepared case as of an Amsterdam day. Fast path for scans: the digest calls this for every
 * case twice (now and a week ago). A status reached after `atDay` is not judged (it did not exist then).
 * `withNext: false` leaves `next` null and skips the due-date walk, for scans that only need `stalled`.
 */
export function assessPrepared(
  p: PreparedCase,
  atDay: DayNumber,
  rules: StalledRules,
  cal: WorkingCalendar,
  withNext = true,
): CaseAssessment {
  const c = p.summary
  if (NEVER_STALLING.includes(c.status) || p.sinceDay > atDay) return NONE
  const inStatus = countWorkingDays(p.sinceDay, atDay, cal)
  switch (c.status) {
    case 'submitted':
    case 'in_triage': {
      const before = c.triageWorkingDaysBefore ?? 0
      const left = Math.max(rules.rules.triage_overdue.limit - before, 0)
      const step = c.status === 'submitted' ? 'startTriage' : 'decideTriage'
      return onClock(
        rules,
        'triage_overdue',
        before + inStatus,
        before + inStatus,
        step,
        dueAfter(withNext, p.sinceDay, left, cal),
      )
    }
    case 'info_requested':
      return onClock(
        rules,
        'info_overdue',
        inStatus,
        inStatus,
        'provideInfo',
        dueAfter(withNext, p.sinceDay, rules.rules.info_overdue.limit, cal),
      )
    case 'accepted':
    case 'scheduled': {
      if (p.scheduledDay === null) {
        return onClock(
          rules,
          'scheduling_overdue',
          inStatus,
          inStatus,
          'scheduleTable',
          dueAfter(withNext, p.sinceDay, rules.rules.scheduling_overdue.limit, cal),
        )
      }
      return onClock(
        rules,
        'outcome_overdue',
        inStatus,
        countWorkingDays(p.scheduledDay, atDay, cal),
        'recordOutcome',
        dueAfter(withNext, p.scheduledDay, rules.rules.outcome_overdue.limit, cal),
      )
    }
    case 'advised': {
      if (p.followUpDay !== null && p.followUpDay <= atDay) {
        const due = dueAfter(withNext, p.followUpDay, rules.closeWithinWorkingDays, cal)
        return {
          ...NONE,
          workingDaysInStatus: inStatus,
          next: due === null ? null : stepOf('close', 'chairs', due),
        }
      }
      const advised = p.advisedDay ?? p.sinceDay
      const rule = rules.rules.follow_up_overdue
      const limit = rule.limit * 7
      const clock = Math.max(atDay - advised, 0)
      return {
        rule: 'follow_up_overdue',
        workingDaysInStatus: inStatus,
        clock,
        limit,
        stalled: clock > limit,
        next: withNext ? stepOf('followUp', rule.owner, advised + limit) : null,
      }
    }
    default:
      return NONE
  }
}

/** Assesses one case at an instant with the given (default) rules. */
export function assessCase(
  summary: CaseSummary,
  now: Date,
  rules: StalledRules = DEFAULT_STALLED_RULES,
): CaseAssessment {
  return assessPrepared(prepareCase(summary), amsterdamDay(now), rules, calendarOf(rules))
}

/** The stalled rule a case breaks at `now`, or null. */
export function stalledRule(
  summary: CaseSummary,
  now: Date,
  rules: StalledRules = DEFAULT_STALLED_RULES,
): StalledRuleId | null {
  const a = assessCase(summary, now, rules)
  return a.stalled ? a.rule : null
}

/** The next step of a case (what, owner, due date); null for draft, closed, declined and withdrawn. */
export function nextStep(
  summary: CaseSummary,
  now: Date,
  rules: StalledRules = DEFAULT_STALLED_RULES,
): NextStep | null {
  return assessCase(summary, now, rules).next
}

// ---------------------------------------------------------------------------------------------------
// Reminders

/** One reminder job for the daily cron to enqueue. */
export interface Reminder {
  /** Idempotency key: one reminder per case, rule and Amsterdam day. */
  key: string
  reference: string
  rule: StalledRuleId
  recipient: OwnerRole
  /** `escalation`: the referrer had `referrerMax` reminders; the chairs are told instead. */
  kind: 'reminder' | 'escalation'
  /** 1-based number of this referrer reminder (escalation: referrerMax + 1); 0 for chairs/lead reminders. */
  number: number
  /** The case lead's key or handle, for lead reminders; null otherwise. */
  owner: string | null
  date: IsoDate
}

/**
 * How many messages the referrer gets for one stalled rule before the escalation: `referrerMax` reminders
 * of an information request (the chair's question itself came before); for the follow-up after the advice
 * (issue 15 §1) the question itself is the first message, then `referrerMax` reminders.
 */
export function referrerSends(rule: StalledRuleId, rules: StalledRules = DEFAULT_STALLED_RULES): number {
  return rules.reminders.referrerMax + (rule === 'follow_up_overdue' ? 1 : 0)
}

/**
 * The reminders due today (daily cron → one queue job each). Nothing on weekends and holidays. A stalled
 * case whose rule has `remind: true` gets one reminder per Amsterdam day to the rule's owner; the referrer
 * gets at most `referrerSends` messages for one information request or follow-up question (counted by the
 * summary's `remindersSent`), then the chairs get one escalation, then nothing more (the case stays in the digest).
 */
export function dueReminders(
  cases: readonly CaseSummary[],
  now: Date,
  rules: StalledRules = DEFAULT_STALLED_RULES,
): Reminder[] {
  const cal = calendarOf(rules)
  const today = amsterdamDay(now)
  if (!isWorkingDayNumber(today, cal)) return []
  const date = isoOfDay(today)
  const out: Reminder[] = []
  for (const summary of cases) {
    const a = assessPrepared(prepareCase(summary), today, rules, cal, false)
    if (!a.stalled || a.rule === null) continue
    const rule = rules.rules[a.rule]
    if (!rule.remind) continue
    let recipient: OwnerRole = rule.owner
    let kind: Reminder['kind'] = 'reminder'
    let number = 0
    if (rule.owner === 'referrer') {
      const sent = summary.remindersSent ?? 0
      const max = referrerSends(a.rule, rules)
      if (sent > max) continue
      number = sent + 1
      if (sent === max) {
        recipient = rules.reminders.escalateTo
        kind = 'escalation'
      }
    }
    out.push({
      key: `reminder:${summary.reference}:${a.rule}:${date}`,
      reference: summary.reference,
      rule: a.rule,
      recipient,
      kind,
      number,
      owner: recipient === 'lead' ? summary.owner : null,
      date,
    })
  }
  return out
}
