import { z } from 'zod'
import {
  amsterdamDay,
  amsterdamOffsetMs,
  countWorkingDays,
  type DayNumber,
  type WorkingCalendar,
} from './calendar'
import { INTERVENTIONS, type Intervention, MUNICIPALITIES, URGENCIES } from './enums'
import { CASE_STATUSES, type CaseStatus, FINAL_STATUSES } from './lifecycle'
import { DEFAULT_RULES, type RuleSet } from './rules'
import { calendarOf, DEFAULT_STALLED_RULES, type StalledRules } from './stalled'
import type { RoutingDecision, RoutingReason } from './types'

/**
 * The web console's case list and case page, the pure part: list filters from the query string,
 * the stalled rules of DOMAIN.md §6 as bounds a database can use, waiting time in working days,
 * routing reasons grouped per intervention and a local date and time as an instant.
 */

const MS_DAY = 86_400_000

/**
 * Instants before which a case counts as stalled, per rule: `statusSince` for triage, information and
 * scheduling, `scheduledFor` for the outcome (`outcomeDate` for a date-only `scheduledFor`), `advisedAt`
 * for the follow-up. The same verdict as `assessCase` (a case without `triageWorkingDaysBefore`).
 */
export interface StalledCutoffs {
  triage: string
  info: string
  scheduling: string
  outcome: string
  outcomeDate: string
  followUp: string
}

/** The instant Amsterdam's day `day` starts (local midnight never falls on a DST switch hour). */
export function amsterdamMidnight(day: DayNumber): Date {
  const utcMidnight = day * MS_DAY
  return new Date(utcMidnight - amsterdamOffsetMs(utcMidnight))
}

/** The latest day `d` with more than `limit` working days in `(d, today]`. */
function lastStalledDay(today: DayNumber, limit: number, cal: WorkingCalendar): DayNumber {
  let day = today
  while (countWorkingDays(day, today, cal) <= limit) day--
  return day
}

/** The stalled bounds at `now`: a timestamp before its bound means that rule's clock ran out. */
export function stalledCutoffs(now: Date, rules: StalledRules = DEFAULT_STALLED_RULES): StalledCutoffs {
  const cal = calendarOf(rules)
  const today = amsterdamDay(now)
  const bound = (limit: number) => lastStalledDay(today, limit, cal) + 1
  const iso = (day: DayNumber) => amsterdamMidnight(day).toISOString()
  const outcome = bound(rules.rules.outcome_overdue.limit)
  const followUp = today - rules.rules.follow_up_overdue.limit * 7
  return {
    triage: iso(bound(rules.rules.triage_overdue.limit)),
    info: iso(bound(rules.rules.info_overdue.limit)),
    scheduling: iso(bound(rules.rules.scheduling_overdue.limit)),
    outcome: iso(outcome),
    outcomeDate: new Date(outcome * MS_DAY).toISOString().slice(0, 10),
    followUp: iso(followUp),
  }
}

/** Working days a case has waited in its current status (the §6 count). */
export function waitingWorkingDays(
  statusSince: string,
  now: Date,
  rules: StalledRules = DEFAULT_STALLED_RULES,
): number {
  return countWorkingDays(amsterdamDay(new Date(statusSince)), amsterdamDay(now), calendarOf(rules))
}

/** The status filter: open cases (default), every case, or one status. */
export const STATUS_FILTERS = ['open', 'all', ...CASE_STATUSES.filter((s) => s !== 'draft')] as const
export type StatusFilter = (typeof STATUS_FILTERS)[number]

const CURSOR = /^([0-9TZ:.-]{20,30})~(RET-\d{4}-\d{4,6})$/

/**
 * The list's query string. Unknown or malformed values fall back to the default (no filter) instead of
 * an error: the list is a view, and an old bookmark must still open.
 */
