import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import worker from '../../src/index'
import experttafel from '../fixtures/intakes/sample-experttafel.json'
import slashFixture from '../fixtures/slack/slash-command.json'
import {
  buttonClick,
  callsOf,
  depsFor,
  fileCase,
  interaction,
  REFERRER,
  send,
  signedRequest,
  slackCalls,
  slackEnv,
  slackServer,
} from './slack-helpers'

/**
 * How Bolt is wired into the Worker (docs/slack.md): built lazily per isolate, no `auth.test`, a failed
 * first request leaves nothing half-initialised, the ack does not wait for the delivery claim, and a
 * retried event is recorded once.
 */

beforeAll(() => slackServer.listen({ onUnhandledRequest: 'error' }))
afterAll(() => slackServer.close())
beforeEach(() => {
  slackCalls.length = 0
})

function command(text: string, user = REFERRER) {
  return new URLSearchParams({
    ...slashFixture,
    user_id: user,
    text,
    trigger_id: `${Math.floor(Math.random() * 1e12)}.1.${crypto.randomUUID().replace(/-/g, '')}`,
  }).toString()
}

async function stateOf(reference: string) {
  const record = await depsFor().store.getByReference(reference)
  if (!record) throw new Error(`no case ${reference}`)
  return record
}

/** A D1 binding whose delivery claims (INSERT INTO idempotency_keys) wait for `gate`. */
function holdClaims(db: D1Database, gate: Promise<void>, onClaim: () => void): D1Database {
  const hold = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, prop) {
        if (prop === 'bind') return (...args: unknown[]) => hold(target.bind(...args))
        if (prop === 'run' || prop === 'first' || prop === 'all') {
          return async (...args: unknown[]) => {
            onClaim()
            await gate
            return (target[prop] as (...a: unknown[]) => Promise<unknown>).apply(target, args)
          }
        }
        const value = Reflect.get(target, prop)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (sql: string) => {
          const statement = target.prepare(sql)
          return /INSERT INTO idempotency_keys/.test(sql) ? hold(statement) : statement
        }
      }
      const value = Reflect.get(target, prop)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe('Bolt in the Worker', () => {
  // This must stay the first Slack request of the file: it reaches a fresh isolate with no App built yet.
  it('answers a badly signed first request with 401, then serves good ones (toolchain note 5)', async () => {
    const body = command('help')
    const bad = await send(
      await signedRequest('/slack/commands', body, { signature: `v0=${'0'.repeat(64)}` }),
    )
    expect(bad.status).toBe(401)
    expect(slackCalls).toEqual([])

    for (const text of ['help', 'hulp', 'help en']) {
      const good = await send(await signedRequest('/slack/commands', command(text)))
      expect(good.status).toBe(200)
    }
    expect(callsOf('response_url')).toHaveLength(3)
    // The App authorises with the configured bot token: it never asks Slack who it is.
    expect(callsOf('auth.test')).toEqual([])
  })

  it('acknowledges a button click before the delivery claim and the change, which follow in waitUntil', async () => {
    const reference = await fileCase(experttafel.intake, `bolt-ack-${crypto.randomUUID()}`)
    // The delivery claim (an INSERT into idempotency_keys) is held until the response is in hand.
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let claimed = 0
    const testEnv = { ...slackEnv, DB: holdClaims(env.DB, gate, () => claimed++) } as Env
    const ctx = createExecutionContext()
    const response = await Promise.race([
      worker.fetch(
        await signedRequest('/slack/interactions', interaction(buttonClick('accept', reference, 1))),
        testEnv,
        ctx,
      ),
      new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 10_000)),
    ])
    // Answered while the claim was still pending: the ack did not wait for storage.
    expect(response).not.toBe('waited')
    expect((response as Response).status).toBe(200)
    expect((await stateOf(reference)).status).toBe('submitted')
    release()
    await waitOnExecutionContext(ctx)
    expect(claimed).toBe(1)
    expect((await stateOf(reference)).status).toBe('accepted')
  })

  it('records a retried Events API delivery once', async () => {
    const event = JSON.stringify({
      type: 'event_callback',
      team_id: 'T0RETDRNT',
      event_id: 'Ev0BOLTTEST1',
      event_time: 1763889000,
      event: {
        type: 'app_mention',
        user: 'U0REFERR01',
        text: 'hallo',
        ts: '1763889000.000100',
        channel: 'C1',
      },
    })
    const first = await send(await signedRequest('/slack/events', event))
    const retry = await send(
      await signedRequest('/slack/events', event, {
        headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      }),
    )
    expect([first.status, retry.status]).toEqual([200, 200])
    const rows = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM idempotency_keys WHERE scope = 'slack.delivery' AND key = 'event:Ev0BOLTTEST1'",
    ).first<{ n: number }>()
    expect(rows?.n).toBe(1)
    expect(slackCalls).toEqual([])
  })

  it('answers an event envelope Bolt cannot route with an empty 200 and no effect', async () => {
    for (const body of [
      { type: 'event_callback' },
      { type: 'event_callback', event: null },
      { type: 'other' },
    ]) {
      const response = await send(await signedRequest('/slack/events', JSON.stringify(body)))
      expect(response.status).toBe(200)
    }
    expect(slackCalls).toEqual([])
  })
})
