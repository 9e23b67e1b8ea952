import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { beforeAll } from 'vitest'
import type { AdaptiveCard, CardElement, SubmitAction } from '../../adapters/teams/card-schema'
import worker from '../../src/index'
import {
  botFrameworkDocuments,
  type MintOptions,
  makeSigner,
  mintToken,
  TEST_APP_ID,
  TEST_JWKS_URL,
  TEST_METADATA_URL,
  TEST_SERVICE_URL,
  type TestSigner,
} from '../fixtures/teams/keys'

/**
 * The route loads the Teams SDK with `await import()` on the first Teams request. In the test pool that
 * import is pre-bundled and evaluated once per test file, which takes seconds on a busy machine: do it
 * before the first test, so no test's time budget pays for it.
 */
beforeAll(async () => {
  await import('../../adapters/teams/sdk')
}, 120_000)

export const TENANT = 'tenant-drenthe-0001'
export const TOKEN_URL = 'https://login.example.test/botframework.com/oauth2/v2.0/token'
export const CONNECTOR = TEST_SERVICE_URL.replace(/\/+$/, '')

/** One call the worker made to the Bot Connector. */
export interface ConnectorCall {
  method: 'POST' | 'PUT'
  conversationId: string
  /** The activity id answered (POST) or replaced (PUT). */
  activityId: string
  card: AdaptiveCard | null
  authorization: string | null
}

export const connectorCalls: ConnectorCall[] = []
export const tokenRequests: URLSearchParams[] = []
export const unexpected: string[] = []
let activityCounter = 0

let signer: TestSigner | null = null
let webchat: TestSigner | null = null

/** The local Bot Framework signing key (generated once per test file). */
export async function botSigner(): Promise<TestSigner> {
  signer ??= await makeSigner('kid-local-bf-1')
  return signer
}

/** A second published key, endorsed for Web Chat only (not for `msteams`). */
export async function webchatSigner(): Promise<TestSigner> {
  webchat ??= await makeSigner('kid-local-webchat-1', ['webchat', 'directline'])
  return webchat
}

async function publishedKeys(): Promise<TestSigner[]> {
  return [await botSigner(), await webchatSigner()]
}

function cardOf(body: unknown): AdaptiveCard | null {
  const attachments = (body as { attachments?: { content?: unknown }[] } | null)?.attachments
  return (attachments?.[0]?.content as AdaptiveCard | undefined) ?? null
}

/**
 * msw playing the Bot Framework: OpenID metadata and JWKS (the local key), the token endpoint, and
 * the Bot Connector (recording every card sent or updated). Anything else is recorded as unexpected.
 */
export function buildTeamsServer() {
  return setupServer(
    http.get(TEST_METADATA_URL, async () =>
      HttpResponse.json(botFrameworkDocuments(await publishedKeys()).metadata),
    ),
    http.get(TEST_JWKS_URL, async () => HttpResponse.json(botFrameworkDocuments(await publishedKeys()).jwks)),
    http.post(TOKEN_URL, async ({ request }) => {
      tokenRequests.push(new URLSearchParams(await request.text()))
      // Access tokens must be JWT-shaped; nothing verifies this one.
      return HttpResponse.json({
        token_type: 'Bearer',
        expires_in: 3600,
        access_token: 'eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.c2ln',
      })
    }),
    http.post(`${CONNECTOR}/v3/conversations/:cid/activities`, async ({ params, request }) => {
      activityCounter += 1
      const activityId = `bot-act-${activityCounter}`
      connectorCalls.push({
        method: 'POST',
        conversationId: decodeURIComponent(String(params.cid)),
        activityId,
        card: cardOf(await request.json()),
        authorization: request.headers.get('authorization'),
      })
      return HttpResponse.json({ id: activityId })
    }),
    http.put(`${CONNECTOR}/v3/conversations/:cid/activities/:aid`, async ({ params, request }) => {
      const activityId = decodeURIComponent(String(params.aid))
      connectorCalls.push({
        method: 'PUT',
        conversationId: decodeURIComponent(String(params.cid)),
        activityId,
        card: cardOf(await request.json()),
        authorization: request.headers.get('authorization'),
      })
      return HttpResponse.json({ id: activityId })
    }),
    http.all('*', ({ request }) => {
      unexpected.push(`${request.method} ${new URL(request.url).host}`)
      return new HttpResponse(null, { status: 404 })
    }),
  )
}

/** Sends a request to the worker and waits for what it left to `waitUntil`. */
export async function send(request: Request): Promise<Response> {
  const ctx = createExecutionContext()
  const response = await worker.fetch(request, env, ctx)
  await waitOnExecutionContext(ctx)
  return response
}

/** Every element of a card, depth first. */
export function elements(card: AdaptiveCard): CardElement[] {
  const out: CardElement[] = []
  const walk = (list: CardElement[]) => {
    for (const el of list) {
      out.push(el)
      if (el.type === 'Container') walk(el.items)
    }
  }
  walk(card.body)
  return out
}

