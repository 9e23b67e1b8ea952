/// <reference types="vite/client" />
import {
  abortAllDurableObjects,
  createExecutionContext,
  createMessageBatch,
  env,
  getQueueResult,
} from 'cloudflare:test'
import { HttpResponse, http } from 'msw'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { MemoryQueue } from '../../adapters/memory/memory-queue'
import { parseIntake } from '../../src/domain/intake'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import type { Actor } from '../../src/domain/types'
import { runCaseCommand, runSubmitIntake } from '../../src/services/cases'
import { buildDeps, processBatch } from '../../src/wiring'
import sample from '../fixtures/intakes/sample-rst.json'
import { count } from './helpers/db'
import { buildPlatformServer } from './helpers/platforms'
import { slackCalls } from './slack-helpers'
import { botSigner, CONNECTOR, connectorCalls, TeamsUser } from './teams-helpers'
import { WEB_ANSWERS } from './web-answers'
import { WebClient } from './web-client'

/**
 * The service under faults, with the real queue consumer (`processBatch` and the Worker's job registry)
 * driven message by message so each retry is visible: the PDF job failing twice, Slack answering 429 and
 * 5xx, the Bot Connector down for a while, and the Worker (its Durable Objects) restarting mid-dialogue.
 * Throughout: nothing lost, nothing twice.
 */

const server = buildPlatformServer()
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' })
  await botSigner()
})
afterAll(() => server.close())
beforeEach(() => server.resetHandlers())

const SLACK_API = 'https://slack.example.test/api'
const TRIAGE = 'C0TRIAGE01'
const chair: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'chair-1',
  name: 'Voorzitter',
  roles: ['chair'],
  lang: 'nl',
}

/** The env of a fault: Slack posts to a triage channel; `FILES` may be swapped for a failing bucket. */
function faultEnv(overrides: Partial<Env> = {}): Env {
  return { ...env, SLACK_TRIAGE_CHANNEL: TRIAGE, ...overrides } as Env
}

/** Files a case without the Worker's queue (the test delivers its jobs); returns it and its jobs. */
async function fileCase(actor: Actor, key: string) {
  const queue = new MemoryQueue()
  const deps = buildDeps(env, { queue })
  const parsed = parseIntake(sample.intake)
  if (!parsed.ok) throw new Error('sample invalid')
  const result = await runSubmitIntake(deps, {
    intake: parsed.value,
    decision: route(parsed.value, DEFAULT_RULES, deps.clock()),
    actor,
    idempotencyKey: key,
  })
  return { reference: result.reference, queue }
}

/** Delivers one job as the queue would on attempt `attempts`; returns whether it was acked or retried. */
async function deliver(job: unknown, attempts: number, testEnv: Env) {
  const batch = createMessageBatch('ret-jobs', [
    { id: `msg-${attempts}`, timestamp: new Date(1_763_900_000_000), attempts, body: job },
  ])
  const retried: (number | undefined)[] = []
  const message = batch.messages[0] as Message<unknown>
  const retry = message.retry.bind(message)
  message.retry = (options) => {
    retried.push(options?.delaySeconds)
    retry(options)
  }
  const ctx = createExecutionContext()
  await processBatch(batch, testEnv)
  const result = await getQueueResult(batch, ctx)
  return {
    acked: result.explicitAcks.length === 1,
    retried: result.retryMessages.length === 1,
    delay: retried[0],
  }
}

/** Top-level card posts (not thread lines) to the triage channel for a reference. */
const cardPosts = (reference: string) =>
  slackCalls.filter(
    (c) => c.method === 'chat.postMessage' && !c.body.thread_ts && JSON.stringify(c.body).includes(reference),
  )

