import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { D1TeamsStore } from '../../adapters/teams/store'
import worker from '../../src/index'
import { pseudonymAad } from '../../src/ports/cipher'
import type { JobQueue } from '../../src/ports/queue'
import { buildDeps, runScheduled } from '../../src/wiring'
import { TEST_SERVICE_URL } from '../fixtures/teams/keys'
import { decodeSlackBody } from './slack-helpers'
import { WebClient } from './web-client'

/**
 * Reminders and the weekly digest end to end inside workerd: the scheduled handler at fixed times, the
 * queue consumed through the Worker's own `queue` export, Slack and the Bot Connector answered by msw.
 */

const TEAM = 'T0RETDRNT'
const TENANT = 'tenant-drenthe-0001'
const CONNECTOR = TEST_SERVICE_URL.replace(/\/+$/, '')
const TOKEN_URL = 'https://login.example.test/botframework.com/oauth2/v2.0/token'
const TRIAGE = 'C0TRIAGE01'
const COORD_TEAMS = `teams:${TENANT}:aad-coordinator-1`
const COORD_SLACK_USER = 'U0COORD001'
const DIGEST_CHANNEL = 'C0DIGEST01'

const testEnv = {
  ...env,
  SLACK_TRIAGE_CHANNEL: TRIAGE,
  SLACK_TEAM_IDS: TEAM,
  DIGEST_RECIPIENTS: `${COORD_TEAMS},slack:${TEAM}:${COORD_SLACK_USER},slack-channel:${DIGEST_CHANNEL}`,
} as Env

// ---------------------------------------------------------------------------------------------------
// msw: Slack Web API and the Bot Framework (token + connector), with failures on demand

interface SlackPost {
  channel: string
  text: string
  blocks: unknown[] | null
  ok: boolean
}
interface TeamsPost {
  conversationId: string
  activity: { attachments?: { content?: { body?: unknown[] } }[] }
  ok: boolean
}

const slackPosts: SlackPost[] = []
const teamsPosts: TeamsPost[] = []
const unexpected: string[] = []
/** Channel → how many of the next chat.postMessage calls answer HTTP 500. */
const slackFailures = new Map<string, number>()
/** How many of the next connector calls answer HTTP 503. */
let teamsFailures = 0
let ts = 0

const server = setupServer(
  http.post('https://slack.example.test/api/:method', async ({ params, request }) => {
    const method = String(params.method)
    const text = new TextDecoder().decode(await request.arrayBuffer())
    if (method === 'users.info') {
      const user = new URLSearchParams(text).get('user')
      return HttpResponse.json({ ok: true, user: { id: user, locale: 'nl-NL' } })
    }
    if (method !== 'chat.postMessage') {
      unexpected.push(`slack ${method}`)
      return HttpResponse.json({ ok: false, error: 'unknown_method' })
    }
    const body = decodeSlackBody(text, request.headers.get('content-type') ?? '') as {
      channel: string
      text: string
      blocks?: unknown[]
    }
    const failures = slackFailures.get(body.channel) ?? 0
    const ok = failures === 0
    slackPosts.push({ channel: body.channel, text: body.text, blocks: body.blocks ?? null, ok })
    if (!ok) {
      slackFailures.set(body.channel, failures - 1)
      return new HttpResponse('upstream down', { status: 500 })
    }
    ts += 1
    return HttpResponse.json({
      ok: true,
      channel: body.channel,
      ts: `1763889000.${String(ts).padStart(6, '0')}`,
    })
  }),
  http.post(TOKEN_URL, () =>
    HttpResponse.json({
      token_type: 'Bearer',
      expires_in: 3600,
      access_token: 'eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.c2ln',
    }),
  ),
  http.post(`${CONNECTOR}/v3/conversations/:cid/activities`, async ({ params, request }) => {
    const ok = teamsFailures === 0
    if (!ok) teamsFailures -= 1
    teamsPosts.push({
      conversationId: decodeURIComponent(String(params.cid)),
      activity: (await request.json()) as TeamsPost['activity'],
      ok,
    })
    return ok
      ? HttpResponse.json({ id: `act-${teamsPosts.length}` })
      : new HttpResponse(null, { status: 503 })
  }),
  http.all('*', ({ request }) => {
    unexpected.push(`${request.method} ${new URL(request.url).host}`)
    return new HttpResponse(null, { status: 404 })
  }),
)

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

// ---------------------------------------------------------------------------------------------------
// Seeding and running

