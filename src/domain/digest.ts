import {
  amsterdamDay,
  amsterdamTime,
  countWorkingDays,
  type DayNumber,
  type IsoDate,
  instantMs,
  isoOfDay,
  isoWeekOfDay,
} from './calendar'
import { INTERVENTIONS, type Intervention, MUNICIPALITIES, type Municipality } from './enums'
import type { CaseStatus } from './lifecycle'
import {
  assessPrepared,
  type CaseSummary,
  calendarOf,
  DEFAULT_STALLED_RULES,
  NEVER_STALLING,
  type NextStep,
  type PreparedCase,
  prepareCase,
  STALLED_RULE_IDS,
  type StalledRuleId,
  type StalledRules,
} from './stalled'

/**
 * The weekly digest model (DOMAIN.md §6): a pure function of (case summaries, now, rules). Surfaces
 * (Teams, Slack, the web page with charts and CSV) render this model; they add nothing.
 *
 * Decisions, so every surface reads the numbers the same way:
 * - `counts` are counts of **stalled** cases (they sit beside the stalled list in §6); counts of all open
 *   cases (submitted … advised) are under `open`, also per status.
 * - `newThisWeek` counts the cases submitted in the seven days up to `now` (now − 7 days exclusive,
 *   now inclusive), whatever their status now; `quiet` is true when nothing is stalled and nothing new
 *   came in, and every surface then reads one sentence instead of tables of zeros.
 * - `change` compares stalled counts now with a week ago. With `previous` (last week's stored digest,
 *   see `snapshotOf`) it is exact (`basis: 'snapshot'`); without it the rules are re-run as of
 *   now − 7 days on the current summaries (`basis: 'estimate'`): a case whose current status began after
 *   that moment is not judged for last week, because its earlier status is not in the summary.
 * - `leadTimes` are working days (§6 count) per intervention over all summaries passed in that have both
 *   moments at or before `now`: median (mean of the two middle values for an even count) and p90
 *   (nearest rank: the ⌈0.9·n⌉-th smallest); null when n = 0. The caller chooses the period by the
 *   summaries it passes.
 * - Only the reference and pseudonym identify a case; no other personal data enters the model.
 */

/** A stalled case as listed in the digest. */
export interface StalledEntry {
  reference: string
  pseudonym: string | null
  status: CaseStatus
  rule: StalledRuleId
  /** Working days in the current status (§6 count). */
  workingDaysInStatus: number
  /** The assigned case lead (identity key or handle), if any. */
  owner: string | null
  nextStep: NextStep
  intervention: Intervention | null
  municipality: Municipality
}

/** Stalled (or open) cases counted per intervention and per municipality, every key present. */
export interface DigestCounts {
  total: number
  byIntervention: Record<Intervention, number>
  byMunicipality: Record<Municipality, number>
}

/** One week-on-week comparison. */
export interface Delta {
  now: number
  weekAgo: number
  delta: number
}

/** Week-on-week change of the stalled counts. */
export interface DigestChange {
  basis: 'snapshot' | 'estimate'
  total: Delta
  byIntervention: Record<Intervention, Delta>
  byMunicipality: Record<Municipality, Delta>
}

/** Median and p90 of a lead time, in working days. */
export interface LeadTimeStats {
  median: number | null
  p90: number | null
  n: number
}

/** Lead times of one intervention. */
export interface InterventionLeadTimes {
  submissionToTriage: LeadTimeStats
  submissionToAdvice: LeadTimeStats
}

/** The statuses counted as open in the digest (`open.byStatus`): submitted … advised. */
export const DIGEST_OPEN_STATUSES = [
  'submitted',
  'in_triage',
  'info_requested',
  'accepted',
  'scheduled',
  'advised',
] as const satisfies readonly CaseStatus[]
export type DigestOpenStatus = (typeof DIGEST_OPEN_STATUSES)[number]

