import { env } from 'cloudflare:test'
import { HttpResponse, http } from 'msw'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AdaptiveCardSchema } from '../../adapters/teams/card-schema'
import { TEST_APP_ID } from '../fixtures/teams/keys'
import { buildTeamsServer, buttons, CONNECTOR, connectorCalls, TeamsUser, unexpected } from './teams-helpers'

/**
 * What the Teams SDK's routing adds: invoke activities answered in their own response shapes, and one
 * welcome per install although Teams announces an install twice.
 */
const server = buildTeamsServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => {
  unexpected.length = 0
})

function callsTo(user: TeamsUser, from: number) {
  return connectorCalls.slice(from).filter((c) => c.conversationId === user.conversationId)
}

/** An invoke activity from this user, as Teams sends it. */
function invoke(user: TeamsUser, name: string, value: unknown, extra: Record<string, unknown> = {}) {
  return user.activity({ type: 'invoke', name, value, text: undefined, ...extra })
}

async function body(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>
}

describe('Teams invokes: adaptiveCard/action', () => {
  it('answers a step action with the replacing card in the invoke response, not through the connector', async () => {
    const user = new TeamsUser('aad-invoke-step-0001')
    await user.say('nieuwe casus')
    const next = user.button('next')
    const from = connectorCalls.length
    // "Next" without the required answers: the same step again, with the errors, replaces the card.
    const res = await user.post(
      invoke(user, 'adaptiveCard/action', {
        action: { type: 'Action.Execute', verb: 'next', data: next.data },
      }),
    )
    expect(res.status).toBe(200)
    const answer = await body(res)
    expect(answer.statusCode).toBe(200)
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive')
    const card = AdaptiveCardSchema.parse(answer.value)
    expect(buttons(card).some((b) => b.data?.action === 'next')).toBe(true)
    expect(callsTo(user, from)).toEqual([])
  })

  it('answers a command action with a message response and posts the new card after the ack', async () => {
    const user = new TeamsUser('aad-invoke-help-0001', 'tenant-drenthe-0001', 'en-US')
    const from = connectorCalls.length
    const res = await user.post(
      invoke(user, 'adaptiveCard/action', {
        action: { type: 'Action.Execute', verb: 'help', data: { action: 'cmd:help' } },
      }),
    )
    expect(res.status).toBe(200)
    const answer = await body(res)
    expect(answer).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' })
    const posted = callsTo(user, from)
    expect(posted.map((c) => c.method)).toEqual(['POST'])
    expect(JSON.stringify(posted[0]?.card)).toContain('RET intake in Teams')
  })

  it('answers an action without data with an error response (400 in the body), and changes nothing', async () => {
    const user = new TeamsUser('aad-invoke-bad-0001')
    const from = connectorCalls.length
    const res = await user.post(invoke(user, 'adaptiveCard/action', { action: { type: 'Action.Execute' } }))
    expect(res.status).toBe(200)
    const answer = await body(res)
    expect(answer).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' })
    expect((answer.value as { code: string; message: string }).message).toContain('begreep')
    expect(callsTo(user, from)).toEqual([])
    const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM teams_conversations WHERE user_key = ?')
      .bind(user.key)
      .first<{ n: number }>()
    expect(row?.n).toBe(0)
  })

  it('a repeated delivery of the same invoke changes nothing', async () => {
    const user = new TeamsUser('aad-invoke-dup-0001')
    await user.say('nieuwe casus')
    const start = user.button('next')
    const activity = invoke(user, 'adaptiveCard/action', {
      action: { type: 'Action.Execute', verb: 'next', data: start.data },
    })
    const first = await body(await user.post(activity))
    expect(first.type).toBe('application/vnd.microsoft.card.adaptive')
    const again = await body(await user.post(activity))
    expect(again).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: '' })
  })
})