interface SeedCase {
  reference: string
  status: string
  statusSince: string
  submittedAt?: string
  triagedAt?: string | null
  scheduledFor?: string | null
  advisedAt?: string | null
  intervention?: string
  municipality?: string
  referrerKey?: string
  leadKey?: string | null
  pseudonym?: string | null
}

async function seed(c: SeedCase): Promise<void> {
  const id = crypto.randomUUID()
  const cipher = buildDeps(testEnv).cipher
  const pseudonym = c.pseudonym === undefined ? 'J.' : c.pseudonym
  await env.DB.prepare(
    `INSERT INTO cases (id, reference, status, suggested_intervention, chosen_intervention, municipality, age_band,
       urgency, flags_json, consultation, referrer_key, lead_key, created_at, status_since, submitted_at, triaged_at,
       scheduled_for, advised_at, follow_up_done_at, closed_at, version, intake_enc, pseudonym_enc, idempotency_key)
     VALUES (?1, ?2, ?3, ?4, NULL, ?5, '12-15', 'regulier', '[]', 0, ?6, ?7, ?8, ?9, ?8, ?10, ?11, ?12, NULL, NULL, 1,
       'v1.x.y.z', ?13, ?14)`,
  )
    .bind(
      id,
      c.reference,
      c.status,
      c.intervention ?? 'EXPERTTAFEL',
      c.municipality ?? 'Assen',
      c.referrerKey ?? 'web:dev:referrer-1',
      c.leadKey ?? null,
      c.submittedAt ?? '2026-11-02T09:00:00.000Z',
      c.statusSince,
      c.triagedAt ?? null,
      c.scheduledFor ?? null,
      c.advisedAt ?? null,
      pseudonym === null ? null : await cipher.encryptJson(pseudonym, pseudonymAad(id)),
      `seed:${c.reference}`,
    )
    .run()
}

/** A queue that records what the scheduled handler enqueues (the test then consumes it). */
function recordingQueue(): JobQueue & { sent: ({ type: string; id: string } & Record<string, unknown>)[] } {
  const sent: ({ type: string; id: string } & Record<string, unknown>)[] = []
  return {
    sent,
    async send(job) {
      sent.push(job)
    },
  }
}

async function fire(cron: string, iso: string) {
  const queue = recordingQueue()
  const now = new Date(iso)
  const report = await runScheduled({ cron, scheduledTime: now.getTime() }, testEnv, undefined, {
    deps: buildDeps(testEnv, { queue, clock: () => now }),
  })
  return { report, jobs: queue.sent }
}

let batchNo = 0

/** Delivers messages to the Worker's queue export; returns the ids it retried. */
async function consume(bodies: unknown[], attempts = 1, queue = 'ret-jobs'): Promise<unknown[]> {
  batchNo += 1
  const messages = bodies.map((body, i) => ({
    id: `b${batchNo}-m${i}`,
    timestamp: new Date('2026-11-23T07:00:00Z'),
    attempts,
    body,
  }))
  const batch = createMessageBatch(queue, messages)
  const ctx = createExecutionContext()
  await worker.queue(batch, testEnv, ctx)
  const result = await getQueueResult(batch, ctx)
  const retried = new Set(result.retryMessages.map((m: { msgId: string }) => m.msgId))
  return messages.filter((m) => retried.has(m.id)).map((m) => m.body)
}

/** Consumes until nothing is retried any more (each round one attempt later). */
async function drain(bodies: unknown[]): Promise<void> {
  let pending = bodies
  for (let attempt = 1; pending.length > 0 && attempt <= 5; attempt++)
    pending = await consume(pending, attempt)
  expect(pending).toEqual([])
}

async function rows<T>(sql: string, ...bind: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...bind)
      .all<T>()
  ).results
}

beforeEach(async () => {
  slackPosts.length = 0
  teamsPosts.length = 0
  unexpected.length = 0
  slackFailures.clear()
  teamsFailures = 0
  await env.DB.batch([
    env.DB.prepare("DELETE FROM cases WHERE reference LIKE 'RET-2026-08%'"),
    env.DB.prepare('DELETE FROM digests'),
    env.DB.prepare('DELETE FROM digest_deliveries'),
    env.DB.prepare('DELETE FROM reminders_sent'),
    env.DB.prepare(
      "DELETE FROM processed_jobs WHERE job_id LIKE 'digest:%' OR job_id LIKE 'reminder:%' OR job_id LIKE 'dead:%'",
    ),
  ])
  await new D1TeamsStore(env.DB).saveConversation(
    {
      userKey: COORD_TEAMS,
      tenantId: TENANT,
      userId: '29:coordinator-1',
      botId: '28:bot',
      conversationId: 'a:personal-coordinator-1',
      serviceUrl: TEST_SERVICE_URL,
      lang: 'nl',
    },
    new Date('2026-11-01T10:00:00Z'),
  )
})

