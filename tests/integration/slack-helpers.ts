import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { processSlackAcuteAlert, processSlackCard } from '../../adapters/slack/card-publisher'
import { buildSlackActor, buildSlackDeps } from '../../adapters/slack/handlers/deps'
import { signSlackRequest } from '../../adapters/slack/verify'
import { parseIntake } from '../../src/domain/intake'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import worker from '../../src/index'
import { runSubmitIntake } from '../../src/services/cases'
import type { Deps } from '../../src/services/deps'
import { runCaseChangeNotice } from '../../src/services/teams-followups'
import { buildDeps, buildNotifierFor } from '../../src/wiring'
import blockActionsFixture from '../fixtures/slack/block-actions-accept.json'
import viewSubmissionFixture from '../fixtures/slack/view-submission-reroute.json'

// Load Bolt while this helper is imported, before any test's clock starts: through vitest's module runner
// its first load takes seconds (~60 ms in the built Worker), which would count against Slack's 3-s ack in
// the tests that time it. The Worker itself still imports it only on its first Slack request.
await import('../../adapters/slack/bolt-app')

/** The env Slack tests run with: the shared bindings plus a triage channel and the allowed workspace. */
export const slackEnv = { ...env, SLACK_TRIAGE_CHANNEL: 'C0TRIAGE01', SLACK_TEAM_IDS: 'T0RETDRNT' } as Env
export const SIGNING_SECRET = 'test-slack-signing-secret-0123456789'
export const TEAM = 'T0RETDRNT'
export const CHAIR = 'U0CHAIR001'
export const CHAIR_2 = 'U0CHAIR002'
export const REFERRER = 'U0REFERR01'
export const STRANGER = 'U0NOTCHAIR'

/** One call the worker made to the Slack Web API (or a response_url). */
export interface SlackCall {
  method: string
  body: Record<string, unknown>
}

export const slackCalls: SlackCall[] = []

/**
 * A Web API request body as the method's arguments. Bolt's WebClient sends form fields, with objects and
 * arrays (blocks, view) JSON-encoded and booleans as `true`/`false`; this gives back the same object a
 * JSON body would carry, so tests read `body.blocks` / `body.view` / `body.reply_broadcast` either way.
 */
