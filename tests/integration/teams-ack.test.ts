import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { mintToken } from '../fixtures/teams/keys'
import { botSigner, buildTeamsServer, connectorCalls, TeamsUser, unexpected } from './teams-helpers'

/**
 * Teams wants the answer to a message within 5 s and needs nothing the turn stores for it: the Worker
 * answers after the token and activity checks, and the turn (delivery claim, dialogue, store) and its
 * reply cards run after the answer (adapters/teams/sdk.ts `afterAck`).
 */
const server = buildTeamsServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

/** D1 whose batches wait for `open()` (or fail, when `fail` is set): the turn's only D1 calls are batches. */
function heldDb(fail = false) {
  let open: () => void = () => undefined
  const gate = new Promise<void>((resolve) => {
    open = resolve
  })
  let batches = 0
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          batches += 1
          await gate
          if (fail) throw new Error('D1_ERROR: database unavailable')
          return target.batch(statements)
        }
      }
      const value = Reflect.get(target, prop)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { db, open: () => open(), batches: () => batches }
}

async function request(activity: Record<string, unknown>): Promise<Request> {
  const token = await mintToken(await botSigner(), Math.floor(Date.now() / 1000), {})
  return new Request('https://ret.example.test/api/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(activity),
  })
}

const TIMEOUT = Symbol('timeout')
const within = <T>(promise: T | Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<typeof TIMEOUT>((resolve) => setTimeout(() => resolve(TIMEOUT), ms))])

describe('Teams: a message is answered before its turn', () => {
  it('answers 200 while the turn still waits for D1, and sends the reply card once the turn ran', async () => {
    const user = new TeamsUser('aad-ack-first-0001')
    const held = heldDb()
    const ctx = createExecutionContext()
    const from = connectorCalls.length
    const answer = await within(
      worker.fetch(await request(user.activity({ text: 'help' })), { ...env, DB: held.db } as Env, ctx),
      10_000,
    )
    expect(answer).not.toBe(TIMEOUT)
    expect((answer as Response).status).toBe(200)
    // The turn has started (its claim is waiting for D1) and nothing was sent yet.
    expect(held.batches()).toBe(1)
    expect(connectorCalls.slice(from)).toEqual([])
    held.open()
    await waitOnExecutionContext(ctx)
    const sent = connectorCalls.slice(from).filter((c) => c.conversationId === user.conversationId)
    expect(sent).toHaveLength(1)
    expect(JSON.stringify(sent[0]?.card)).toContain('Action.Submit')
    expect(unexpected).toEqual([])
  })

  it('tells the user with the error card when the turn fails after the answer, and answers the retry', async () => {
    const user = new TeamsUser('aad-ack-first-0002')
    const activity = user.activity({ text: 'help' })
    const held = heldDb(true)
    held.open()
    const ctx = createExecutionContext()
    const from = connectorCalls.length
    const res = await worker.fetch(await request(activity), { ...env, DB: held.db } as Env, ctx)
    expect(res.status).toBe(200)
    await waitOnExecutionContext(ctx)
    const sent = connectorCalls.slice(from).filter((c) => c.conversationId === user.conversationId)
    expect(sent).toHaveLength(1)
    expect(JSON.stringify(sent[0]?.card)).toContain('Er ging iets mis bij het verwerken')

    // The failed turn claimed nothing: the same delivery again is handled normally, once.
    const again = connectorCalls.length
    await user.post(activity)
    expect(user.lastStatus).toBe(200)
    const second = connectorCalls.slice(again).filter((c) => c.conversationId === user.conversationId)
    expect(second).toHaveLength(1)
    expect(JSON.stringify(second[0]?.card)).not.toContain('Er ging iets mis')
    await user.post(activity)
    expect(connectorCalls.slice(again).filter((c) => c.conversationId === user.conversationId)).toHaveLength(
      1,
    )
  })
})
