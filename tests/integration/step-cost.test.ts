import { env } from 'cloudflare:test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { answersFor } from './helpers/answers'
import { buildPlatformServer } from './helpers/platforms'
import { botSigner, TeamsUser } from './teams-helpers'
import { WebClient } from './web-client'

/**
 * Round trips per dialogue step (issue 11, Performance): the D1 statements and Durable Object calls one
 * web or Teams step makes. Counted by wrapping the D1 and Durable Object prototypes of this isolate (the
 * Worker and its Durable Object run in the test's isolate), so a change that adds a round trip to every
 * step shows here before it shows as a longer tail in the 200-dialogue bench.
 */

interface Counts {
  d1: number
  doCalls: number
}
const counts: Counts = { d1: 0, doCalls: 0 }

function wrap<T extends object>(proto: T, names: string[], onCall: () => void) {
  const restore: (() => void)[] = []
  for (const name of names) {
    const original = (proto as Record<string, unknown>)[name]
    if (typeof original !== 'function') continue
    ;(proto as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
      onCall()
      return (original as (...a: unknown[]) => unknown).apply(this, args)
    }
    restore.push(() => {
      ;(proto as Record<string, unknown>)[name] = original
    })
  }
  return () => {
    for (const r of restore) r()
  }
}

const server = buildPlatformServer()
const restores: (() => void)[] = []
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' })
  await botSigner()
  const statement = env.DB.prepare('SELECT 1')
  restores.push(
    wrap(Object.getPrototypeOf(statement), ['run', 'all', 'first', 'raw'], () => counts.d1++),
    wrap(Object.getPrototypeOf(env.DB), ['batch', 'exec'], () => counts.d1++),
    wrap(Object.getPrototypeOf(env.DRAFTS), ['get'], () => counts.doCalls++),
  )
})
afterAll(() => {
  for (const r of restores) r()
  server.close()
})

/** Waits until the queue handled the `case.submitted` job of a case (card, receipt, PDF), so its D1 work is done. */
async function jobsDone(reference: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const row = await env.DB.prepare('SELECT count(*) AS n FROM processed_jobs WHERE job_id LIKE ?1')
      .bind(`case.submitted:${reference}#%`)
      .first<{ n: number }>()
    if ((row?.n ?? 0) >= 3) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function measured<T>(work: () => Promise<T>): Promise<Counts> {
  const before = { ...counts }
  await work()
  return { d1: counts.d1 - before.d1, doCalls: counts.doCalls - before.doCalls }
}

describe('round trips per dialogue step', () => {
  it('web: each step', async () => {
    const b = new WebClient()
    const answers = answersFor(7)
    await b.login('Cost Web 7')
    const steps: (Counts & { step: string })[] = []
    steps.push({ step: 'start', ...(await measured(() => b.post('/intake/start', {}))) })
    for (let guard = 0; guard < 25 && b.stepId() !== 'review'; guard++) {
      const stepId = b.stepId()
      const values = answers[stepId]
      if (!values) throw new Error(`no answers for ${stepId}`)
      steps.push({
        step: stepId,
        ...(await measured(() => b.post('/intake', { _step: stepId, _action: 'next', ...values }))),
      })
    }
    steps.push({
      step: 'submit',
      ...(await measured(() => b.post('/intake', { _step: 'review', _action: 'submit' }))),
    })
    const reference = b.html.match(/RET-\d{4}-\d{4,}/)?.[0]
    expect(reference).toBeDefined()
    await jobsDone(reference ?? '')
    // Every answered step: one call to the draft's object for the POST (its guard refuses a step without a
    // draft in the same call), one for the page after the redirect; no D1 at all.
    const answered = steps.slice(1, -1)
    expect(answered.length).toBeGreaterThan(8)
    for (const s of answered) expect(s, s.step).toMatchObject({ doCalls: 2, d1: 0 })
    // The submit (POST and the receipt page; the queue's jobs come later): the case key read and stored,
    // then the case with its timeline, routing, idempotency key and audit row in one batch.
    expect(steps.at(-1)).toMatchObject({ step: 'submit', d1: 3 })
  })

  it('teams: each step', async () => {
    const user = new TeamsUser('aad-cost-1')
    const answers = answersFor(8)
    const steps: (Counts & { step: string })[] = []
    steps.push({ step: 'start', ...(await measured(() => user.say('nieuwe casus'))) })
    for (let guard = 0; guard < 25; guard++) {
      if (user.card && JSON.stringify(user.card).includes('"action":"submit"')) break
      const stepId = user.stepId()
      const values = stepId ? answers[stepId] : undefined
      if (!stepId || !values) throw new Error(`no answers for ${stepId}`)
      steps.push({ step: stepId, ...(await measured(() => user.press('next', values))) })
    }
    steps.push({ step: 'submit', ...(await measured(() => user.press('submit'))) })
    const reference = JSON.stringify(user.card).match(/RET-\d{4}-\d{4,}/)?.[0]
    expect(reference).toBeDefined()
    await jobsDone(reference ?? '')
    // Every button press: one call to the draft's object (the card's version checked in the same call),
    // and two D1 batches (claim the delivery with the conversation read; mark it done).
    const answered = steps.slice(1, -1)
    expect(answered.length).toBeGreaterThan(8)
    for (const s of answered) expect(s, s.step).toMatchObject({ doCalls: 1, d1: 2 })
  })
})

describe('checks per web request', () => {
  it('verifies the session once: the rate limiter hands what it verified to the page', async () => {
    const b = new WebClient()
    await b.login('Cost Web Session')
    let verified = 0
    const restore = wrap(Object.getPrototypeOf(crypto.subtle), ['verify'], () => verified++)
    try {
      await b.get('/')
    } finally {
      restore()
    }
    expect(b.status).toBe(200)
    expect(b.html).toContain('Cost Web Session')
    // One HMAC check of the session cookie for the whole request (was two: limiter, then page).
    expect(verified).toBe(1)
  })
})