export function decodeSlackBody(text: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('json')) return JSON.parse(text) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [key, value] of new URLSearchParams(text)) {
    if (value === 'true' || value === 'false') out[key] = value === 'true'
    else if (/^[[{]/.test(value)) {
      try {
        out[key] = JSON.parse(value)
      } catch {
        out[key] = value
      }
    } else out[key] = value
  }
  return out
}
let tsCounter = 1000

/** msw answering the Slack Web API like Slack does (ok + ids), recording every call. */
export const slackServer = setupServer(
  http.post('https://slack.example.test/api/:method', async ({ params, request }) => {
    const method = String(params.method)
    const type = request.headers.get('content-type') ?? ''
    // arrayBuffer + TextDecoder: text() on a form body makes workerd warn.
    const text = new TextDecoder().decode(await request.arrayBuffer())
    const body = decodeSlackBody(text, type)
    slackCalls.push({ method, body })
    if (request.headers.get('authorization') !== 'Bearer xoxb-test-bot-token') {
      return HttpResponse.json({ ok: false, error: 'not_authed' })
    }
    switch (method) {
      case 'chat.postMessage':
        tsCounter += 1
        return HttpResponse.json({
          ok: true,
          channel: body.channel,
          ts: `1763889000.${String(tsCounter).padStart(6, '0')}`,
        })
      case 'views.open':
        return HttpResponse.json({ ok: true, view: { id: 'V0OPENED01' } })
      case 'users.info':
        return HttpResponse.json({
          ok: true,
          user: { id: body.user, locale: body.user === 'U0ENGLISH1' ? 'en-GB' : 'nl-NL' },
        })
      default:
        return HttpResponse.json({ ok: true })
    }
  }),
  http.post('https://hooks.slack.com/:kind/*', async ({ request }) => {
    slackCalls.push({ method: 'response_url', body: (await request.json()) as Record<string, unknown> })
    return new HttpResponse(null, { status: 200 })
  }),
)

export function callsOf(method: string): SlackCall[] {
  return slackCalls.filter((c) => c.method === method)
}

/** A request signed the way Slack signs it (optionally with another timestamp or a changed body). */
export async function signedRequest(
  path: '/slack/commands' | '/slack/interactions' | '/slack/events',
  body: string,
  options: {
    timestamp?: number
    sendBody?: string
    signature?: string | null
    headers?: Record<string, string>
  } = {},
): Promise<Request> {
  const ts = String(options.timestamp ?? Math.floor(Date.now() / 1000))
  const signature =
    options.signature === undefined ? await signSlackRequest(SIGNING_SECRET, ts, body) : options.signature
  const headers: Record<string, string> = {
    'content-type': path === '/slack/events' ? 'application/json' : 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': ts,
    ...(options.headers ?? {}),
  }
  if (signature !== null) headers['x-slack-signature'] = signature
  return new Request(`https://ret.example.test${path}`, {
    method: 'POST',
    headers,
    body: options.sendBody ?? body,
  })
}

/** Sends a request to the worker and waits for everything it left to `waitUntil`. */
export async function send(request: Request, testEnv: Env = slackEnv): Promise<Response> {
  const ctx = createExecutionContext()
  const response = await worker.fetch(request, testEnv, ctx)
  await waitOnExecutionContext(ctx)
  return response
}

/** A form-encoded interaction body. */
export function interaction(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
}

function randomTrigger(): string {
  return `${Math.floor(Math.random() * 1e12)}.738474920.${crypto.randomUUID().replace(/-/g, '')}`
}

/** A card button click as Slack sends it: the real-shaped fixture with this case, version and user. */
export function buttonClick(
  action: string,
  reference: string,
  version: number,
  user = CHAIR,
  triggerId?: string,
) {
  const payload = structuredClone(blockActionsFixture) as typeof blockActionsFixture & Record<string, unknown>
  payload.user = { ...payload.user, id: user }
  payload.trigger_id = triggerId ?? randomTrigger()
  const [first] = payload.actions
  payload.actions = [
    {
      ...(first as (typeof payload.actions)[number]),
      action_id: `ret:triage:${action}`,
      value: JSON.stringify({ r: reference, v: version }),
    },
  ]
  return payload
}

/** A triage modal submission as Slack sends it: the real-shaped fixture with this modal's metadata and values. */
export function modalSubmit(
  action: string,
  meta: { r: string; v: number; i: string; l?: 'nl' | 'en' },
  values: Record<string, Record<string, unknown>>,
  user = CHAIR,
) {
  const payload = structuredClone(viewSubmissionFixture) as unknown as {
    user: Record<string, unknown>
    trigger_id: string
    view: Record<string, unknown>
  }
  payload.user = { ...payload.user, id: user }
  payload.trigger_id = randomTrigger()
  payload.view = {
    ...payload.view,
    id: `V${crypto.randomUUID().slice(0, 8).toUpperCase()}`,
    callback_id: `ret:triage:${action}`,
    private_metadata: JSON.stringify({ l: 'nl', ...meta }),
    hash: `${Date.now()}.${crypto.randomUUID().slice(0, 6)}`,
    state: { values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }])) },
  }
  return payload
}

export function depsFor(testEnv: Env = slackEnv): Deps {
  return buildDeps(testEnv)
}

/** Files a sample intake as a Slack referrer; returns its reference. */
export async function fileCase(intakeInput: Record<string, unknown>, key: string): Promise<string> {
  const deps = depsFor()
  const parsed = parseIntake(intakeInput)
  if (!parsed.ok) throw new Error('sample does not parse')
  const decision = route(parsed.value, DEFAULT_RULES, deps.clock())
  const actor = buildSlackActor(deps.config, TEAM, REFERRER, 'nl')
  const result = await runSubmitIntake(deps, { intake: parsed.value, decision, actor, idempotencyKey: key })
  return result.reference
}

/** Runs the card job for a case, as the queue consumer would. */
export async function syncCard(reference: string): Promise<void> {
  const deps = depsFor()
  await processSlackCard(deps, buildSlackDeps(slackEnv, deps.config), reference)
}

/** Runs the referrer-notice job for one change, as the queue consumer would. */
export async function notifyReferrer(reference: string, version: number): Promise<void> {
  const deps = depsFor()
  await runCaseChangeNotice({ deps, notifier: buildNotifierFor(slackEnv, deps) }, reference, version)
}

/** Runs the spoedmelding alert job for a case, as the queue consumer would. */
export async function alertAcute(reference: string): Promise<void> {
  const deps = depsFor()
  await processSlackAcuteAlert(deps, buildSlackDeps(slackEnv, deps.config), reference)
}