/** The digest model: what `ret digest` prints and what every surface renders. */
export interface Digest {
  /** ISO week of `now` in Amsterdam, e.g. `2026-W48`. */
  week: string
  /** `now` as an ISO instant. */
  generatedAt: string
  /** Amsterdam date of `now`. */
  date: IsoDate
  stalled: StalledEntry[]
  counts: DigestCounts & { byRule: Record<StalledRuleId, number> }
  /** Every open case (submitted … advised), also per status. */
  open: DigestCounts & { byStatus: Record<DigestOpenStatus, number> }
  /** Cases submitted in the seven days up to `now`, whatever their status now. */
  newThisWeek: DigestCounts
  /** No stalled case and no new case this week: surfaces say so in one sentence instead of tables of zeros. */
  quiet: boolean
  change: DigestChange
  leadTimes: Record<Intervention, InterventionLeadTimes>
}

/** The stalled counts of a digest, stored per week so next week's change is exact. */
export interface DigestSnapshot {
  week: string
  counts: DigestCounts
}

/** Options of `buildDigest`. */
export interface DigestConfig {
  rules?: StalledRules
  /** Last week's snapshot; when absent, last week is estimated from the current summaries. */
  previous?: DigestSnapshot | null
  /** The region pack's interventions and municipalities, the rows of every breakdown (default: Drenthe's). */
  interventions?: readonly Intervention[]
  municipalities?: readonly string[]
}

const MS_DAY = 86_400_000

function emptyRegionCounts(
  interventions: readonly Intervention[] = INTERVENTIONS,
  municipalities: readonly string[] = MUNICIPALITIES,
): DigestCounts {
  return {
    total: 0,
    byIntervention: Object.fromEntries(interventions.map((i) => [i, 0])) as Record<Intervention, number>,
    byMunicipality: Object.fromEntries(municipalities.map((m) => [m, 0])) as Record<Municipality, number>,
  }
}

function addTo(counts: DigestCounts, c: CaseSummary): void {
  counts.total++
  // A value outside the region's lists (a case filed before a pack changed) counts in the total only.
  if (c.intervention !== null && c.intervention in counts.byIntervention)
    counts.byIntervention[c.intervention]++
  if (c.municipality in counts.byMunicipality) counts.byMunicipality[c.municipality]++
}

function delta(now: number, weekAgo: number): Delta {
  return { now, weekAgo, delta: now - weekAgo }
}

/** Median and p90 (nearest rank) of a list of numbers; sorts the list in place. */
export function leadTimeStats(values: number[]): LeadTimeStats {
  const n = values.length
  if (n === 0) return { median: null, p90: null, n }
  values.sort((a, b) => a - b)
  const mid = n >> 1
  const median =
    n % 2 === 1 ? (values[mid] as number) : ((values[mid - 1] as number) + (values[mid] as number)) / 2
  const p90 = values[Math.ceil(0.9 * n) - 1] as number
  return { median, p90, n }
}

/** The stalled counts of a digest, for storing beside it (next week's `previous`). */
export function snapshotOf(digest: Digest): DigestSnapshot {
  const { total, byIntervention, byMunicipality } = digest.counts
  return { week: digest.week, counts: { total, byIntervention, byMunicipality } }
}

