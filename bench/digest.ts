import { INTERVENTIONS, MUNICIPALITIES } from '../src/domain/enums'
import type { Figure } from './lib'
import { stats, timeSync } from './lib'

const STATUSES = [
  'draft',
  'submitted',
  'in_triage',
  'info_requested',
  'accepted',
  'scheduled',
  'advised',
  'closed',
  'withdrawn',
  'declined',
] as const

/** 10,000 case summaries spread over a year, every status and intervention, about half of them stalled. */
export function generateCaseSummaries(count: number, now: Date): unknown[] {
  const base = now.getTime() - 360 * 86_400_000
  return Array.from({ length: count }, (_, i) => {
    const status = STATUSES[i % STATUSES.length]!
    const submitted = base + ((i * 7919) % 340) * 86_400_000 + (i % 24) * 3_600_000
    const since = submitted + (i % 20) * 86_400_000
    const iso = (ms: number) => new Date(ms).toISOString()
    return {
      reference: `RET-2026-${String(i).padStart(5, '0')}`,
      status,
      statusSince: iso(since),
      submittedAt: status === 'draft' ? null : iso(submitted),
      triagedAt: i % 4 === 0 ? null : iso(submitted + 2 * 86_400_000),
      scheduledFor: status === 'scheduled' || i % 3 === 0 ? iso(since + 3 * 86_400_000) : null,
      advisedAt: status === 'advised' || status === 'closed' ? iso(since) : null,
      followUpDoneAt: status === 'closed' ? iso(since + 86_400_000) : null,
      intervention: status === 'draft' ? null : INTERVENTIONS[i % INTERVENTIONS.length],
      municipality: MUNICIPALITIES[i % MUNICIPALITIES.length],
      pseudonym: i % 7 === 0 ? null : 'K.',
      owner: i % 2 === 0 ? null : `teams:t1:lead-${i % 13}`,
    }
  })
}

/** The stalled-case scan (reminders) plus the weekly digest over 10,000 cases (DESIGN.md §5: ≤ 150 ms). */
export async function digestBenches(): Promise<Figure[]> {
  const what = 'Stalled-case scan + digest over 10,000 cases (pure, Node)'
  try {
    const { parseCaseSummaries, dueReminders } = await import('../src/domain/stalled')
    const { buildDigest } = await import('../src/domain/digest')
    const now = new Date('2026-11-23T08:00:00+01:00')
    const raw = generateCaseSummaries(10_000, now)
    const parseMs = stats(timeSync(() => parseCaseSummaries(raw), 10, 2)).median
    const parsed = parseCaseSummaries(raw)
    if (!parsed.ok) throw new Error(`generated cases invalid: ${parsed.errors[0]?.path}`)
    let stalled = 0
    const s = stats(
      timeSync(
        () => {
          dueReminders(parsed.value, now)
          stalled = buildDigest(parsed.value, now).stalled.length
        },
        30,
        5,
      ),
    )
    return [
      {
        id: 'digest',
        what,
        unit: 'ms',
        ...s,
        budget: '≤ 150 ms',
        ok: s.median <= 150,
        note: `${stalled} stalled; validating the 10,000 summaries takes ${parseMs.toFixed(1)} ms more`,
      },
    ]
  } catch (error) {
    return [
      {
        id: 'digest',
        what,
        unit: 'ms',
        budget: '≤ 150 ms',
        note: `not measured: ${(error as Error).message}`,
      },
    ]
  }
}

/** Follow-up answers, care start and the other monitoring fields added to generated summaries. */
export function generateMonitoringCases(count: number, now: Date): unknown[] {
  return generateCaseSummaries(count, now).map((raw, i) => {
    const c = raw as Record<string, unknown>
    const advised = typeof c.advisedAt === 'string' ? (c.advisedAt as string) : null
    const careDay = advised ? new Date(Date.parse(advised) + ((i % 30) + 1) * 86_400_000) : null
    const answered = advised !== null && i % 3 !== 0
    return {
      ...c,
      urgency: (['regulier', 'spoed', 'acuut'] as const)[i % 3 === 0 ? (i % 9 === 0 ? 2 : 1) : 0],
      consultationOnly: i % 11 === 0,
      analysisPresent: i % 5 === 0 ? null : i % 2 === 0,
      gpRedirected: i % 17 === 0,
      declinedTo: c.status === 'declined' ? (['lokaal_team', 'gi', 'other'] as const)[i % 3] : null,
      careStartedAt: careDay && careDay.getTime() < now.getTime() ? careDay.toISOString().slice(0, 10) : null,
      followUp: answered
        ? {
            answeredAt: now.toISOString(),
            adviceFollowed: (['yes', 'partly', 'no'] as const)[i % 3],
            careStarted: i % 4 !== 0,
            careStartedAt: null,
            goalsReached: (['yes', 'partly', 'no'] as const)[i % 3],
            stoppedEarly: i % 13 === 0,
            usefulness: (i % 5) + 1,
          }
        : null,
    }
  })
}

/** The monitoring model over 10,000 cases and a year in quarters (DESIGN.md §5: ≤ 150 ms). */
export async function monitoringBenches(): Promise<Figure[]> {
  const what = 'Monitoring model over 10,000 cases, a year in quarters (pure, Node)'
  try {
    const { parseMonitoringCases, buildMonitoring } = await import('../src/domain/monitoring')
    const now = new Date('2026-11-23T08:00:00+01:00')
    const raw = generateMonitoringCases(10_000, now)
    const parsed = parseMonitoringCases(raw)
    if (!parsed.ok) throw new Error(`generated cases invalid: ${parsed.errors[0]?.path}`)
    const parseMs = stats(timeSync(() => parseMonitoringCases(raw), 5, 1)).median
    const query = { from: '2025-12-01', to: '2026-11-30' }
    let submitted = 0
    const s = stats(
      timeSync(
        () => {
          submitted = buildMonitoring(parsed.value, query, now).submitted
        },
        30,
        5,
      ),
    )
    return [
      {
        id: 'monitoring',
        what,
        unit: 'ms',
        ...s,
        budget: '≤ 150 ms',
        ok: s.median <= 150,
        note: `${submitted} submitted in the period; validating the 10,000 summaries takes ${parseMs.toFixed(1)} ms more`,
      },
    ]
  } catch (error) {
    return [
      {
        id: 'monitoring',
        what,
        unit: 'ms',
        budget: '≤ 150 ms',
        note: `not measured: ${(error as Error).message}`,
      },
    ]
  }
}
