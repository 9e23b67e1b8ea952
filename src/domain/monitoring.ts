import { z } from 'zod'
import {
  amsterdamDay,
  countWorkingDays,
  type DayNumber,
  dayOfIso,
  type IsoDate,
  instantMs,
  isoOfDay,
  type WorkingCalendar,
} from './calendar'
import { both } from './copy'
import { DECLINE_DESTINATIONS, type DeclineDestination } from './decline'
import { DIGEST_OPEN_STATUSES, type LeadTimeStats, leadTimeStats } from './digest'
import { INTERVENTIONS, type Intervention, MUNICIPALITIES, type Municipality, URGENCIES } from './enums'
import { FollowUpAnswersSchema, YES_PARTLY_NO, type YesPartlyNo } from './follow-up'
import type { ParseResult, ValidationError } from './intake'
import {
  CaseSummarySchema,
  calendarOf,
  DEFAULT_STALLED_RULES,
  NEVER_STALLING,
  parseSummaryList,
  prepareCase,
  type StalledRules,
  SUMMARY_FIELDS,
  summaryDateOrInstant,
} from './stalled'

/**
 * The monitoring model (DOMAIN.md §6, issue 15): how the RET is doing, as a pure function of
 * (case summaries, period, filter, now). The `/monitoring` page, its CSV/JSON export and `ret monitor`
 * render this model; they add nothing.
 *
 * Decisions, so every surface reads the numbers the same way:
 * - The **cohort** of a period is the cases submitted in it (Amsterdam date of `submittedAt` within
 *   `from`…`to`, both inclusive); quarters group the cohort by the quarter of submission, so a quarter's
 *   numbers do not change when later cases arrive, only when its own cases move on. The first and last
 *   quarter are cut at `from` and `to` (`partial: true`).
 * - **Lead times** are working days (the digest's §6 count: from the first working day after the start
 *   up to and including the end) for the four stages below, over the cohort's cases whose end moment is
 *   at or before `now`; median (mean of the middle two for an even count) and p90 (nearest rank), as in
 *   the digest. Start of care comes from `careStartedAt` (or the follow-up answer's date).
 * - **Waiting now** ignores the period: every open case (submitted … advised) as of `now`, by status
 *   and by its age in working days since submission.
 * - **Shares** are `count / of` over the cohort; a field a summary does not carry is not counted in
 *   `of` (unknown is not "no").
 * - **Outcomes** are the follow-up answers of the cohort (aggregates only).
 * - Aggregates only: no reference, pseudonym or owner enters the model. Counts under 5 are masked only
 *   in exports (`maskSmall`), so the page's own tables and the tests see the true numbers.
 */

export { type FollowUpAnswers, FollowUpAnswersSchema, YES_PARTLY_NO, type YesPartlyNo } from './follow-up'

/** The lead-time stages, in the order of the case. */
export const STAGES = [
  'submissionToTriage',
  'submissionToAdvice',
  'adviceToCare',
  'submissionToCare',
] as const
export type Stage = (typeof STAGES)[number]

/** Where a declined case was sent instead (a category; the free-text advice stays on the case). */
export { DECLINE_DESTINATIONS, type DeclineDestination } from './decline'

/** Age buckets of open cases, in working days since submission. */
export const AGE_BUCKETS = ['0-5', '6-10', '11-20', '21-40', '41+'] as const
export type AgeBucket = (typeof AGE_BUCKETS)[number]

/** The statuses counted as waiting (open): everything between submission and closing — the digest's open ones. */
export const WAITING_STATUSES = DIGEST_OPEN_STATUSES
export type WaitingStatus = (typeof WAITING_STATUSES)[number]

const MONITORING_EXTRA_FIELDS = [
  'careStartedAt',
  'followUp',
  'urgency',
  'consultationOnly',
  'analysisPresent',
  'gpRedirected',
  'declinedTo',
] as const

