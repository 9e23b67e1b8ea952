import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { buildApp } from '../../../src/app'
import { parseIntake } from '../../../src/domain/intake'
import { route } from '../../../src/domain/routing'
import { DEFAULT_RULES } from '../../../src/domain/rules'
import type { Actor } from '../../../src/domain/types'
import { runSubmitIntake } from '../../../src/services/cases'
import { buildDeps } from '../../../src/wiring'
import mdaSample from '../../fixtures/intakes/sample-mda.json'
import ro3Sample from '../../fixtures/intakes/sample-ro3.json'

/**
 * The web console from a test: a signed-in browser on the app (dev sign-in over loopback), cases filed
 * straight through the submit use case, and a case's status — shared by the console and follow-up tests.
 */

export const DAY = 86_400_000
export const app = buildApp()

/**
 * A small browser for the web console: a cookie jar and form posts like tests/integration/web-client.ts,
 * but against an app with its own bindings (e.g. `CHAIR_SCOPES`), so one file can try several regions.
 */
export class Browser {
  readonly cookies = new Map<string, string>()
  html = ''
  status = 0
  res: Response | null = null

  constructor(readonly bindings: Record<string, unknown> = {}) {}

  async send(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0)
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const ctx = createExecutionContext()
    const res = await app.fetch(
      new Request(new URL(path, 'http://127.0.0.1:8787'), { ...init, headers, redirect: 'manual' }),
      { ...env, ...this.bindings },
      ctx,
    )
    await waitOnExecutionContext(ctx)
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair!.indexOf('=')
      const value = pair!.slice(at + 1).trim()
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(pair!.slice(0, at).trim())
      else this.cookies.set(pair!.slice(0, at).trim(), value)
    }
    return res
  }

  private async settle(first: Response): Promise<Response> {
    let res = first
    for (let hops = 0; hops < 5 && res.status >= 300 && res.status < 400; hops++) {
      res = await this.send(res.headers.get('location')!)
    }
    this.status = res.status
    this.res = res
    this.html = await res.text()
    return res
  }

  get(path: string) {
    return this.send(path).then((r) => this.settle(r))
  }

  async post(path: string, fields: Record<string, string>, csrf = this.csrf()) {
    const body = new URLSearchParams({ _csrf: csrf, ...fields })
    const res = await this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    })
    return this.settle(res)
  }

  csrf(): string {
    return this.html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? ''
  }

  /** The version the case page's forms carry. */
  version(): string {
    return this.html.match(/name="version" value="(\d+)"/)?.[1] ?? ''
  }

  async login(name: string, role = 'referrer') {
    await this.get('/dev/login')
    await this.post('/dev/login', { name, role })
    return this
  }
}

export const webActor = (userId: string): Actor => ({
  surface: 'web',
  tenant: 'dev',
  userId,
  name: userId,
  roles: ['referrer'],
  lang: 'nl',
})

let seq = 0

/** Files a case through the case service as a dev-login referrer, `daysAgo` days in the past. */
export async function fileCase(
  referrer: string,
  options: { sample?: 'ro3' | 'mda'; municipality?: string; urgency?: string; daysAgo?: number } = {},
) {
  const sample = options.sample === 'mda' ? mdaSample : ro3Sample
  const raw = {
    ...sample.intake,
    child: { ...sample.intake.child, municipality: options.municipality ?? 'Assen' },
    urgency: options.urgency ?? sample.intake.urgency,
  }
  const parsed = parseIntake(raw)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
  const at = new Date(Date.now() - (options.daysAgo ?? 0) * DAY)
  const deps = buildDeps(env, { clock: () => at })
  const filed = await runSubmitIntake(deps, {
    intake: parsed.value,
    decision: route(parsed.value, DEFAULT_RULES, at),
    actor: webActor(referrer),
    idempotencyKey: `web-cases-${++seq}`,
  })
  return filed.reference
}

export async function statusOf(reference: string): Promise<{ status: string; version: number }> {
  const row = await env.DB.prepare('SELECT status, version FROM cases WHERE reference = ?')
    .bind(reference)
    .first<{ status: string; version: number }>()
  return row!
}
