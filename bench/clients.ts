import { BENCH_TENANT, type Platforms } from './platforms'
import type { Harness } from './workerd'

/**
 * Node-side clients of the served Worker for the bench: a browser (cookies, CSRF, redirects) for the
 * web surface and a Teams user (tokens from the loopback JWKS, cards read from the loopback connector).
 */

type Dispatch = Harness['ret']

/** A tiny browser: cookie jar, form posts with the page's CSRF token, redirects followed. */
export class BenchWebClient {
  readonly cookies = new Map<string, string>()
  html = ''
  status = 0

  constructor(private readonly dispatch: Dispatch) {}

  private async send(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0)
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const res = await this.dispatch(path, { ...init, headers, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = (pair ?? '').indexOf('=')
      const name = (pair ?? '').slice(0, at).trim()
      const value = (pair ?? '').slice(at + 1).trim()
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return res
  }

  private async settle(res: Response): Promise<void> {
    let current = res
    for (let hops = 0; hops < 5 && current.status >= 300 && current.status < 400; hops++) {
      await current.arrayBuffer()
      current = await this.send(current.headers.get('location') ?? '/', { method: 'GET' })
    }
    this.status = current.status
    this.html = await current.text()
  }

  async get(path: string): Promise<void> {
    await this.settle(await this.send(path, { method: 'GET' }))
  }

  async post(path: string, fields: Record<string, string | string[]>): Promise<void> {
    const body = new URLSearchParams()
    body.append('_csrf', this.html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '')
    for (const [k, v] of Object.entries(fields))
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one)
    await this.settle(
      await this.send(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      }),
    )
  }

  stepId(): string {
    return this.html.match(/name="_step" value="([^"]+)"/)?.[1] ?? ''
  }

  async login(name: string, role: 'referrer' | 'chair' = 'referrer'): Promise<void> {
    await this.get('/dev/login')
    await this.post('/dev/login', { name, role })
  }
}

interface CardElement {
  type: string
  id?: string
  items?: CardElement[]
  actions?: CardAction[]
}
interface CardAction {
  type: string
  data?: Record<string, unknown>
  associatedInputs?: string
}
interface Card {
  body?: CardElement[]
  actions?: CardAction[]
}

function elementsOf(card: Card): CardElement[] {
  const out: CardElement[] = []
  const walk = (list: CardElement[]) => {
    for (const el of list) {
      out.push(el)
      if (el.type === 'Container' && el.items) walk(el.items)
    }
  }
  walk(card.body ?? [])
  return out
}

function buttonsOf(card: Card): CardAction[] {
  const inSets = elementsOf(card).flatMap((e) => (e.type === 'ActionSet' ? (e.actions ?? []) : []))
  return [...(card.actions ?? []), ...inSets].filter((a) => a.type === 'Action.Submit')
}

/** A Teams user in a personal chat with the bot, as Teams would post its activities. */
export class BenchTeamsUser {
  readonly conversationId: string
  lastStatus = 0
  /** Milliseconds from posting the last activity to its HTTP answer (the ack), without the reply's wait. */
  lastAckMs = 0

  constructor(
    private readonly dispatch: Dispatch,
    private readonly platforms: Platforms,
    readonly aad: string,
  ) {
    this.conversationId = `a:personal-${aad}`
  }

  get key(): string {
    return `teams:${BENCH_TENANT}:${this.aad}`
  }

  get card(): Card | null {
    return (this.platforms.cards.get(this.conversationId)?.card as Card | undefined) ?? null
  }

  activity(extra: Record<string, unknown>): Record<string, unknown> {
    return {
      type: 'message',
      id: `bench-${Math.floor(Math.random() * 1e12)}`,
      timestamp: new Date().toISOString(),
      locale: 'nl-NL',
      serviceUrl: this.platforms.serviceUrl,
      channelId: 'msteams',
      from: { id: `29:${this.aad}`, aadObjectId: this.aad, name: 'Referrer' },
      recipient: { id: '28:bench-bot', name: 'RET' },
      conversation: { id: this.conversationId, conversationType: 'personal', tenantId: BENCH_TENANT },
      channelData: { tenant: { id: BENCH_TENANT } },
      ...extra,
    }
  }

  /**
   * Posts an activity with a fresh token (`token` may be given to keep minting out of a timed region) and,
   * unless `waitForReply` is false, waits until the bot's reply card reaches the connector: the Worker
   * acks first and posts its reply after, so a step is done when the person sees the next card.
   */
  async post(activity: Record<string, unknown>, token?: string, waitForReply = true): Promise<void> {
    const before = this.platforms.received(this.conversationId)
    const t0 = performance.now()
    const res = await this.dispatch('/api/messages', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token ?? (await this.platforms.token())}`,
      },
      body: JSON.stringify(activity),
    })
    this.lastStatus = res.status
    await res.arrayBuffer()
    this.lastAckMs = performance.now() - t0
    if (!waitForReply || res.status !== 200) return
    const deadline = Date.now() + 10_000
    while (this.platforms.received(this.conversationId) === before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  }

  say(text: string, token?: string): Promise<void> {
    return this.post(this.activity({ text }), token)
  }

  /** The activity of pressing a button, with typed values for the card's inputs. */
  pressActivity(action: string, typed: Record<string, string | string[]> = {}): Record<string, unknown> {
    const card = this.card
    const b = card && buttonsOf(card).find((x) => x.data?.action === action)
    if (!card || !b) throw new Error(`no button ${action} on the current card`)
    const inputs = new Set(
      elementsOf(card)
        .filter((e) => e.type.startsWith('Input.'))
        .map((e) => e.id),
    )
    const value: Record<string, unknown> = {}
    if (b.associatedInputs !== 'none') {
      for (const [name, v] of Object.entries(typed))
        if (inputs.has(name)) value[name] = Array.isArray(v) ? v.join(',') : v
    }
    return this.activity({
      value: { ...value, ...b.data },
      replyToId: this.platforms.cards.get(this.conversationId)?.activityId,
    })
  }

  stepId(): string | null {
    const b = this.card ? buttonsOf(this.card).find((x) => typeof x.data?.stepId === 'string') : undefined
    return (b?.data?.stepId as string | undefined) ?? null
  }

  hasButton(action: string): boolean {
    return this.card ? buttonsOf(this.card).some((b) => b.data?.action === action) : false
  }
}