/**
 * A case summary for monitoring: the digest's summary (DOMAIN.md §6) plus optional fields. A field left
 * out is "unknown" and is not counted in that share.
 */
export const MonitoringCaseSchema = CaseSummarySchema.safeExtend({
  /** When care started (date or instant); the follow-up answer's date is used when absent. */
  careStartedAt: summaryDateOrInstant.nullable().optional(),
  followUp: FollowUpAnswersSchema.nullable().optional(),
  urgency: z.enum(URGENCIES).optional(),
  /** An anonymous consultation (no identifying data). */
  consultationOnly: z.boolean().optional(),
  /** The shared explanatory analysis was present at submission. */
  analysisPresent: z.boolean().nullable().optional(),
  /** A GP's question redirected to the local team (G4). */
  gpRedirected: z.boolean().optional(),
  declinedTo: z.enum(DECLINE_DESTINATIONS).nullable().optional(),
})
export type MonitoringCase = z.output<typeof MonitoringCaseSchema>

const MonitoringCasesSchema = z.array(MonitoringCaseSchema).max(100_000)

const regionalCases = new Map<string, z.ZodType<MonitoringCase[]>>()

/** The monitoring case list schema with a region pack's municipalities and interventions. */
function monitoringCasesSchemaFor(region: {
  municipalities: readonly string[]
  interventions: readonly Intervention[]
}): z.ZodType<MonitoringCase[]> {
  const id = `${region.municipalities.join('|')}#${region.interventions.join('|')}`
  const known = regionalCases.get(id)
  if (known) return known
  const schema = z
    .array(
      MonitoringCaseSchema.safeExtend({
        municipality: z.enum(region.municipalities as [Municipality, ...Municipality[]]),
        intervention: z.enum(region.interventions as [Intervention, ...Intervention[]]).nullable(),
      }),
    )
    .max(100_000) as unknown as z.ZodType<MonitoringCase[]>
  regionalCases.set(id, schema)
  return schema
}

/**
 * Validates monitoring case summaries; errors as for `parseCaseSummaries` (index and field, nl + en).
 * `region`: a pack's municipalities and interventions (`ret monitor --region`); default Drenthe's.
 */
export function parseMonitoringCases(
  input: unknown,
  region?: { municipalities: readonly string[]; interventions: readonly Intervention[] },
): ParseResult<MonitoringCase[]> {
  const schema = region ? monitoringCasesSchemaFor(region) : MonitoringCasesSchema
  return parseSummaryList(schema, [...SUMMARY_FIELDS, ...MONITORING_EXTRA_FIELDS], input)
}

/** The period and filters of a monitoring view. */
export interface MonitoringQuery {
  from: IsoDate
  to: IsoDate
  municipality?: Municipality | null
  intervention?: Intervention | null
}

/** Median and p90 of every stage. */
export type StageStats = Record<Stage, LeadTimeStats>

/** A share of the cohort: `count` of `of`, `share` = count / of rounded to 4 decimals (null when of = 0). */
export interface Share {
  count: number
  of: number
  share: number | null
}

export interface MonitoringShares {
  analysisPresent: Share
  urgent: Share
  consultation: Share
  gpRedirected: Share
  declined: Share
  declinedTo: Record<DeclineDestination, number>
}

export interface MonitoringOutcomes {
  /** Advised (or closed after advice) cases of the cohort: who could be asked. */
  advised: number
  answered: number
  adviceFollowed: Record<YesPartlyNo, number>
  careStarted: number
  goalsReached: Record<YesPartlyNo, number>
  stoppedEarly: number
  usefulness: { counts: Record<'1' | '2' | '3' | '4' | '5', number>; mean: number | null }
}

/** One quarter of the trend. */
export interface QuarterRow {
  /** e.g. `2026-Q4`. */
  quarter: string
  from: IsoDate
  to: IsoDate
  /** Cut by the period's `from` or `to`. */
  partial: boolean
  submitted: number
  leadTimes: StageStats
  shares: MonitoringShares
  outcomes: MonitoringOutcomes
}