/** Stalled and quiet cases as of Monday 23 November 2026 (ISO week 48). */
async function seedWeek48(): Promise<void> {
  // in_triage since Mon 16 Nov: 5 working days > 3 → triage_overdue.
  await seed({
    reference: 'RET-2026-0801',
    status: 'in_triage',
    statusSince: '2026-11-16T09:00:00+01:00',
    submittedAt: '2026-11-13T09:00:00+01:00',
    intervention: 'ROP',
    municipality: 'Emmen',
    pseudonym: 'K.',
  })
  // info_requested since Fri 13 Nov: 6 working days > 5 → info_overdue (Slack referrer).
  await seed({
    reference: 'RET-2026-0802',
    status: 'info_requested',
    statusSince: '2026-11-13T10:00:00+01:00',
    triagedAt: '2026-11-05T10:00:00+01:00',
    referrerKey: `slack:${TEAM}:U0REFERR01`,
  })
  // accepted on 2 Nov without a table date → scheduling_overdue (Slack lead).
  await seed({
    reference: 'RET-2026-0803',
    status: 'accepted',
    statusSince: '2026-11-02T10:00:00+01:00',
    triagedAt: '2026-11-02T10:00:00+01:00',
    intervention: 'RO3',
    leadKey: `slack:${TEAM}:U0LEAD0001`,
  })
  // submitted Friday 20 Nov: 1 working day, not stalled.
  await seed({
    reference: 'RET-2026-0804',
    status: 'submitted',
    statusSince: '2026-11-20T09:00:00+01:00',
    submittedAt: '2026-11-20T09:00:00+01:00',
  })
  // closed: never stalls.
  await seed({ reference: 'RET-2026-0805', status: 'closed', statusSince: '2026-10-01T09:00:00+02:00' })
}

function digestJobs(jobs: { type: string; id: string }[]) {
  return jobs.filter((j) => j.type === 'digest.send')
}

// ---------------------------------------------------------------------------------------------------

