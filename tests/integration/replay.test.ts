import { env } from 'cloudflare:test'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { mintToken } from '../fixtures/teams/keys'
import { rowCounts } from './helpers/db'
import { buildPlatformServer } from './helpers/platforms'
import {
  deliver,
  expectHandled,
  slackEnvFor,
  slackFixtures,
  slackRequestOf,
  teamsActivityFor,
  teamsFixtures,
  unindexed,
} from './replay-helpers'
import { signedRequest, slackCalls, slackEnv } from './slack-helpers'
import { botSigner, connectorCalls, unexpected } from './teams-helpers'

/**
 * Real payloads that no one here wrote (tests/fixtures/{slack,teams}/replay, sources in their index.json
 * and tests/fixtures/README.md), replayed black-box over HTTP as the platform sends them: each is answered
 * with 200 or a clear bilingual 4xx, never a 5xx and never after the platform's ack window; delivered a
 * second time (a Slack retry, the same Teams activity id) it changes no row in D1 and makes no outbound call.
 */

/** The platforms' ack windows: Slack retries after 3 s, Teams after 5 s (an invoke fails then). */
const SLACK_ACK_MS = 3_000
const TEAMS_ACK_MS = 5_000

/** What each first delivery made the app do (outbound calls), to show the replays reach the app at all. */
const firstCalls = new Map<string, string[]>()

const server = buildPlatformServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => {
  unexpected.length = 0
})

describe('the replay fixtures', () => {
  it('are all indexed with their source, and cover the platforms broadly', () => {
    expect(unindexed()).toEqual({ slack: [], teams: [] })
    for (const f of [...slackFixtures, ...teamsFixtures]) {
      expect(f.source.repository, f.file).toMatch(/^[\w.-]+\/[\w.-]+$/)
      expect(f.source.commit, f.file).toMatch(/^[0-9a-f]{40}$/)
      expect(f.source.licence, f.file).not.toBe('')
    }
    expect(new Set(slackFixtures.map((f) => f.kind))).toEqual(new Set(['command', 'interaction', 'event']))
    expect(slackFixtures.length).toBeGreaterThanOrEqual(12)
    expect(teamsFixtures.length).toBeGreaterThanOrEqual(12)
  })
})

describe('Slack: recorded payloads replayed', () => {
  it.each(slackFixtures.map((f) => [f.file, f] as const))('%s', async (file, fixture) => {
    const { path, body } = slackRequestOf(fixture)
    const testEnv = slackEnvFor(slackEnv, fixture.payload)

    const callsBefore = slackCalls.length
    const first = await deliver(await signedRequest(path, body), testEnv, SLACK_ACK_MS)
    expectHandled(first, `${file} (first delivery)`)
    // Signed correctly, so the door lets it in: whatever follows is the app's own answer.
    expect([401, 403], `${file}: refused at the door`).not.toContain(first.response.status)
    if (fixture.payload.type === 'url_verification') {
      expect(JSON.parse(first.text)).toEqual({ challenge: fixture.payload.challenge })
    }
    const rowsAfterFirst = await rowCounts()
    const callsAfterFirst = slackCalls.length
    firstCalls.set(
      file,
      slackCalls.slice(callsBefore).map((c) => c.method),
    )

    const retry = await deliver(
      await signedRequest(path, body, {
        headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      }),
      testEnv,
      SLACK_ACK_MS,
    )
    expectHandled(retry, `${file} (retry)`)
    expect(await rowCounts(), `${file}: the retry changed D1`).toEqual(rowsAfterFirst)
    expect(
      slackCalls.slice(callsAfterFirst).map((c) => c.method),
      `${file}: the retry called Slack`,
    ).toEqual([])
  })
})

describe('Teams: recorded activities replayed', () => {
  async function post(activity: Record<string, unknown>) {
    const token = await mintToken(await botSigner(), Math.floor(Date.now() / 1000))
    return new Request('https://ret.example.test/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(activity),
    })
  }

  it.each(teamsFixtures.map((f) => [f.file, f] as const))('%s', async (file, fixture) => {
    const activity = teamsActivityFor(fixture.payload)

    const callsBefore = connectorCalls.length
    const first = await deliver(await post(activity), env, TEAMS_ACK_MS)
    expectHandled(first, `${file} (first delivery)`)
    // A valid token and an allow-listed tenant: the door lets it in; whatever follows is the app's answer.
    expect([401, 403], `${file}: refused at the door`).not.toContain(first.response.status)
    const rowsAfterFirst = await rowCounts()
    const callsAfterFirst = connectorCalls.length
    firstCalls.set(
      file,
      connectorCalls.slice(callsBefore).map((c) => c.method),
    )

    const again = await deliver(await post(activity), env, TEAMS_ACK_MS)
    expectHandled(again, `${file} (same activity again)`)
    expect(await rowCounts(), `${file}: the second delivery changed D1`).toEqual(rowsAfterFirst)
    expect(
      connectorCalls.slice(callsAfterFirst).map((c) => `${c.method} ${c.conversationId}`),
      `${file}: the second delivery called the Bot Connector`,
    ).toEqual([])
    expect(unexpected, `${file}: calls to unknown hosts`).toEqual([])
  })
})

describe('the replays reach the app', () => {
  // Runs after the replays above (vitest runs a file's tests in order): a recorded slash command opens the
  // intake, and a recorded 1:1 message is answered in Teams. A replay that only ever met the door would
  // make the "never twice" checks above vacuous.
  it('a recorded slash command and a recorded 1:1 Teams message are answered, once', () => {
    const commands = slackFixtures
      .filter((f) => f.kind === 'command')
      .map((f) => firstCalls.get(f.file) ?? [])
    expect(
      commands.some((calls) => calls.length > 0),
      JSON.stringify(commands),
    ).toBe(true)
    const personal = teamsFixtures
      .filter(
        (f) => f.payload.type === 'message' && JSON.stringify(f.payload.conversation).includes('personal'),
      )
      .map((f) => [f.file, firstCalls.get(f.file) ?? []] as const)
    expect(personal.length).toBeGreaterThan(0)
    for (const [file, calls] of personal) expect(calls, file).toContain('POST')
  })
})