export interface MonitoringWaiting {
  total: number
  byStatus: Record<WaitingStatus, number>
  byAge: Record<AgeBucket, number>
  byStatusAndAge: Record<WaitingStatus, Record<AgeBucket, number>>
}

/** The monitoring model: what `ret monitor` prints and `/monitoring` renders. */
export interface Monitoring {
  generatedAt: string
  from: IsoDate
  to: IsoDate
  filter: { municipality: Municipality | null; intervention: Intervention | null }
  /** Cases submitted in the period (after the filter). */
  submitted: number
  leadTimes: {
    overall: StageStats
    byIntervention: Record<Intervention, StageStats>
    byMunicipality: Record<Municipality, StageStats>
  }
  quarters: QuarterRow[]
  waiting: MonitoringWaiting
  shares: MonitoringShares
  outcomes: MonitoringOutcomes
}

// ---------------------------------------------------------------------------------------------------

/** The quarter of an Amsterdam day, e.g. `2026-Q4`. */
export function quarterOfDay(day: DayNumber): string {
  const iso = isoOfDay(day)
  const month = Number(iso.slice(5, 7))
  return `${iso.slice(0, 4)}-Q${Math.floor((month - 1) / 3) + 1}`
}

/** First and last date of a quarter (`2026-Q4` → 2026-10-01 … 2026-12-31). */
export function quarterBounds(quarter: string): { from: IsoDate; to: IsoDate } {
  const year = Number(quarter.slice(0, 4))
  const q = Number(quarter.slice(6))
  const first = (q - 1) * 3 + 1
  const from = `${year}-${String(first).padStart(2, '0')}-01`
  const next = q === 4 ? `${year + 1}-01-01` : `${year}-${String(first + 3).padStart(2, '0')}-01`
  return { from, to: isoOfDay(dayOfIso(next) - 1) }
}

/** The quarters a period touches, oldest first. */
export function quartersBetween(from: IsoDate, to: IsoDate): string[] {
  const out: string[] = []
  let day = dayOfIso(from)
  const end = dayOfIso(to)
  while (day <= end) {
    const q = quarterOfDay(day)
    out.push(q)
    day = dayOfIso(quarterBounds(q).to) + 1
  }
  return out
}

/** The age bucket of a number of working days. */
export function ageBucket(workingDays: number): AgeBucket {
  if (workingDays <= 5) return '0-5'
  if (workingDays <= 10) return '6-10'
  if (workingDays <= 20) return '11-20'
  if (workingDays <= 40) return '21-40'
  return '41+'
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>
}

function share(count: number, of: number): Share {
  return { count, of, share: of === 0 ? null : Math.round((count / of) * 10_000) / 10_000 }
}

/** Raw lead-time samples of one group. */
type Samples = Record<Stage, number[]>

function emptySamples(): Samples {
  return { submissionToTriage: [], submissionToAdvice: [], adviceToCare: [], submissionToCare: [] }
}

function statsOf(samples: Samples): StageStats {
  return {
    submissionToTriage: leadTimeStats(samples.submissionToTriage),
    submissionToAdvice: leadTimeStats(samples.submissionToAdvice),
    adviceToCare: leadTimeStats(samples.adviceToCare),
    submissionToCare: leadTimeStats(samples.submissionToCare),
  }
}

/** Running counters of shares and outcomes for one group. */
interface Tally {
  submitted: number
  analysisKnown: number
  analysisPresent: number
  urgencyKnown: number
  urgent: number
  consultationKnown: number
  consultation: number
  gpKnown: number
  gp: number
  declined: number
  declinedTo: Record<DeclineDestination, number>
  advised: number
  answered: number
  adviceFollowed: Record<YesPartlyNo, number>
  careStarted: number
  goalsReached: Record<YesPartlyNo, number>
  stoppedEarly: number
  usefulness: Record<'1' | '2' | '3' | '4' | '5', number>
  usefulnessSum: number
}