describe('weekly digest', () => {
  it('fires at 07:00 UTC on a winter Monday (08:00 CET), not at 06:00 UTC', async () => {
    await seedWeek48()
    const early = await fire('0 6 * * *', '2026-11-23T06:00:00Z')
    expect(early.report.digest).toBeNull()
    expect(digestJobs(early.jobs)).toEqual([])
    expect(await rows('SELECT week FROM digests')).toEqual([])

    const due = await fire('0 7 * * 1', '2026-11-23T07:00:00Z')
    expect(due.report.digest).toEqual({ week: '2026-W48', jobs: 3 })
    expect(due.report.reminders).toBe(0)
    expect(digestJobs(due.jobs).map((j) => j.id)).toEqual([
      `digest:2026-W48:${COORD_TEAMS}`,
      `digest:2026-W48:slack:${TEAM}:${COORD_SLACK_USER}`,
      `digest:2026-W48:slack-channel:${DIGEST_CHANNEL}`,
    ])
  })

  it("is wired to the Worker's scheduled export", async () => {
    // No cases (so no reminders) and no Teams or Slack recipients: nothing reaches the real queue, but
    // the week's snapshot shows which firing built the digest.
    const quiet = { ...env, DIGEST_RECIPIENTS: '', COORDINATORS: 'web:dev:coordinator-1' } as Env
    for (const [cron, iso] of [
      ['0 6 * * *', '2026-11-23T06:00:00Z'],
      ['0 7 * * 1', '2026-11-23T07:00:00Z'],
    ] as const) {
      const ctx = createExecutionContext()
      await worker.scheduled(createScheduledController({ cron, scheduledTime: Date.parse(iso) }), quiet, ctx)
      await waitOnExecutionContext(ctx)
      if (cron === '0 6 * * *') expect(await rows('SELECT week FROM digests')).toEqual([])
    }
    expect(await rows('SELECT week FROM digests')).toEqual([{ week: '2026-W48' }])
  })

  it('fires at 06:00 UTC on a summer Monday (08:00 CEST), not at 07:00 UTC', async () => {
    const late = await fire('0 7 * * 1', '2026-06-15T07:00:00Z')
    expect(late.report.digest).toBeNull()
    const due = await fire('0 6 * * *', '2026-06-15T06:00:00Z')
    expect(due.report.digest?.week).toBe('2026-W25')
    // Not on other days at 06:00 UTC.
    const tuesday = await fire('0 6 * * *', '2026-06-16T06:00:00Z')
    expect(tuesday.report.digest).toBeNull()
  })

  it('delivers exactly one digest per recipient and week through Teams and Slack, despite a double cron and failed sends', async () => {
    await seedWeek48()
    const first = await fire('0 7 * * 1', '2026-11-23T07:00:00Z')
    const second = await fire('0 7 * * 1', '2026-11-23T07:00:00Z')
    expect(digestJobs(second.jobs).map((j) => j.id)).toEqual(digestJobs(first.jobs).map((j) => j.id))
    expect(await rows('SELECT week FROM digests')).toEqual([{ week: '2026-W48' }])

    // The Slack DM fails once (HTTP 500); the Teams connector fails three times in a row, which outlasts
    // its own two quick retries, so the queue has to retry that job.
    slackFailures.set(COORD_SLACK_USER, 1)
    teamsFailures = 3
    const retried = await consume([...digestJobs(first.jobs), ...digestJobs(second.jobs)])
    expect(retried.length).toBeGreaterThan(0)
    await drain(retried)
    // A redelivery of everything a day later changes nothing.
    await consume([...digestJobs(first.jobs), ...digestJobs(second.jobs)], 2)

    const delivered = slackPosts.filter((p) => p.ok)
    expect(delivered.filter((p) => p.channel === COORD_SLACK_USER)).toHaveLength(1)
    expect(delivered.filter((p) => p.channel === DIGEST_CHANNEL)).toHaveLength(1)
    expect(slackPosts.filter((p) => !p.ok)).toHaveLength(1)
    const teamsOk = teamsPosts.filter((p) => p.ok)
    expect(teamsOk).toHaveLength(1)
    expect(teamsOk[0]?.conversationId).toBe('a:personal-coordinator-1')
    expect(teamsPosts.filter((p) => !p.ok)).toHaveLength(3)
    expect(unexpected).toEqual([])
    expect(
      await rows<{ recipient: string; state: string }>(
        'SELECT recipient, state FROM digest_deliveries WHERE week = ?1 ORDER BY recipient',
        '2026-W48',
      ),
    ).toEqual([
      { recipient: `slack-channel:${DIGEST_CHANNEL}`, state: 'sent' },
      { recipient: `slack:${TEAM}:${COORD_SLACK_USER}`, state: 'sent' },
      { recipient: COORD_TEAMS, state: 'sent' },
    ])

    // What the coordinators read: stalled cases by reference; pseudonyms only in the 1:1 chats.
    const dm = JSON.stringify(delivered.find((p) => p.channel === COORD_SLACK_USER)?.blocks)
    const channel = JSON.stringify(delivered.find((p) => p.channel === DIGEST_CHANNEL)?.blocks)
    for (const ref of ['RET-2026-0801', 'RET-2026-0802', 'RET-2026-0803']) {
      expect(dm).toContain(ref)
      expect(channel).toContain(ref)
    }
    expect(dm).not.toContain('RET-2026-0804')
    expect(dm).toContain('K.')
    expect(channel).not.toContain('K.')
    const card = teamsOk[0]?.activity.attachments?.[0]?.content
    const cardText = JSON.stringify(card)
    expect(cardText).toContain('Weekoverzicht RET, week 2026-W48')
    expect(cardText).toContain('RET-2026-0801 · K.')
    const chart = (card?.body ?? []).find((e) => (e as { type?: string }).type === 'Chart.HorizontalBar') as
      | { data: { x: string; y: number }[]; fallback: { type: string } }
      | undefined
    expect(chart?.data).toEqual(
      expect.arrayContaining([
        { x: 'Regie op plaatsing', y: 1 },
        { x: 'Experttafel', y: 1 },
      ]),
    )
    expect(chart?.fallback.type).toBe('FactSet')

    // The week's snapshot keeps counts only.
    const [stored] = await rows<{ snapshot_json: string }>('SELECT snapshot_json FROM digests')
    expect(stored?.snapshot_json).not.toContain('RET-2026')
    expect(JSON.parse(stored?.snapshot_json ?? '{}').counts.total).toBe(3)

    // A third firing after delivery enqueues nothing.
    const third = await fire('0 7 * * 1', '2026-11-23T07:00:00Z')
    expect(third.report.digest).toEqual({ week: '2026-W48', jobs: 0 })
  })
})

