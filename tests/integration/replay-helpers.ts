/// <reference types="vite/client" />
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { expect } from 'vitest'
import worker from '../../src/index'
import slackIndex from '../fixtures/slack/replay/index.json'
import { TEST_APP_ID, TEST_SERVICE_URL } from '../fixtures/teams/keys'
import teamsIndex from '../fixtures/teams/replay/index.json'
import { interaction, TEAM } from './slack-helpers'
import { TENANT } from './teams-helpers'

/**
 * The recorded platform payloads under tests/fixtures/{slack,teams}/replay and how to send them the way
 * the platform does. The payload files are bundled (workerd has no file system for tests to read).
 */

export interface FixtureSource {
  repository: string
  path: string
  commit: string
  licence: string
  pointer: string
}

export type SlackKind = 'command' | 'interaction' | 'event'

export interface SlackFixture {
  file: string
  kind: SlackKind
  shape: string
  source: FixtureSource
  payload: Record<string, unknown>
}

export interface TeamsFixture {
  file: string
  shape: string
  source: FixtureSource
  payload: Record<string, unknown>
}

function payloadsIn(files: Record<string, unknown>): Map<string, Record<string, unknown>> {
  return new Map(
    Object.entries(files)
      .filter(([path]) => !path.endsWith('/index.json'))
      .map(([path, json]) => [path.slice(path.lastIndexOf('/') + 1), json as Record<string, unknown>]),
  )
}

const slackFiles = payloadsIn(
  import.meta.glob('../fixtures/slack/replay/*.json', { eager: true, import: 'default' }),
)
const teamsFiles = payloadsIn(
  import.meta.glob('../fixtures/teams/replay/*.json', { eager: true, import: 'default' }),
)

/** Every file in a replay folder has an index entry, and every entry a file. */
export function unindexed(): { slack: string[]; teams: string[] } {
  const names = (list: { file: string }[]) => new Set(list.map((f) => f.file))
  const slackNames = names(slackIndex.fixtures)
  const teamsNames = names(teamsIndex.fixtures)
  return {
    slack: [...slackFiles.keys()].filter((f) => !slackNames.has(f)),
    teams: [...teamsFiles.keys()].filter((f) => !teamsNames.has(f)),
  }
}

export const slackFixtures: SlackFixture[] = slackIndex.fixtures.map((f) => {
  const payload = slackFiles.get(f.file)
  if (!payload) throw new Error(`tests/fixtures/slack/replay/index.json names a missing file: ${f.file}`)
  return { ...f, kind: f.kind as SlackKind, payload }
})

export const teamsFixtures: TeamsFixture[] = teamsIndex.fixtures.map((f) => {
  const payload = teamsFiles.get(f.file)
  if (!payload) throw new Error(`tests/fixtures/teams/replay/index.json names a missing file: ${f.file}`)
  return { ...f, payload }
})

const SLACK_PATHS = {
  command: '/slack/commands',
  interaction: '/slack/interactions',
  event: '/slack/events',
} as const

/** Where Slack posts this kind of payload, and the raw body it posts. */
export function slackRequestOf(fixture: SlackFixture): {
  path: (typeof SLACK_PATHS)[SlackKind]
  body: string
} {
  const path = SLACK_PATHS[fixture.kind]
  if (fixture.kind === 'command') {
    const fields = Object.entries(fixture.payload).map(([k, v]) => [k, String(v)] as [string, string])
    return { path, body: new URLSearchParams(fields).toString() }
  }
  if (fixture.kind === 'interaction') return { path, body: interaction(fixture.payload) }
  return { path, body: JSON.stringify(fixture.payload) }
}

function pick(value: unknown, ...path: string[]): unknown {
  let node = value
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/** The workspace a Slack payload comes from. */
export function slackTeamOf(payload: Record<string, unknown>): string | null {
  const team = payload.team_id ?? pick(payload, 'team', 'id') ?? pick(payload, 'user', 'team_id')
  return typeof team === 'string' && team !== '' ? team : null
}

/** The Slack test env, with the fixture's own workspace allowed (as if the app were installed there). */
export function slackEnvFor(base: Env, payload: Record<string, unknown>): Env {
  const team = slackTeamOf(payload)
  return { ...base, SLACK_TEAM_IDS: team ? `${TEAM},${team}` : TEAM } as Env
}

/** A copy of `value` with every string equal to a key of `map` replaced by its value. */
function replaceStrings(value: unknown, map: Map<string, string>): unknown {
  if (typeof value === 'string') return map.get(value) ?? value
  if (Array.isArray(value)) return value.map((v) => replaceStrings(v, map))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceStrings(v, map)]))
  }
  return value
}

/**
 * The activity as Teams would send it to this deployment: its serviceUrl, tenant and bot (recipient) id
 * replaced, wherever they occur, by the test connector, the allow-listed tenant and the test app's bot id.
 */
export function teamsActivityFor(payload: Record<string, unknown>): Record<string, unknown> {
  const map = new Map<string, string>()
  const serviceUrl = payload.serviceUrl
  if (typeof serviceUrl === 'string') map.set(serviceUrl, TEST_SERVICE_URL)
  for (const tenant of [
    pick(payload, 'conversation', 'tenantId'),
    pick(payload, 'channelData', 'tenant', 'id'),
  ]) {
    if (typeof tenant === 'string') map.set(tenant, TENANT)
  }
  const recipient = pick(payload, 'recipient', 'id')
  if (typeof recipient === 'string') map.set(recipient, `28:${TEST_APP_ID}`)
  return replaceStrings(payload, map) as Record<string, unknown>
}

export interface Delivery {
  response: Response
  text: string
  /** Milliseconds until the response (the ack), not counting work left to `waitUntil`. */
  ackMs: number
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Sends a request to the worker like `send` in the Slack/Teams helpers, but times the ack on its own
 * and gives up (fails) rather than hang: `ackLimitMs` for the response, 20 s for the work after it.
 */
export async function deliver(request: Request, testEnv: Env, ackLimitMs: number): Promise<Delivery> {
  const ctx = createExecutionContext()
  const started = performance.now()
  const response = await within(Promise.resolve(worker.fetch(request, testEnv, ctx)), ackLimitMs, 'ack')
  const ackMs = performance.now() - started
  const text = await response.text()
  await within(waitOnExecutionContext(ctx), 20_000, 'work after the ack')
  return { response, text, ackMs }
}

/** 200, or a 4xx that says why in Dutch and English; never a 5xx. */
export function expectHandled(delivery: Delivery, where: string): void {
  const { response, text } = delivery
  const shown = `${where}: ${response.status} ${text.slice(0, 300)}`
  expect(response.status, shown).toBeLessThan(500)
  if (response.status === 200) return
  expect(response.status, shown).toBeGreaterThanOrEqual(400)
  const type = response.headers.get('content-type') ?? ''
  if (type.includes('json')) {
    const body = JSON.parse(text) as { error?: { nl?: unknown; en?: unknown } }
    expect(typeof body.error?.nl, shown).toBe('string')
    expect(typeof body.error?.en, shown).toBe('string')
    expect(body.error?.nl, shown).not.toBe(body.error?.en)
  } else {
    // Plain text: one line per language.
    expect(text.split('\n').filter((l) => l.trim() !== '').length, shown).toBeGreaterThanOrEqual(2)
  }
}
