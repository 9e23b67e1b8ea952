import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app'
import { parseIntake } from '../../src/domain/intake'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import type { Actor } from '../../src/domain/types'
import { runSubmitIntake } from '../../src/services/cases'
import { listMonitoringCases } from '../../src/services/monitoring'
import { buildDeps } from '../../src/wiring'
import mdaSample from '../fixtures/intakes/sample-mda.json'
import ro3Sample from '../fixtures/intakes/sample-ro3.json'

const DAY = 86_400_000
const app = buildApp()

/**
 * A small browser for the web console: a cookie jar and form posts like tests/integration/web-client.ts,
 * but against an app with its own bindings (e.g. `CHAIR_SCOPES`), so one file can try several regions.
 */
class Browser {
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

const webActor = (userId: string): Actor => ({
  surface: 'web',
  tenant: 'dev',
  userId,
  name: userId,
  roles: ['referrer'],
  lang: 'nl',
})

let seq = 0

/** Files a case through the case service as a dev-login referrer, `daysAgo` days in the past. */
async function fileCase(
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

async function statusOf(reference: string): Promise<{ status: string; version: number }> {
  const row = await env.DB.prepare('SELECT status, version FROM cases WHERE reference = ?')
    .bind(reference)
    .first<{ status: string; version: number }>()
  return row!
}

/**
 * The follow-up after the advice on the web (issue 15 §1): the referrer answers the follow-up questions
 * on the case page, the answers land on the case (plain enums for monitoring, the note encrypted in the
 * timeline), the chair sees them in the timeline and can close the case, and monitoring counts them.
 */
describe('follow-up answers on the web case page', () => {
  it("takes the referrer's answers, shows them to the chair and feeds monitoring", async () => {
    const reference = await fileCase('follow-ref', { sample: 'ro3', daysAgo: 40 })
    const chair = await new Browser().login('Chair One', 'chair')
    const referrer = await new Browser().login('Follow Ref')
    const act = async (fields: Record<string, string>, who = chair) => {
      await who.get(`/cases/${reference}`)
      await who.post(`/cases/${reference}`, { version: who.version(), ...fields })
    }
    await act({ command: 'accept', intervention: 'RO3', reason: '' })
    await act({ command: 'schedule', date: '2026-12-08', time: '14:30' })
    await act({ command: 'recordOutcome', advice: 'Start RO3 met school en jeugdarts.' })
    expect((await statusOf(reference)).status).toBe('advised')

    // Only the referrer is offered the follow-up questions.
    await chair.get(`/cases/${reference}`)
    expect(chair.html).not.toContain('name="command" value="answerFollowUp"')
    await referrer.get(`/cases/${reference}`)
    expect(referrer.html).toContain('name="command" value="answerFollowUp"')
    expect(referrer.html).toContain('Nazorgvragen beantwoorden')

    const answers = {
      command: 'answerFollowUp',
      adviceFollowed: 'partly',
      careStarted: 'yes',
      careStartedAt: '',
      goalsReached: 'yes',
      stoppedEarly: 'no',
      usefulness: '5',
      note: 'Jesse gaat weer elke dag naar school.',
    }
    // Care started without a date: a field error, nothing stored.
    await act(answers, referrer)
    expect(referrer.status).toBe(422)
    expect(referrer.html).toContain('Vul datum start van zorg in.')
    await act({ ...answers, careStartedAt: '2026-12-15' }, referrer)
    expect(referrer.status).toBe(200)

    const row = await env.DB.prepare(
      'SELECT id, follow_up_json, follow_up_done_at, status FROM cases WHERE reference = ?',
    )
      .bind(reference)
      .first<{ id: string; follow_up_json: string; follow_up_done_at: string | null; status: string }>()
    expect(row!.status).toBe('advised')
    expect(row!.follow_up_done_at).not.toBeNull()
    expect(JSON.parse(row!.follow_up_json)).toMatchObject({
      adviceFollowed: 'partly',
      careStarted: true,
      careStartedAt: '2026-12-15',
      goalsReached: 'yes',
      stoppedEarly: false,
      usefulness: 5,
    })
    // The note is personal: only encrypted, in the timeline.
    expect(row!.follow_up_json).not.toContain('school')
    const { results } = await env.DB.prepare(
      'SELECT type, data_enc FROM case_events WHERE case_id = ? ORDER BY seq',
    )
      .bind(row!.id)
      .all<{ type: string; data_enc: string | null }>()
    const event = results.find((e) => e.type === 'answerFollowUp')
    expect(event?.data_enc).toBeTruthy()
    expect(event?.data_enc).not.toContain('school')

    // The chair sees the answers in the timeline, and may close the case.
    await chair.get(`/cases/${reference}`)
    for (const text of [
      'Nazorgvragen beantwoorden',
      'Jesse gaat weer elke dag naar school.',
      '5 – heel nuttig',
      'Deels',
    ]) {
      expect(chair.html).toContain(text)
    }
    await act({ command: 'close', reason: '' })
    expect((await statusOf(reference)).status).toBe('closed')

    // A second answer is refused.
    await referrer.get(`/cases/${reference}`)
    expect(referrer.html).not.toContain('name="command" value="answerFollowUp"')

    // Monitoring reads the answers and the start of care.
    const cases = await listMonitoringCases(buildDeps(env))
    const mine = cases.find((c) => c.reference === reference)
    expect(mine?.followUp).toMatchObject({ usefulness: 5, careStartedAt: '2026-12-15' })
    expect(mine?.careStartedAt).toBe('2026-12-15')
    expect(mine?.pseudonym).toBeNull()
  }, 30_000)
})