describe('reminders', () => {
  it('enqueues one reminder per case, rule and day; a second run the same day sends nothing more', async () => {
    await seedWeek48()
    const first = await fire('0 6 * * *', '2026-11-23T06:00:00Z')
    const second = await fire('0 6 * * *', '2026-11-23T06:00:00Z')
    expect(first.jobs.map((j) => j.id).sort()).toEqual([
      'reminder:RET-2026-0801:triage_overdue:2026-11-23',
      'reminder:RET-2026-0802:info_overdue:2026-11-23',
      'reminder:RET-2026-0803:scheduling_overdue:2026-11-23',
    ])
    expect(second.jobs.map((j) => j.id).sort()).toEqual(first.jobs.map((j) => j.id).sort())
    await drain([...first.jobs, ...second.jobs])

    const posts = slackPosts.filter((p) => p.ok)
    expect(posts.map((p) => p.channel).sort()).toEqual(['C0TRIAGE01', 'U0LEAD0001', 'U0REFERR01'])
    expect(posts.find((p) => p.channel === TRIAGE)?.text).toContain('RET-2026-0801 wacht op triage')
    expect(posts.find((p) => p.channel === 'U0REFERR01')?.text).toContain('RET-2026-0802')
    expect(posts.find((p) => p.channel === 'U0LEAD0001')?.text).toContain('Tafeldatum plannen')
    // Nothing personal in a reminder: the pseudonym never appears.
    expect(posts.every((p) => !p.text.includes('J.'))).toBe(true)
  })

  it('reminds the referrer twice on two working days, then tells the chairs once, then stops', async () => {
    await seed({
      reference: 'RET-2026-0810',
      status: 'info_requested',
      statusSince: '2026-11-13T10:00:00+01:00',
      referrerKey: `slack:${TEAM}:U0REFERR02`,
    })
    const sent: { day: string; kinds: string[] }[] = []
    // Mon 23, Tue 24, Wed 25, Thu 26 November.
    for (const day of ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26']) {
      slackPosts.length = 0
      const { jobs } = await fire('0 6 * * *', `${day}T06:00:00Z`)
      await drain(jobs)
      sent.push({ day, kinds: jobs.map((j) => `${String(j.kind)}:${String(j.recipient)}`) })
      if (day === '2026-11-25') {
        expect(slackPosts.filter((p) => p.ok).map((p) => p.channel)).toEqual([TRIAGE])
        expect(slackPosts[0]?.text).toContain('na 2 herinneringen')
      }
    }
    expect(sent).toEqual([
      { day: '2026-11-23', kinds: ['reminder:referrer'] },
      { day: '2026-11-24', kinds: ['reminder:referrer'] },
      { day: '2026-11-25', kinds: ['escalation:chairs'] },
      { day: '2026-11-26', kinds: [] },
    ])
    // A new information request (a new statusSince) starts counting again.
    await env.DB.prepare(
      "UPDATE cases SET status_since = '2026-11-18T10:00:00+01:00' WHERE reference = 'RET-2026-0810'",
    ).run()
    const { jobs } = await fire('0 6 * * *', '2026-11-26T06:00:00Z')
    expect(jobs.map((j) => `${String(j.kind)}:${String(j.number)}`)).toEqual(['reminder:1'])
  })

  it('sends nothing on a weekend or a public holiday, and skips a case that moved on', async () => {
    await seedWeek48()
    expect((await fire('0 6 * * *', '2026-11-28T06:00:00Z')).jobs).toEqual([])
    expect((await fire('0 6 * * *', '2026-12-25T06:00:00Z')).jobs).toEqual([])
    const { jobs } = await fire('0 6 * * *', '2026-11-23T06:00:00Z')
    await env.DB.prepare("UPDATE cases SET status = 'accepted' WHERE reference = 'RET-2026-0801'").run()
    await drain(jobs.filter((j) => j.reference === 'RET-2026-0801'))
    expect(slackPosts).toEqual([])
  })
})

describe('dead-letter queue', () => {
  it("alerts the chairs' channel once per dead job", async () => {
    const body = {
      type: 'reminder.send',
      id: 'reminder:RET-2026-0899:triage_overdue:2026-11-23',
      reference: 'RET-2026-0899',
    }
    await consume([body, body], 1, 'ret-jobs-dlq')
    await consume([body], 1, 'ret-jobs-dlq')
    const alerts = slackPosts.filter((p) => p.channel === TRIAGE)
    expect(alerts).toHaveLength(1)
    expect(alerts[0]?.text).toContain('reminder.send')
    expect(alerts[0]?.text).toContain('RET-2026-0899')
  })
})