function emptyTally(): Tally {
  return {
    submitted: 0,
    analysisKnown: 0,
    analysisPresent: 0,
    urgencyKnown: 0,
    urgent: 0,
    consultationKnown: 0,
    consultation: 0,
    gpKnown: 0,
    gp: 0,
    declined: 0,
    declinedTo: zeros(DECLINE_DESTINATIONS),
    advised: 0,
    answered: 0,
    adviceFollowed: zeros(YES_PARTLY_NO),
    careStarted: 0,
    goalsReached: zeros(YES_PARTLY_NO),
    stoppedEarly: 0,
    usefulness: zeros(['1', '2', '3', '4', '5'] as const),
    usefulnessSum: 0,
  }
}

function count(t: Tally, c: MonitoringCase, advised: boolean): void {
  t.submitted++
  if (c.analysisPresent !== undefined && c.analysisPresent !== null) {
    t.analysisKnown++
    if (c.analysisPresent) t.analysisPresent++
  }
  if (c.urgency !== undefined) {
    t.urgencyKnown++
    if (c.urgency !== 'regulier') t.urgent++
  }
  if (c.consultationOnly !== undefined) {
    t.consultationKnown++
    if (c.consultationOnly) t.consultation++
  }
  if (c.gpRedirected !== undefined) {
    t.gpKnown++
    if (c.gpRedirected) t.gp++
  }
  if (c.status === 'declined') {
    t.declined++
    t.declinedTo[c.declinedTo ?? 'other']++
  }
  if (advised) t.advised++
  const f = c.followUp
  if (f) {
    t.answered++
    t.adviceFollowed[f.adviceFollowed]++
    if (f.careStarted) t.careStarted++
    if (f.goalsReached !== null) t.goalsReached[f.goalsReached]++
    if (f.stoppedEarly) t.stoppedEarly++
    t.usefulness[String(f.usefulness) as '1']++
    t.usefulnessSum += f.usefulness
  }
}

function sharesOf(t: Tally): MonitoringShares {
  return {
    analysisPresent: share(t.analysisPresent, t.analysisKnown),
    urgent: share(t.urgent, t.urgencyKnown),
    consultation: share(t.consultation, t.consultationKnown),
    gpRedirected: share(t.gp, t.gpKnown),
    declined: share(t.declined, t.submitted),
    declinedTo: t.declinedTo,
  }
}

function outcomesOf(t: Tally): MonitoringOutcomes {
  return {
    advised: t.advised,
    answered: t.answered,
    adviceFollowed: t.adviceFollowed,
    careStarted: t.careStarted,
    goalsReached: t.goalsReached,
    stoppedEarly: t.stoppedEarly,
    usefulness: {
      counts: t.usefulness,
      mean: t.answered === 0 ? null : Math.round((t.usefulnessSum / t.answered) * 100) / 100,
    },
  }
}

function dayOfDateOrInstant(value: string): DayNumber {
  return value.length === 10 ? dayOfIso(value) : amsterdamDay(instantMs(value))
}

/** The Amsterdam day care started: `careStartedAt`, else the follow-up answer's date; null when unknown. */
export function careStartDay(c: MonitoringCase): DayNumber | null {
  if (c.careStartedAt) return dayOfDateOrInstant(c.careStartedAt)
  if (c.followUp?.careStarted && c.followUp.careStartedAt) return dayOfIso(c.followUp.careStartedAt)
  return null
}

/** Working days from `start` to `end`; null when either is unknown, `end` is after today or before `start`. */
function span(
  start: DayNumber | null,
  end: DayNumber | null,
  today: DayNumber,
  cal: WorkingCalendar,
): number | null {
  if (start === null || end === null || end > today || end < start) return null
  return countWorkingDays(start, end, cal)
}