/** Builds the weekly digest model as of `now`. */
export function buildDigest(cases: readonly CaseSummary[], now: Date, config: DigestConfig = {}): Digest {
  const rules = config.rules ?? DEFAULT_STALLED_RULES
  const interventions = config.interventions ?? INTERVENTIONS
  const municipalities = config.municipalities ?? MUNICIPALITIES
  const emptyCounts = () => emptyRegionCounts(interventions, municipalities)
  const cal = calendarOf(rules)
  const nowMs = now.getTime()
  const today = amsterdamDay(nowMs)
  const weekAgoDay = amsterdamDay(nowMs - 7 * MS_DAY)

  const stalled: StalledEntry[] = []
  const counts = emptyCounts()
  const byRule = Object.fromEntries(STALLED_RULE_IDS.map((r) => [r, 0])) as Record<StalledRuleId, number>
  const open = emptyCounts()
  const openByStatus = Object.fromEntries(DIGEST_OPEN_STATUSES.map((st) => [st, 0])) as Record<
    DigestOpenStatus,
    number
  >
  const newThisWeek = emptyCounts()
  const weekAgoMs = nowMs - 7 * MS_DAY
  const weekAgo = emptyCounts()
  const triage = new Map<Intervention, number[]>(interventions.map((i) => [i, []]))
  const advice = new Map<Intervention, number[]>(interventions.map((i) => [i, []]))

  for (const summary of cases) {
    const p: PreparedCase = prepareCase(summary)
    collectLeadTimes(p, today, cal, triage, advice)
    if (summary.submittedAt !== null) {
      const submittedMs = instantMs(summary.submittedAt)
      if (submittedMs > weekAgoMs && submittedMs <= nowMs) addTo(newThisWeek, summary)
    }
    if (NEVER_STALLING.includes(summary.status)) continue
    addTo(open, summary)
    openByStatus[summary.status as DigestOpenStatus]++
    const a = assessPrepared(p, today, rules, cal)
    if (a.stalled && a.rule !== null && a.next !== null) {
      addTo(counts, summary)
      byRule[a.rule]++
      stalled.push({
        reference: summary.reference,
        pseudonym: summary.pseudonym,
        status: summary.status,
        rule: a.rule,
        workingDaysInStatus: a.workingDaysInStatus,
        owner: summary.owner,
        nextStep: a.next,
        intervention: summary.intervention,
        municipality: summary.municipality,
      })
    }
    if (!config.previous && assessPrepared(p, weekAgoDay, rules, cal, false).stalled) addTo(weekAgo, summary)
  }

  // Most overdue first; the reference breaks ties so the order is stable.
  stalled.sort((x, y) => {
    const a = x.nextStep.due
    const b = y.nextStep.due
    if (a !== b) return a < b ? -1 : 1
    return x.reference < y.reference ? -1 : x.reference > y.reference ? 1 : 0
  })

  const before = config.previous?.counts ?? weekAgo
  const change: DigestChange = {
    basis: config.previous ? 'snapshot' : 'estimate',
    total: delta(counts.total, before.total),
    byIntervention: Object.fromEntries(
      interventions.map((i) => [i, delta(counts.byIntervention[i], before.byIntervention[i] ?? 0)]),
    ) as Record<Intervention, Delta>,
    byMunicipality: Object.fromEntries(
      (municipalities as readonly Municipality[]).map((m) => [
        m,
        delta(counts.byMunicipality[m], before.byMunicipality[m] ?? 0),
      ]),
    ) as Record<Municipality, Delta>,
  }

  const leadTimes = Object.fromEntries(
    interventions.map((i) => [
      i,
      {
        submissionToTriage: leadTimeStats(triage.get(i) ?? []),
        submissionToAdvice: leadTimeStats(advice.get(i) ?? []),
      },
    ]),
  ) as Record<Intervention, InterventionLeadTimes>

  return {
    week: isoWeekOfDay(today),
    generatedAt: now.toISOString(),
    date: isoOfDay(today),
    stalled,
    counts: { ...counts, byRule },
    open: { ...open, byStatus: openByStatus },
    newThisWeek,
    quiet: stalled.length === 0 && newThisWeek.total === 0,
    change,
    leadTimes,
  }
}

function collectLeadTimes(
  p: PreparedCase,
  today: DayNumber,
  cal: ReturnType<typeof calendarOf>,
  triage: Map<Intervention, number[]>,
  advice: Map<Intervention, number[]>,
): void {
  const intervention = p.summary.intervention
  if (intervention === null || p.submittedDay === null) return
  if (p.triagedDay !== null && p.triagedDay <= today) {
    triage.get(intervention)?.push(countWorkingDays(p.submittedDay, p.triagedDay, cal))
  }
  if (p.advisedDay !== null && p.advisedDay <= today) {
    advice.get(intervention)?.push(countWorkingDays(p.submittedDay, p.advisedDay, cal))
  }
}

/**
 * Whether a cron firing is the weekly digest's: Monday 08:00–08:59 in Amsterdam. wrangler.toml fires at
 * 06:00 UTC daily and 07:00 UTC on Mondays; on a summer Monday (CEST, UTC+2) 06:00 UTC is 08:00, on a
 * winter Monday (CET, UTC+1) 07:00 UTC is, so exactly one of the two firings each Monday says yes. DST
 * switches on Sundays, so no Monday is ambiguous.
 */
export function isDigestDue(cronTime: Date): boolean {
  const local = amsterdamTime(cronTime)
  return local.weekday === 1 && local.hour === 8
}

/** The idempotency key of one digest delivery: one per ISO week and recipient. */
export function digestKey(week: string, recipient: string): string {
  return `digest:${week}:${recipient}`
}