describe('web digest page', () => {
  // The page runs on the real clock: the quiet case is kept fresh so it never stalls, whatever the date.
  beforeEach(async () => {
    await seedWeek48()
    const now = new Date().toISOString()
    await env.DB.prepare(
      "UPDATE cases SET status_since = ?1, submitted_at = ?1 WHERE reference = 'RET-2026-0804'",
    )
      .bind(now)
      .run()
  })

  async function signedIn(role: string | null): Promise<WebClient> {
    const client = new WebClient()
    if (role) await client.login(`Test ${role}`, role)
    return client
  }

  it('shows coordinators the stalled list, SVG charts and lead times, and audits the view', async () => {
    const client = await signedIn('coordinator')
    const res = await client.get('/digest')
    expect(res.status).toBe(200)
    expect(client.html).toContain('<h1>Weekoverzicht RET, week')
    expect(client.html).toContain('<th scope="row">RET-2026-0801</th>')
    expect(client.html).toContain('<td>K.</td>')
    expect(client.html).not.toContain('RET-2026-0805')
    expect(client.html).toMatch(/<svg[^>]+role="img"/)
    expect(client.html).toContain('<text x="124" y="')
    expect(client.html).toContain('>Emmen</text>')
    expect(client.html).toContain('href="/digest.csv"')
    // The main menu leads coordinators here (and marks it as the current page).
    expect(client.html).toContain('<a href="/digest" aria-current="page">Weekoverzicht</a>')
    await client.get('/')
    expect(client.html).toContain('<a href="/digest">Weekoverzicht</a>')
    const audit = await rows<{ action: string; detail: string }>(
      "SELECT action, detail FROM audit_log WHERE actor_key = 'web:dev:test-coordinator' AND action = 'view' ORDER BY id DESC LIMIT 1",
    )
    expect(audit[0]?.action).toBe('view')
    expect(audit[0]?.detail).toMatch(/^digest:\d{4}-W\d{2}$/)
  })

  it('downloads the CSV in the reader language and audits the export', async () => {
    const client = await signedIn('coordinator')
    await client.get('/')
    const res = await client.get('/digest.csv')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="ret-digest-\d{4}-W\d{2}-nl\.csv"$/,
    )
    const lines = client.html
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n')
    expect(lines[0]).toBe(
      'Casusnummer;Pseudoniem;Status;Signaal;Werkdagen in status;Eigenaar;Volgende stap;Uiterlijk;Interventie;Gemeente',
    )
    expect(lines.some((l) => l.startsWith('RET-2026-0801;K.;'))).toBe(true)
    expect(lines).toHaveLength(4)
    await client.get('/digest')
    await client.post('/lang', { lang: 'en', next: '/digest' })
    expect(client.url).toBe('/digest')
    expect(client.html).toContain('<h1>RET weekly digest, week')
    const en = await client.get('/digest.csv')
    expect(en.headers.get('content-disposition')).toContain('-en.csv')
    expect(client.html.replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(/^Reference,Pseudonym,Status,/)
    const audit = await rows<{ action: string }>(
      "SELECT action FROM audit_log WHERE actor_key = 'web:dev:test-coordinator' AND action = 'export'",
    )
    expect(audit.length).toBeGreaterThanOrEqual(2)
  })

  it('refuses other roles with a 403 page and sends strangers to sign in', async () => {
    const referrer = await signedIn('referrer')
    for (const path of ['/digest', '/digest.csv']) {
      const res = await referrer.get(path)
      expect(res.status).toBe(403)
      expect(referrer.html).toContain('Geen toegang')
      expect(referrer.html).not.toContain('RET-2026')
    }
    // No menu link to the digest for a referrer.
    await referrer.get('/')
    expect(referrer.html).toContain('href="/cases"')
    expect(referrer.html).not.toContain('href="/digest"')
    const refused = await rows<{ detail: string }>(
      "SELECT detail FROM audit_log WHERE actor_key = 'web:dev:test-referrer' AND action = 'refused'",
    )
    expect(refused.map((r) => r.detail)).toContain('digest.view')
    const stranger = await signedIn(null)
    const res = await stranger.get('/digest')
    expect(stranger.url).toBe('/dev/login')
    expect(res.status).toBe(200)
  })
})