/**
 * Builds the monitoring model for a period as of `now`. Throws a RangeError when `from`/`to` are not
 * dates or `from` is after `to` (callers validate input first; see `MonitoringQuerySchema`).
 */
export function buildMonitoring(
  cases: readonly MonitoringCase[],
  query: MonitoringQuery,
  now: Date,
  rules: StalledRules = DEFAULT_STALLED_RULES,
  /** The region pack's interventions and municipalities, the rows of the breakdowns (default: Drenthe's). */
  region: { interventions: readonly Intervention[]; municipalities: readonly string[] } = {
    interventions: INTERVENTIONS,
    municipalities: MUNICIPALITIES,
  },
): Monitoring {
  const cal = calendarOf(rules)
  const fromDay = dayOfIso(query.from)
  const toDay = dayOfIso(query.to)
  if (fromDay > toDay) throw new RangeError('from is after to')
  const today = amsterdamDay(now)
  const municipality = query.municipality ?? null
  const intervention = query.intervention ?? null

  const quarters = quartersBetween(query.from, query.to)
  const quarterIndex = new Map(quarters.map((q, i) => [q, i]))
  const quarterSamples = quarters.map(() => emptySamples())
  const quarterTallies = quarters.map(() => emptyTally())
  const overall = emptySamples()
  const byIntervention = new Map<Intervention, Samples>(region.interventions.map((i) => [i, emptySamples()]))
  const byMunicipality = new Map<string, Samples>(region.municipalities.map((m) => [m, emptySamples()]))
  const tally = emptyTally()

  const byStatus = zeros(WAITING_STATUSES)
  const byAge = zeros(AGE_BUCKETS)
  const byStatusAndAge = Object.fromEntries(WAITING_STATUSES.map((s) => [s, zeros(AGE_BUCKETS)])) as Record<
    WaitingStatus,
    Record<AgeBucket, number>
  >
  let waitingTotal = 0

  // One pass: a day number per timestamp, then straight counting (10,000 cases ≤ 150 ms, DESIGN.md §5).
  for (const c of cases) {
    if (municipality !== null && c.municipality !== municipality) continue
    if (intervention !== null && c.intervention !== intervention) continue
    const p = prepareCase(c)
    const submitted = p.submittedDay
    if (submitted === null) continue

    if (!NEVER_STALLING.includes(c.status) && submitted <= today) {
      const status = c.status as WaitingStatus
      const bucket = ageBucket(countWorkingDays(submitted, today, cal))
      waitingTotal++
      byStatus[status]++
      byAge[bucket]++
      byStatusAndAge[status][bucket]++
    }

    if (submitted < fromDay || submitted > toDay) continue
    const care = careStartDay(c)
    const advisedDay = p.advisedDay !== null && p.advisedDay <= today ? p.advisedDay : null
    const qi = quarterIndex.get(quarterOfDay(submitted)) as number
    // Each stage is counted once and then added to the four groups the case belongs to.
    const triage = span(submitted, p.triagedDay, today, cal)
    const advice = span(submitted, p.advisedDay, today, cal)
    const adviceToCare = span(p.advisedDay, care, today, cal)
    const toCare = span(submitted, care, today, cal)
    const iSamples = c.intervention === null ? undefined : byIntervention.get(c.intervention)
    for (const g of [overall, quarterSamples[qi], iSamples, byMunicipality.get(c.municipality)]) {
      if (g === undefined) continue
      if (triage !== null) g.submissionToTriage.push(triage)
      if (advice !== null) g.submissionToAdvice.push(advice)
      if (adviceToCare !== null) g.adviceToCare.push(adviceToCare)
      if (toCare !== null) g.submissionToCare.push(toCare)
    }
    const advised = advisedDay !== null
    count(tally, c, advised)
    count(quarterTallies[qi] as Tally, c, advised)
  }

  return {
    generatedAt: now.toISOString(),
    from: query.from,
    to: query.to,
    filter: { municipality, intervention },
    submitted: tally.submitted,
    leadTimes: {
      overall: statsOf(overall),
      byIntervention: Object.fromEntries(
        region.interventions.map((i) => [i, statsOf(byIntervention.get(i) as Samples)]),
      ) as Record<Intervention, StageStats>,
      byMunicipality: Object.fromEntries(
        region.municipalities.map((m) => [m, statsOf(byMunicipality.get(m) as Samples)]),
      ) as Record<Municipality, StageStats>,
    },
    quarters: quarters.map((quarter, i) => {
      const bounds = quarterBounds(quarter)
      const from = bounds.from < query.from ? query.from : bounds.from
      const to = bounds.to > query.to ? query.to : bounds.to
      const t = quarterTallies[i] as Tally
      return {
        quarter,
        from,
        to,
        partial: from !== bounds.from || to !== bounds.to,
        submitted: t.submitted,
        leadTimes: statsOf(quarterSamples[i] as Samples),
        shares: sharesOf(t),
        outcomes: outcomesOf(t),
      }
    }),
    waiting: { total: waitingTotal, byStatus, byAge, byStatusAndAge },
    shares: sharesOf(tally),
    outcomes: outcomesOf(tally),
  }
}