export const CaseListParamsSchema = z.object({
  status: z.enum(STATUS_FILTERS).catch('open'),
  intervention: z.enum(INTERVENTIONS).optional().catch(undefined),
  municipality: z.enum(MUNICIPALITIES).optional().catch(undefined),
  urgency: z.enum(URGENCIES).optional().catch(undefined),
  stalled: z
    .literal('1')
    .optional()
    .catch(undefined)
    .transform((v) => v === '1'),
  sort: z.enum(['waiting', 'recent']).catch('waiting'),
  after: z
    .string()
    .regex(CURSOR)
    .optional()
    .catch(undefined)
    .transform((v) => {
      const m = v ? CURSOR.exec(v) : null
      return m ? { statusSince: m[1] as string, reference: m[2] as string } : undefined
    }),
})
export type CaseListParams = z.output<typeof CaseListParamsSchema>

/**
 * Reads the list filters from query parameters (never fails). `region`: the pack's interventions and
 * municipalities, the only values a filter takes (default: Drenthe's).
 */
export function parseCaseListParams(
  query: Record<string, string | undefined>,
  region?: { interventions: readonly string[]; municipalities: readonly string[] },
): CaseListParams {
  const known = (list: readonly string[] | undefined, v: string | undefined) =>
    v && (!list || list.includes(v)) ? v : undefined
  const municipality = known(region?.municipalities, query.municipality || undefined)
  const params = CaseListParamsSchema.parse({
    status: query.status || undefined,
    intervention: known(region?.interventions, query.intervention || undefined),
    // Another region's municipality passes the shared schema's check separately (below).
    municipality: region ? undefined : municipality,
    urgency: query.urgency || undefined,
    stalled: query.stalled || undefined,
    sort: query.sort || undefined,
    after: query.after || undefined,
  })
  return region && municipality
    ? { ...params, municipality: municipality as CaseListParams['municipality'] }
    : params
}

/** The cursor text of a page start (`<statusSince>~<reference>`). */
export function cursorText(at: { statusSince: string; reference: string }): string {
  return `${at.statusSince}~${at.reference}`
}

/** The statuses a status filter selects; undefined means every status but draft. */
export function statusesOf(filter: StatusFilter): readonly CaseStatus[] | undefined {
  if (filter === 'all') return undefined
  if (filter === 'open') return CASE_STATUSES.filter((s) => s !== 'draft' && !FINAL_STATUSES.includes(s))
  return [filter]
}

/** The intervention a routing rule or override belongs to, by its id. */
function interventionOfRule(rules: RuleSet, id: string): Intervention | undefined {
  return (
    rules.rules.find((r) => r.id === id)?.intervention ??
    rules.overrides.find((o) => o.id === id)?.intervention
  )
}

/** Reasons per intervention: the suggestion first, then the alternatives, then any other. */
export function groupReasons(
  decision: Pick<RoutingDecision, 'primary' | 'alternatives' | 'reasons'>,
  rules: RuleSet = DEFAULT_RULES,
): { intervention: Intervention; reasons: RoutingReason[] }[] {
  const order: Intervention[] = [decision.primary, ...decision.alternatives]
  const groups = new Map<Intervention, RoutingReason[]>()
  for (const reason of decision.reasons) {
    const intervention = interventionOfRule(rules, reason.rule) ?? reason.intervention
    if (!order.includes(intervention)) order.push(intervention)
    groups.set(intervention, [...(groups.get(intervention) ?? []), reason])
  }
  return [...new Set(order)]
    .filter((i) => groups.has(i))
    .map((intervention) => ({ intervention, reasons: groups.get(intervention) ?? [] }))
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/

/**
 * An Amsterdam wall-clock date (`2026-12-08`) and time (`14:30`) as a UTC instant (ISO 8601), or null
 * when either is not a real date or time. In the autumn's repeated hour the first occurrence counts.
 */
export function amsterdamLocalToIso(date: string, time: string): string | null {
  const d = LOCAL_DATE.exec(date)
  const t = LOCAL_TIME.exec(time)
  if (!d || !t) return null
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])]
  const local = Date.UTC(year, month - 1, day, Number(t[1]), Number(t[2]))
  const check = new Date(local)
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null
  }
  const guess = local - amsterdamOffsetMs(local - 2 * 3_600_000)
  return new Date(local - amsterdamOffsetMs(guess)).toISOString()
}