describe('Teams invokes: task/fetch and task/submit', () => {
  it('answers task/fetch with a continue response carrying a card', async () => {
    const user = new TeamsUser('aad-task-0001', 'tenant-drenthe-0001', 'en-US')
    const res = await user.post(invoke(user, 'task/fetch', { data: {} }))
    expect(res.status).toBe(200)
    const answer = (await body(res)) as {
      task: { type: string; value: { title: string; card: { contentType: string; content: unknown } } }
    }
    expect(answer.task.type).toBe('continue')
    expect(answer.task.value.card.contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(AdaptiveCardSchema.safeParse(answer.task.value.card.content).success).toBe(true)
    expect(answer.task.value.title).toBe('RET intake in Teams')
  })

  it('answers task/submit with a message response', async () => {
    const user = new TeamsUser('aad-task-0002')
    const res = await user.post(invoke(user, 'task/submit', { data: { anything: 1 } }))
    expect(res.status).toBe(200)
    const answer = (await body(res)) as { task: { type: string; value: string } }
    expect(answer.task.type).toBe('message')
    expect(answer.task.value.length).toBeGreaterThan(0)
  })
})

describe('Teams install: one welcome', () => {
  function conversationUpdate(user: TeamsUser) {
    return user.activity({
      type: 'conversationUpdate',
      membersAdded: [{ id: `28:${TEST_APP_ID}` }],
      text: undefined,
    })
  }
  function installationUpdate(user: TeamsUser) {
    return user.activity({ type: 'installationUpdate', action: 'add', text: undefined })
  }

  it('greets once when Teams sends both conversationUpdate and installationUpdate', async () => {
    const user = new TeamsUser('aad-welcome-0001', 'tenant-drenthe-0001', 'en-US')
    const from = connectorCalls.length
    await user.post(conversationUpdate(user))
    expect(user.lastStatus).toBe(200)
    await user.post(installationUpdate(user))
    expect(user.lastStatus).toBe(200)
    const cards = callsTo(user, from)
    expect(cards).toHaveLength(1)
    expect(JSON.stringify(cards[0]?.card)).toContain('RET intake in Teams')
  })

  it('greets once in the other order too, and on installationUpdate alone', async () => {
    const both = new TeamsUser('aad-welcome-0002')
    const from = connectorCalls.length
    await both.post(installationUpdate(both))
    await both.post(conversationUpdate(both))
    expect(callsTo(both, from)).toHaveLength(1)

    const alone = new TeamsUser('aad-welcome-0003')
    const before = connectorCalls.length
    await alone.post(installationUpdate(alone))
    expect(callsTo(alone, before)).toHaveLength(1)
    const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM teams_conversations WHERE user_key = ?')
      .bind(alone.key)
      .first<{ n: number }>()
    expect(row?.n).toBe(1)
  })

  it('does not greet when someone else joins the conversation', async () => {
    const user = new TeamsUser('aad-welcome-0004')
    const from = connectorCalls.length
    await user.post(
      user.activity({
        type: 'conversationUpdate',
        membersAdded: [{ id: '29:someone-else' }],
        text: undefined,
      }),
    )
    expect(user.lastStatus).toBe(200)
    expect(callsTo(user, from)).toEqual([])
  })
})

describe('Teams ack path', () => {
  it('writes the conversation reference only when it changed', async () => {
    const user = new TeamsUser('aad-ackpath-0001')
    await user.say('help')
    const read = () =>
      env.DB.prepare('SELECT updated_at, lang FROM teams_conversations WHERE user_key = ?')
        .bind(user.key)
        .first<{ updated_at: string; lang: string }>()
    const first = await read()
    expect(first?.lang).toBe('nl')
    await new Promise((resolve) => setTimeout(resolve, 5))
    await user.say('help')
    expect(await read()).toEqual(first)
    // A language switch changes it: written.
    await user.say('english')
    const switched = await read()
    expect(switched?.lang).toBe('en')
    expect(switched?.updated_at).not.toBe(first?.updated_at)
  })
})

describe('Teams: a reply that could not be delivered (issue 13 §16)', () => {
  it("the user's next message first gets the card they missed", async () => {
    const user = new TeamsUser('aad-missed-0001')
    // Every post to this conversation fails (after the connector's retries) while the first card is sent.
    server.use(
      http.post(
        `${CONNECTOR}/v3/conversations/:cid/activities`,
        () => new HttpResponse(null, { status: 503 }),
      ),
    )
    await user.say('nieuwe casus')
    server.resetHandlers()
    const row = await env.DB.prepare('SELECT missed_at FROM teams_conversations WHERE user_key = ?')
      .bind(user.key)
      .first<{ missed_at: string | null }>()
    expect(row?.missed_at).not.toBeNull()

    const from = connectorCalls.length
    await user.say('help')
    const cards = callsTo(user, from).map((c) => JSON.stringify(c.card))
    expect(cards[0]).toContain('kwam niet aan')
    // the missed card: the intake's first step, with its "next" button
    expect(cards[1]).toContain('"action":"next"')
    expect(cards.at(-1)).toContain('RET-intake in Teams')
    const after = await env.DB.prepare('SELECT missed_at FROM teams_conversations WHERE user_key = ?')
      .bind(user.key)
      .first<{ missed_at: string | null }>()
    expect(after?.missed_at).toBeNull()

    // once delivered, the next message gets no repeat
    const again = connectorCalls.length
    await user.say('help')
    expect(
      callsTo(user, again)
        .map((c) => JSON.stringify(c.card))
        .join(''),
    ).not.toContain('kwam niet aan')
  })
})
