import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { actorKey } from '../../src/domain/lifecycle'
import type { Actor } from '../../src/domain/types'
import { JobRegistry } from '../../src/jobs/handlers'
import { TemporaryError } from '../../src/jobs/queue'
import { runCaseCommand } from '../../src/services/cases'
import { buildDeps, processBatch, processDeadLetters, registerJobHandler } from '../../src/wiring'
import unicodeSample from '../fixtures/intakes/sample-unicode-names.json'

const TOKEN = 'test-api-token-0123456789'
const BASE = 'http://ret.test/api/v1/cases'

/** A sample with distinctive personal values (none of them can occur inside base64 by chance). */
const INTAKE = {
  ...unicodeSample.intake,
  referrer: {
    ...unicodeSample.intake.referrer,
    name: 'Ĳsbrand Łukasiewicz-Őrs',
    email: 'ijsbrand.orsz@gemeente-voorbeeld.nl',
    phone: '+31 6 1234 5678',
  },
  child: { ...unicodeSample.intake.child, pseudonym: 'Ŧë.' },
  question: 'Hoe houden we Ŧ. veilig thuis bij oma?',
  perspective: 'Moeder zegt: het gaat niet meer zo.',
}
const PERSONAL = [
  INTAKE.referrer.name,
  INTAKE.referrer.email,
  INTAKE.referrer.phone,
  INTAKE.child.pseudonym,
  INTAKE.question,
  INTAKE.perspective,
  ...INTAKE.help.history.flatMap((h) => [h.what, h.why].filter((v): v is string => Boolean(v))),
  ...INTAKE.help.parties.map((p) => p.organisation),
  'Łukasiewicz',
  'gemeente-voorbeeld',
]

function post(body: unknown, key: string | null, headers: Record<string, string> = {}) {
  return exports.default.fetch(BASE, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...(key === null ? {} : { 'idempotency-key': key }),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

async function countCases(): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM cases').first<{ n: number }>()
  return row?.n ?? 0
}

const seqOf = (reference: string) => Number(reference.split('-')[2])

// Registered on the Worker's own registry: the real queue consumer calls it for every case.submitted.
registerJobHandler('case.submitted', 'test.spy', async () => {})

describe('POST /api/v1/cases: edges', () => {
  it('refuses a missing or wrong token with a bilingual 401', async () => {
    const none = await exports.default.fetch(BASE, { method: 'POST', body: '{}' })
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toContain('Bearer')
    const body = (await none.json()) as { error: { nl: string; en: string } }
    expect(body.error.nl).toContain('token')
    expect(body.error.en).toContain('token')
    const wrong = await post(INTAKE, 'k', { authorization: 'Bearer test-api-token-0123456780' })
    expect(wrong.status).toBe(401)
    expect(await countCases()).toBe(0)
  })

  it('requires an Idempotency-Key, JSON, a bounded body and a valid intake', async () => {
    const noKey = await post(INTAKE, null)
    expect(noKey.status).toBe(400)
    expect(((await noKey.json()) as { error: { code: string } }).error.code).toBe('idempotencyKeyRequired')
    expect((await post(INTAKE, 'has space')).status).toBe(400)
    expect((await post(INTAKE, 'k', { 'content-type': 'text/plain' })).status).toBe(415)
    const big = { ...INTAKE, question: 'x'.repeat(300 * 1024) }
    expect((await post(big, 'big')).status).toBe(413)
    // Without a Content-Length the edge's body limit (hono/body-limit) counts while reading and stops at 256 kB.
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(chunk)
        controller.close()
      },
    })
    const streamed = await exports.default.fetch(BASE, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        'idempotency-key': 's',
      },
      body: stream,
    })
    expect(streamed.status).toBe(413)
    expect(((await streamed.json()) as { error: { en: string } }).error.en).toMatch(/256 kB/)
    const invalid = await post({ ...INTAKE, urgency: 'morgen', extra: true }, 'bad')
    expect(invalid.status).toBe(400)
    const errors = ((await invalid.json()) as { errors: { path: string; nl: string; en: string }[] }).errors
    expect(errors.map((e) => e.path).sort()).toEqual(['extra', 'urgency'])
    expect(errors.every((e) => e.nl && e.en && e.nl !== e.en)).toBe(true)
    const notJson = await post('{"language":', 'nojson')
    expect(notJson.status).toBe(400)
    expect(await countCases()).toBe(0)
  })
})