/** Every submit button of a card (card actions and action sets). */
export function buttons(card: AdaptiveCard): SubmitAction[] {
  const inSets = elements(card).flatMap((e) => (e.type === 'ActionSet' ? e.actions : []))
  return [...(card.actions ?? []), ...inSets].filter((a): a is SubmitAction => a.type === 'Action.Submit')
}

/** A Teams user in a personal chat with the bot. */
export class TeamsUser {
  readonly conversationId: string
  /** The activity id of the card last shown to this user, and that card. */
  cardId: string | null = null
  card: AdaptiveCard | null = null
  lastStatus = 0

  constructor(
    readonly aad: string,
    readonly tenant = TENANT,
    readonly locale = 'nl-NL',
  ) {
    this.conversationId = `a:personal-${aad}`
  }

  get key(): string {
    return `teams:${this.tenant}:${this.aad}`
  }

  /** Builds an activity from this user, as Teams sends it. */
  activity(extra: Record<string, unknown>): Record<string, unknown> {
    return {
      type: 'message',
      id: `1763${Math.floor(Math.random() * 1e9)}`,
      timestamp: new Date().toISOString(),
      locale: this.locale,
      serviceUrl: TEST_SERVICE_URL,
      channelId: 'msteams',
      from: { id: `29:${this.aad}`, aadObjectId: this.aad, name: 'Referrer' },
      recipient: { id: `28:${TEST_APP_ID}`, name: 'RET' },
      conversation: { id: this.conversationId, conversationType: 'personal', tenantId: this.tenant },
      channelData: { tenant: { id: this.tenant } },
      ...extra,
    }
  }

  /** Posts an activity with a token minted against the local JWKS (options break one rule). */
  async post(
    activity: Record<string, unknown>,
    token: MintOptions | 'none' = {},
    by?: TestSigner,
  ): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (token !== 'none') {
      const now = Math.floor(Date.now() / 1000)
      headers.authorization = `Bearer ${await mintToken(by ?? (await botSigner()), now, token)}`
    }
    const before = connectorCalls.length
    const res = await send(
      new Request('https://ret.example.test/api/messages', {
        method: 'POST',
        headers,
        body: JSON.stringify(activity),
      }),
    )
    this.lastStatus = res.status
    for (const call of connectorCalls.slice(before)) {
      if (call.conversationId === this.conversationId && call.card) {
        this.card = call.card
        this.cardId = call.activityId
      }
    }
    return res
  }

  async say(text: string): Promise<Response> {
    return this.post(this.activity({ text }))
  }

  /** The button with this action on the current card. */
  button(action: string): SubmitAction {
    const found = this.card && buttons(this.card).find((b) => b.data?.action === action)
    if (!found) throw new Error(`no button ${action} on the current card`)
    return found
  }

  /** The activity of pressing a button, with typed values for the card's inputs (as Teams merges them). */
  pressActivity(action: string, typed: Record<string, string | string[]> = {}): Record<string, unknown> {
    const b = this.button(action)
    const inputs = new Set(
      elements(this.card as AdaptiveCard)
        .filter((e) => e.type.startsWith('Input.'))
        .map((e) => (e as { id: string }).id),
    )
    const value: Record<string, unknown> = {}
    if (b.associatedInputs !== 'none') {
      for (const [name, v] of Object.entries(typed)) {
        if (inputs.has(name)) value[name] = Array.isArray(v) ? v.join(',') : v
      }
    }
    return this.activity({ value: { ...value, ...b.data }, replyToId: this.cardId, text: undefined })
  }

  async press(action: string, typed: Record<string, string | string[]> = {}): Promise<Response> {
    return this.post(this.pressActivity(action, typed))
  }

  /** The step the current card is on. */
  stepId(): string | null {
    const b = this.card ? buttons(this.card).find((x) => typeof x.data?.stepId === 'string') : undefined
    return (b?.data?.stepId as string | undefined) ?? null
  }
}

/**
 * Opens a file link as a browser does (GET): the page, its status, and the CSRF cookie and form token
 * a post of its form needs (file links are single-use and their forms CSRF-protected; issue 14 §2).
 */
export async function openLink(
  url: string,
): Promise<{ status: number; html: string; cookie: string; csrf: string }> {
  const res = await send(new Request(url, { redirect: 'manual' }))
  const cookie = res.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .filter((pair) => pair.startsWith('ret_csrf='))
    .join('; ')
  const html = await res.text()
  return { status: res.status, html, cookie, csrf: html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '' }
}

/** Posts a link's form (after `openLink`): the CSRF token plus `fields`, with the browser's cookie. */
export function postLinkForm(
  url: string,
  opened: { cookie: string; csrf: string },
  fields: Record<string, string | File> = {},
): Promise<Response> {
  const form = new FormData()
  form.append('_csrf', opened.csrf)
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  return send(new Request(url, { method: 'POST', body: form, headers: { cookie: opened.cookie } }))
}