/** The query of `/monitoring` and `ret monitor`: dates, `from` ≤ `to`, at most ten years. */
function isCalendarDate(text: string): boolean {
  try {
    dayOfIso(text)
    return true
  } catch {
    return false
  }
}

const calendarDate = z.iso
  .date({ error: 'monitoring.validation.date' })
  .refine(isCalendarDate, { message: 'monitoring.validation.date', abort: true })

/** The query schema of a region: its municipalities and interventions are the filters' only values. */
function querySchemaFor(municipalities: readonly string[], interventions: readonly Intervention[]) {
  return z
    .strictObject({
      from: calendarDate,
      to: calendarDate,
      municipality: z
        .enum(municipalities as readonly Municipality[] as [Municipality, ...Municipality[]], {
          error: 'monitoring.validation.municipality',
        })
        .nullable()
        .default(null),
      intervention: z
        .enum(interventions as [Intervention, ...Intervention[]], {
          error: 'monitoring.validation.intervention',
        })
        .nullable()
        .default(null),
    })
    .refine((q) => q.from <= q.to, { message: 'monitoring.validation.order', path: ['to'] })
    .refine(
      (q) => !isCalendarDate(q.from) || !isCalendarDate(q.to) || dayOfIso(q.to) - dayOfIso(q.from) <= 3660,
      {
        message: 'monitoring.validation.tooLong',
        path: ['to'],
      },
    )
}

export const MonitoringQuerySchema = querySchemaFor(MUNICIPALITIES, INTERVENTIONS)

/** Counts under this are masked in exports (DOMAIN.md §6). */
export const SMALL_COUNT = 5

/** A count as shown in an export: every count under 5 (0 too, so a masked cell reveals nothing) reads "<5". */
export function maskSmall(n: number): string {
  return n < SMALL_COUNT ? '<5' : String(n)
}

/** Validates a monitoring query (page filters, CLI options); errors name the field in Dutch and English. */
export function parseMonitoringQuery(
  input: unknown,
  region?: { municipalities: readonly string[]; interventions: readonly Intervention[] },
): ParseResult<MonitoringQuery> {
  const schema = region ? querySchemaFor(region.municipalities, region.interventions) : MonitoringQuerySchema
  const result = schema.safeParse(input)
  if (result.success) return { ok: true, value: result.data }
  const errors: ValidationError[] = []
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.') || 'query'
    const key = issue.message.startsWith('monitoring.') ? issue.message : 'monitoring.validation.date'
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys)
        errors.push({
          path: k,
          ...both('digest.validation.unknownField', {
            field: k,
            fields: 'from, to, municipality, intervention',
          }),
        })
    } else errors.push({ path: field, ...both(key, { field }) })
  }
  return { ok: false, errors }
}