describe('POST /api/v1/cases: filing', () => {
  it('creates a case (201), replays the same key (200, no second case), refuses a changed body (422)', async () => {
    const first = await post(INTAKE, 'create-1')
    expect(first.status).toBe(201)
    const body = (await first.json()) as {
      reference: string
      status: string
      routing: {
        primary: string
        reasons: unknown[]
        gates: unknown[]
        missing: string[]
        scores: Record<string, number>
      }
      receipt: Record<'nl' | 'en', { next: string; crisis: string[] }>
    }
    expect(body.reference).toMatch(/^RET-\d{4}-\d{4}$/)
    // what happens next, in both languages (issue 13 §2); crisis numbers only for an urgent report
    expect(body.receipt.nl.next).toMatch(INTAKE.acuteDanger ? /bellen je nu terug/ : /RET/)
    expect(body.receipt.en.next.length).toBeGreaterThan(10)
    expect(body.receipt.nl.crisis.length > 0).toBe(INTAKE.acuteDanger || INTAKE.urgency === 'acuut')
    expect(body.status).toBe('submitted')
    expect(body.routing.primary).toBe(unicodeSample.expected.primary)
    // the public routing output of docs/routing.md: every intervention's score, reasons with what they scored
    expect(Object.keys(body.routing.scores).sort()).toEqual(['EXPERTTAFEL', 'MDA++', 'RO3', 'ROP', 'RST'])
    for (const r of body.routing.reasons) expect(r).toHaveProperty('weight')

    const again = await post(INTAKE, 'create-1')
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual(body)
    expect(await countCases()).toBe(1)

    // Same content, other key order: the same request.
    const reordered = Object.fromEntries(Object.entries(INTAKE).reverse())
    expect((await post(reordered, 'create-1')).status).toBe(200)

    const changed = await post({ ...INTAKE, urgency: 'spoed' }, 'create-1')
    expect(changed.status).toBe(422)
    const error = ((await changed.json()) as { error: { nl: string; en: string } }).error
    expect(error.en).toContain(body.reference)
    expect(await countCases()).toBe(1)

    const summary = await exports.default.fetch(`${BASE}/${body.reference}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    expect(summary.status).toBe(200)
    const s = (await summary.json()) as Record<string, unknown>
    expect(s).toMatchObject({ reference: body.reference, status: 'submitted', municipality: 'Emmen' })
    expect(JSON.stringify(s)).not.toContain('Ŧ')
    expect((await exports.default.fetch(`${BASE}/${body.reference}`)).status).toBe(401)
    const missing = await exports.default.fetch(`${BASE}/RET-2001-0001`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    expect(missing.status).toBe(404)
  })

  it('gives 10 concurrent creates 10 distinct, consecutive references', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => post(INTAKE, `parallel-${i}`)))
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201))
    const refs = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { reference: string }).reference),
    )
    expect(new Set(refs).size).toBe(10)
    const numbers = refs.map(seqOf).sort((a, b) => a - b)
    expect(numbers.at(-1)! - numbers[0]!).toBe(9)
  })

  it('creates one case for the same key sent concurrently', async () => {
    const before = await countCases()
    const responses = await Promise.all(Array.from({ length: 6 }, () => post(INTAKE, 'same-key')))
    const statuses = responses.map((r) => r.status).sort()
    expect(statuses).toEqual([200, 200, 200, 200, 200, 201])
    const refs = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { reference: string }).reference),
    )
    expect(new Set(refs).size).toBe(1)
    expect(await countCases()).toBe(before + 1)
  })

  it('keeps every personal value out of every table in plain text', async () => {
    await post(INTAKE, 'privacy-1')
    const tables = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    ).all<{ name: string }>()
    const names = tables.results.map((t) => t.name)
    expect(names).toEqual(
      expect.arrayContaining(['cases', 'case_events', 'routing_decisions', 'audit_log', 'idempotency_keys']),
    )
    let dump = ''
    for (const name of names) {
      const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all()
      dump += JSON.stringify(rows.results)
    }
    expect(dump).toContain('RET-')
    for (const secret of PERSONAL) expect(dump, secret).not.toContain(secret)
    const row = await env.DB.prepare('SELECT intake_enc, pseudonym_enc FROM cases LIMIT 1').first<{
      intake_enc: string
      pseudonym_enc: string
    }>()
    // Under the case's own key (issue 14 §10), which is wrapped by master key k1.
    expect(row?.intake_enc).toMatch(/^v2\.case\./)
    expect(row?.pseudonym_enc).toMatch(/^v2\.case\./)
    const key = await env.DB.prepare('SELECT key_enc FROM case_keys LIMIT 1').first<{ key_enc: string }>()
    expect(key?.key_enc).toMatch(/^v1\.k1\./)
  })

  it('sends case.submitted to the queue, and the consumer handles it once', async () => {
    const res = await post(INTAKE, 'queue-1')
    const { reference } = (await res.json()) as { reference: string }
    const ledger = `case.submitted:${reference}#test.spy`
    let seen = null
    for (let i = 0; i < 50 && !seen; i++) {
      seen = await env.DB.prepare('SELECT job_id FROM processed_jobs WHERE job_id = ?1').bind(ledger).first()
      if (!seen) await new Promise((r) => setTimeout(r, 100))
    }
    expect(seen).toEqual({ job_id: ledger })
  })
})

describe('optimistic concurrency and append-only tables on D1', () => {
  const chair: Actor = {
    surface: 'web',
    tenant: 'dev',
    userId: 'chair-1',
    name: 'Voorzitter',
    roles: ['chair'],
    lang: 'nl',
  }

  it('lets one of two concurrent commands win and returns the other a conflict', async () => {
    const { reference } = (await (await post(INTAKE, 'occ-1')).json()) as { reference: string }
    const deps = buildDeps(env)
    const [a, b] = await Promise.all([
      runCaseCommand(deps, {
        reference,
        command: { type: 'accept', intervention: 'EXPERTTAFEL', reason: 'Tafel past beter.' },
        actor: chair,
        expectedVersion: 1,
      }),
      runCaseCommand(deps, {
        reference,
        command: { type: 'decline', reason: 'Geen RET-vraag.', alternative: 'Lokaal team.' },
        actor: { ...chair, userId: 'chair-2' },
        expectedVersion: 1,
      }),
    ])
    expect([a.ok, b.ok].sort()).toEqual([false, true])
    const loser = a.ok ? b : a
    expect(loser).toMatchObject({ ok: false, error: { code: 'conflict' }, current: { version: 2 } })
    const events = await env.DB.prepare(
      'SELECT seq, type FROM case_events WHERE case_id = (SELECT id FROM cases WHERE reference = ?1) ORDER BY seq',
    )
      .bind(reference)
      .all<{ seq: number; type: string }>()
    expect(events.results.map((e) => e.seq)).toEqual([1, 2])
    const row = await env.DB.prepare('SELECT version, status FROM cases WHERE reference = ?1')
      .bind(reference)
      .first<{ version: number; status: string }>()
    expect(row?.version).toBe(2)
    expect(['accepted', 'declined']).toContain(row?.status)
    // The reason is stored, but not readable.
    const dump = JSON.stringify((await env.DB.prepare('SELECT * FROM case_events').all()).results)
    expect(dump).not.toContain('Tafel past beter')
    expect(dump).not.toContain('Geen RET-vraag')
    const audit = await env.DB.prepare(
      "SELECT actor_key FROM audit_log WHERE case_reference = ?1 AND action = 'change'",
    )
      .bind(reference)
      .all<{ actor_key: string }>()
    expect(audit.results).toHaveLength(1)
    expect(audit.results[0]?.actor_key).toMatch(/^web:dev:chair-[12]$/)
    expect(actorKey(chair)).toBe('web:dev:chair-1')
  })

  it('refuses to update the timeline or the audit log', async () => {
    await post(INTAKE, 'append-only-1')
    await expect(env.DB.prepare("UPDATE case_events SET type = 'x'").run()).rejects.toThrow(/append-only/)
    await expect(env.DB.prepare("UPDATE audit_log SET action = 'x'").run()).rejects.toThrow(/append-only/)
    await expect(env.DB.prepare('DELETE FROM audit_log').run()).rejects.toThrow(/append-only/)
  })
})

describe('queue consumer', () => {
  function batchOf(bodies: unknown[], attempts = 1) {
    return createMessageBatch(
      'ret-jobs',
      bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(1_700_000_000_000), attempts, body })),
    )
  }

  it('acks invalid and unknown messages, runs a handler once per job id, retries temporary failures', async () => {
    const seen: string[] = []
    let flaky = 0
    const registry = new JobRegistry()
    registry.register('case.submitted', 'spy', async (job) => void seen.push(job.id))
    registry.register('case.changed', 'flaky', async () => {
      flaky++
      throw new TemporaryError('slack down')
    })
    registry.register('case.changed', 'broken', async () => {
      throw new Error('bug')
    })
    const job = { type: 'case.submitted', id: 'case.submitted:RET-2026-0500', reference: 'RET-2026-0500' }
    const batch = batchOf(
      [
        job,
        job,
        { type: 'nope', id: 'x' },
        'garbage',
        { type: 'case.submitted', id: 'y', reference: 'Jan Jansen' },
        { type: 'case.changed', id: 'case.changed:RET-2026-0500:2', reference: 'RET-2026-0500', version: 2 },
      ],
      3,
    )
    const retry = vi.spyOn(batch.messages[5] as Message<unknown>, 'retry')
    const ctx = createExecutionContext()
    await processBatch(batch, env, { registry })
    const result = await getQueueResult(batch, ctx)
    expect(seen).toEqual([job.id])
    expect(flaky).toBe(1)
    expect(result.explicitAcks.sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4'])
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(['m5'])
    // Third attempt: 30 s · 2² = 120 s.
    expect(retry).toHaveBeenCalledWith({ delaySeconds: 120 })

    // The redelivery runs only the handler that has not finished; the broken one is not repeated.
    const again = batchOf(
      [{ type: 'case.changed', id: 'case.changed:RET-2026-0500:2', reference: 'RET-2026-0500', version: 2 }],
      4,
    )
    await processBatch(again, env, { registry })
    expect(flaky).toBe(2)
    const ledger = await env.DB.prepare(
      "SELECT job_id FROM processed_jobs WHERE job_id LIKE 'case.changed:RET-2026-0500:2#%'",
    ).all<{ job_id: string }>()
    expect(ledger.results.map((r) => r.job_id)).toEqual(['case.changed:RET-2026-0500:2#broken'])
  })

  it('logs dead letters and runs the dead-letter hooks once per job', async () => {
    const registry = new JobRegistry()
    const alerts: (string | null)[] = []
    registry.onDeadLetter('alert', async (letter) => void alerts.push(letter.id))
    const body = { type: 'case.submitted', id: 'case.submitted:RET-2026-0600', reference: 'RET-2026-0600' }
    const batch = createMessageBatch('ret-jobs-dlq', [
      { id: 'd1', timestamp: new Date(1_700_000_000_000), attempts: 1, body },
      { id: 'd2', timestamp: new Date(1_700_000_000_000), attempts: 1, body },
    ])
    const ctx = createExecutionContext()
    await processDeadLetters(batch, env, { registry })
    const result = await getQueueResult(batch, ctx)
    expect(result.explicitAcks.sort()).toEqual(['d1', 'd2'])
    expect(alerts).toEqual([body.id])
  })
})