describe('faults: the PDF job fails twice, then succeeds', () => {
  it('retries with backoff, stores one PDF per language, posts the chairs’ card once', async () => {
    const referrer: Actor = {
      surface: 'api',
      tenant: 'api',
      userId: 'fault-pdf',
      name: 'API',
      roles: ['referrer'],
      lang: 'nl',
    }
    const { reference, queue } = await fileCase(referrer, 'fault-pdf-1')
    const job = queue.sent.find((s) => s.job.type === 'case.submitted')?.job
    expect(job).toBeDefined()

    // R2 refuses the first two writes (an outage), then works.
    let failures = 2
    const bucket = env.FILES
    const flaky = new Proxy(bucket, {
      get(target, prop) {
        if (prop === 'put') {
          return (...args: Parameters<R2Bucket['put']>) => {
            if (failures > 0) {
              failures--
              return Promise.reject(new Error('R2 unavailable'))
            }
            return target.put(...args)
          }
        }
        const value = Reflect.get(target, prop)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const testEnv = faultEnv({ FILES: flaky as R2Bucket })

    const first = await deliver(job, 1, testEnv)
    const second = await deliver(job, 2, testEnv)
    const third = await deliver(job, 3, testEnv)
    expect([first.retried, second.retried, third.acked]).toEqual([true, true, true])
    expect([first.delay, second.delay]).toEqual([30, 60])
    expect(failures).toBe(0)
    // One PDF row per language, each with its one object in R2 (no orphan from the failed writes).
    const pdfs = await env.DB.prepare(
      "SELECT r2_key FROM case_files WHERE kind = 'pdf' AND case_id = (SELECT id FROM cases WHERE reference = ?)",
    )
      .bind(reference)
      .all<{ r2_key: string }>()
    expect(pdfs.results.length).toBeGreaterThanOrEqual(1)
    for (const row of pdfs.results) expect(await bucket.head(row.r2_key)).not.toBeNull()
    const langs = await count(
      "SELECT COUNT(DISTINCT lang) AS n FROM case_files WHERE kind = 'pdf' AND case_id = (SELECT id FROM cases WHERE reference = ?)",
      reference,
    )
    expect(langs).toBe(pdfs.results.length)
    // The card was posted on the first attempt and never again, although the message came back twice.
    expect(cardPosts(reference)).toHaveLength(1)

    // A fourth delivery (at-least-once) changes nothing.
    expect((await deliver(job, 4, testEnv)).acked).toBe(true)
    expect(cardPosts(reference)).toHaveLength(1)
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM case_files WHERE kind = 'pdf' AND case_id = (SELECT id FROM cases WHERE reference = ?)",
        reference,
      ),
    ).toBe(pdfs.results.length)
  })
})

describe('faults: Slack answers 429 with Retry-After, then 503', () => {
  it('retries with growing backoff and posts exactly one card when Slack is back', async () => {
    const referrer: Actor = {
      surface: 'api',
      tenant: 'api',
      userId: 'fault-slack',
      name: 'API',
      roles: ['referrer'],
      lang: 'nl',
    }
    const { reference, queue } = await fileCase(referrer, 'fault-slack-1')
    const job = queue.sent.find((s) => s.job.type === 'case.submitted')?.job
    const refused: number[] = []
    server.use(
      http.post(
        `${SLACK_API}/chat.postMessage`,
        () => {
          refused.push(429)
          return HttpResponse.json(
            { ok: false, error: 'ratelimited' },
            { status: 429, headers: { 'Retry-After': '7' } },
          )
        },
        { once: true },
      ),
      http.post(
        `${SLACK_API}/chat.postMessage`,
        () => {
          refused.push(503)
          return new HttpResponse('upstream down', { status: 503 })
        },
        { once: true },
      ),
    )
    const testEnv = faultEnv()
    const first = await deliver(job, 1, testEnv)
    expect(cardPosts(reference)).toHaveLength(0)
    const second = await deliver(job, 2, testEnv)
    expect(cardPosts(reference)).toHaveLength(0)
    const third = await deliver(job, 3, testEnv)
    expect(refused).toEqual([429, 503])
    expect([first.retried, second.retried, third.acked]).toEqual([true, true, true])
    // Backoff grows and is never shorter than the Retry-After Slack asked for.
    expect(first.delay).toBeGreaterThanOrEqual(7)
    expect(second.delay).toBeGreaterThan(first.delay ?? 0)
    expect(cardPosts(reference)).toHaveLength(1)
    // The PDF succeeded on the first attempt and was not rendered again on the retries.
    expect(
      await count(
        'SELECT COUNT(*) AS n FROM processed_jobs WHERE job_id = ?',
        `${(job as { id: string }).id}#pdf.generate`,
      ),
    ).toBe(1)
  })
})

describe('faults: the Bot Connector is down for a while', () => {
  it('delivers the receipt and the status cards later, once each, in order', async () => {
    const user = new TeamsUser('aad-fault-connector')
    // First contact stores the conversation reference that proactive follow-ups need.
    await user.say('help')
    expect(user.lastStatus).toBe(200)
    const actor: Actor = {
      surface: 'teams',
      tenant: user.tenant,
      userId: user.aad,
      name: 'Referrer',
      roles: ['referrer'],
      lang: 'nl',
    }
    const { reference, queue } = await fileCase(actor, 'fault-connector-1')
    const deps = buildDeps(env, { queue })
    const accepted = await runCaseCommand(deps, {
      reference,
      command: { type: 'accept', intervention: 'RST', reason: 'Past bij de vraag.' },
      actor: chair,
      expectedVersion: 1,
    })
    expect(accepted.ok).toBe(true)
    const jobs = queue.sent
      .map((s) => s.job)
      .filter((j) => j.type === 'case.submitted' || j.type === 'case.changed')
    expect(jobs.map((j) => j.type)).toEqual(['case.submitted', 'case.changed'])

    // Down: every post to the conversation fails with 503 (the connector client itself retries twice).
    let down = 0
    server.use(
      http.post(`${CONNECTOR}/v3/conversations/:cid/activities`, () => {
        down++
        return new HttpResponse(null, { status: 503 })
      }),
    )
    const from = connectorCalls.length
    const testEnv = faultEnv({ SLACK_TRIAGE_CHANNEL: '' } as Partial<Env>)
    for (const job of jobs) expect((await deliver(job, 1, testEnv)).retried).toBe(true)
    expect(down).toBeGreaterThanOrEqual(jobs.length)
    expect(connectorCalls.slice(from)).toHaveLength(0)

    // Back up: the queue redelivers in the order the retries fall due; then once more (at least once).
    server.resetHandlers()
    for (const job of jobs) expect((await deliver(job, 2, testEnv)).acked).toBe(true)
    for (const job of jobs) expect((await deliver(job, 3, testEnv)).acked).toBe(true)
    const sent = connectorCalls.slice(from).filter((c) => c.conversationId === user.conversationId)
    const texts = sent.map((c) => JSON.stringify(c.card))
    expect(sent).toHaveLength(2)
    expect(texts[0]).toContain('Casus ingediend')
    expect(texts[0]).toContain(reference)
    expect(texts[1]).toContain(reference)
    expect(texts[1]).not.toContain('Casus ingediend')
  })
})

describe('faults: the Worker restarts mid-dialogue', () => {
  it('keeps the draft: same step, earlier answers, and the intake completes to one case', async () => {
    const b = new WebClient()
    await b.login('Herstart Tester')
    await b.post('/intake/start', {})
    for (const stepId of ['start', 'referrer', 'child']) {
      expect(b.stepId()).toBe(stepId)
      await b.post('/intake', { _step: stepId, _action: 'next', ...WEB_ANSWERS[stepId] })
    }
    expect(b.stepId()).toBe('legal')

    // Every Durable Object is reset (their in-memory state is gone; storage stays), as on a restart.
    await abortAllDurableObjects()

    await b.get('/intake')
    expect(b.status).toBe(200)
    expect(b.stepId()).toBe('legal')
    await b.post('/intake', { _step: 'legal', _action: 'back' })
    expect(b.stepId()).toBe('child')
    expect(b.inputValue('child.pseudonym')).toBe('J.')
    expect(b.inputValue('child.birthYear')).toBe('2012')

    await abortAllDurableObjects()
    for (let guard = 0; guard < 20 && b.stepId() !== 'review'; guard++) {
      const stepId = b.stepId()
      await b.post('/intake', { _step: stepId, _action: 'next', ...WEB_ANSWERS[stepId] })
      expect(b.status, stepId).toBe(200)
    }
    expect(b.stepId()).toBe('review')
    await b.post('/intake', { _step: 'review', _action: 'submit' })
    expect(b.html).toMatch(/RET-\d{4}-\d{4,}/)
    expect(
      await count('SELECT COUNT(*) AS n FROM cases WHERE referrer_key = ?', 'web:dev:herstart-tester'),
    ).toBe(1)
  })
})
