import { INTERVENTIONS, MUNICIPALITIES } from '../src/domain/enums'
import { BenchWebClient } from './clients'
import { type Figure, round, stats } from './lib'
import type { Harness } from './workerd'

/**
 * The chairs' case list (`GET /cases`, DESIGN.md §5: ≤ 100 ms server time with 10,000 cases in D1,
 * filtered; grows with the page, not with the table). Cases are written straight into the local D1
 * (the list reads only the indexed summary columns), first 1,000 and then 10,000, and the same filtered
 * pages are timed at both sizes as a signed-in chair over workerd's loopback socket (round trip = server
 * time + ~0.2 ms). The seeded rows carry no pseudonym ciphertext: a page of 50 decrypts at most 50 short
 * values, which the integration tests cover; the figure here is the query and the page.
 */

const STATUSES = [
  'submitted',
  'in_triage',
  'info_requested',
  'accepted',
  'scheduled',
  'advised',
  'closed',
  'declined',
]
const URGENCIES = ['regulier', 'spoed', 'acuut']

async function seed(harness: Harness, from: number, to: number, now: Date): Promise<void> {
  const db = await harness.mf.getD1Database('DB', 'ret')
  const day = 86_400_000
  const insert = db.prepare(
    `INSERT INTO cases (id, reference, status, suggested_intervention, chosen_intervention, municipality, age_band,
       urgency, referrer_key, created_at, status_since, submitted_at, scheduled_for, advised_at, intake_enc,
       idempotency_key)
     VALUES (?, ?, ?, ?, ?, ?, '12-17', ?, ?, ?, ?, ?, ?, ?, 'bench', ?)`,
  )
  for (let start = from; start < to; start += 500) {
    const batch = []
    for (let i = start; i < Math.min(to, start + 500); i++) {
      const status = STATUSES[i % STATUSES.length] ?? 'submitted'
      const submitted = new Date(now.getTime() - ((i * 7919) % 360) * day - (i % 24) * 3_600_000)
      const since = new Date(submitted.getTime() + (i % 15) * day)
      batch.push(
        insert.bind(
          `bench-case-${i}`,
          `RET-2026-${String(100_000 + i)}`,
          status,
          INTERVENTIONS[i % INTERVENTIONS.length] ?? 'Experttafel',
          i % 3 === 0 ? null : (INTERVENTIONS[(i + 1) % INTERVENTIONS.length] ?? null),
          MUNICIPALITIES[i % MUNICIPALITIES.length] ?? 'Assen',
          URGENCIES[i % 7 === 0 ? 2 : i % 5 === 0 ? 1 : 0] ?? 'regulier',
          `web:dev:bench-referrer-${i % 300}`,
          submitted.toISOString(),
          since.toISOString(),
          submitted.toISOString(),
          status === 'scheduled' ? new Date(since.getTime() + 5 * day).toISOString() : null,
          status === 'advised' || status === 'closed' ? since.toISOString() : null,
          `bench-idem-${i}`,
        ),
      )
    }
    await db.batch(batch)
  }
}

const QUERIES = [
  ['all open, by waiting time', '/cases'],
  ['status = in triage', '/cases?status=in_triage'],
  ['municipality = Emmen', '/cases?municipality=Emmen'],
  ['intervention = RST, urgent', '/cases?intervention=RST&urgency=acuut'],
  ['stalled only', '/cases?stalled=1'],
  ['most recent first', '/cases?sort=recent'],
] as const

interface Timings {
  times: number[]
  perQuery: Map<string, number[]>
  errors: number
}

async function timeQueries(chair: BenchWebClient, rounds: number): Promise<Timings> {
  const times: number[] = []
  const perQuery = new Map<string, number[]>()
  let errors = 0
  for (let r = 0; r < rounds; r++) {
    for (const [name, path] of QUERIES) {
      const t0 = performance.now()
      await chair.get(path)
      const ms = performance.now() - t0
      if (chair.status !== 200) errors++
      if (r === 0) continue
      times.push(ms)
      perQuery.set(name, [...(perQuery.get(name) ?? []), ms])
    }
  }
  return { times, perQuery, errors }
}

/** The filter with the highest median, and that median. */
function slowest(t: Timings): readonly [string, number] {
  const medians = [...t.perQuery].map(([name, ms]) => [name, stats(ms).median] as const)
  return medians.sort((x, y) => y[1] - x[1])[0] ?? ['—', 0]
}

export async function consoleBenches(harness: Harness): Promise<Figure[]> {
  const what = 'Chairs’ case list GET /cases, filtered, 10,000 cases in D1 (workerd socket)'
  try {
    const now = new Date()
    const chair = new BenchWebClient(harness.ret)
    await chair.login('Bench Chair', 'chair')
    await seed(harness, 0, 1_000, now)
    const small = await timeQueries(chair, 8)
    await seed(harness, 1_000, 10_000, now)
    const large = await timeQueries(chair, 8)
    const s = stats(large.times)
    const s1k = stats(small.times)
    const errors = small.errors + large.errors
    return [
      {
        id: 'console.cases',
        what,
        unit: 'ms',
        ...s,
        budget: '≤ 100 ms',
        ok: errors === 0 && s.p95 <= 100,
        note: `${QUERIES.length} filters × 7 rounds; slowest filter ${slowest(large)[0]} p50 ${round(slowest(large)[1])} ms; at 1,000 cases p50 ${round(s1k.median)} ms, p95 ${round(s1k.p95)} ms; ${errors} non-200`,
      },
    ]
  } catch (error) {
    return [
      {
        id: 'console.cases',
        what,
        unit: 'ms',
        budget: '≤ 100 ms',
        note: `not measured: ${(error as Error).message}`,
      },
    ]
  }
}
