import { env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { TeamsCaseCard } from '../../adapters/teams/case-card'
import { buildDeps, buildJobPorts } from '../../src/wiring'
import mda from '../fixtures/intakes/sample-mda.json'
import { TEST_SERVICE_URL } from '../fixtures/teams/keys'
import { buildTeamsServer, buttons, connectorCalls, TENANT, TeamsUser, unexpected } from './teams-helpers'
import { WEB_ANSWERS } from './web-answers'
import { WebClient } from './web-client'

const server = buildTeamsServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => {
  unexpected.length = 0
})

/**
 * Issue 16 acceptance: the same Worker with `REGION=ijsselland` (the `ijsselland` project of
 * vitest.workers.config.ts) runs the IJsselland pack: its eleven municipalities, its one intervention under its
 * own name ("Expertconsultatie"), its copy.
 */

const REFERENCE = /RET-\d{4}-\d{4}/

/** The shared web answers, for a young person in Zwolle referred by the local team there. */
const ANSWERS: Record<string, Record<string, string | string[]>> = {
  ...WEB_ANSWERS,
  referrer: { ...WEB_ANSWERS.referrer, 'referrer.organisation': 'Sociaal wijkteam Zwolle' },
  child: { ...WEB_ANSWERS.child, 'child.municipality': 'Zwolle' },
}

async function answerUntil(b: WebClient, stopAt = 'review') {
  for (let i = 0; i < 20; i++) {
    const stepId = b.stepId()
    if (stepId === stopAt) return
    const answers = ANSWERS[stepId]
    if (!answers) throw new Error(`no answers for step ${stepId}`)
    await b.post('/intake', { _step: stepId, _action: 'next', ...answers })
    expect(b.status, `step ${stepId}: ${b.html.match(/error-summary[\s\S]*?<\/ul>/)?.[0]}`).toBe(200)
  }
  throw new Error('the intake did not reach the review')
}

/** A text entry of a PDF's document information (pdf-lib writes it as UTF-16 hex, uncompressed). */
function pdfInfo(bytes: Uint8Array, key: string): string | null {
  const text = new TextDecoder('latin1').decode(bytes)
  const hex = new RegExp(`/${key}\\s*<([0-9A-Fa-f]+)>`).exec(text)?.[1]
  if (!hex) return new RegExp(`/${key}\\s*\\(([^)]*)\\)`).exec(text)?.[1] ?? null
  const units: number[] = []
  for (let i = 0; i + 4 <= hex.length; i += 4) units.push(Number.parseInt(hex.slice(i, i + 4), 16))
  return String.fromCharCode(...units).replace(/^\uFEFF/, '')
}

async function count(sql: string, ...bind: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...bind)
    .first<{ n: number }>()
  return row?.n ?? 0
}

describe('IJsselland pack: the web intake', () => {
  it('offers the IJsselland municipalities, refuses Assen, files a Zwolle case routed to Expertconsultatie', async () => {
    expect(env.REGION).toBe('ijsselland')
    const b = new WebClient()
    await b.login('Sanne de Vries')
    await b.post('/intake/start', {})
    await answerUntil(b, 'child')

    // The choice list is the pack's: Zwolle and Deventer, no Drenthe municipality.
    expect(b.html).toContain('<option value="Zwolle"')
    expect(b.html).toContain('<option value="Deventer"')
    expect(b.html).not.toContain('<option value="Assen"')
    expect(b.html).not.toContain('<option value="Emmen"')

    // A Drenthe municipality posted anyway is refused with a clear message, the answers kept.
    await b.post('/intake', {
      _step: 'child',
      _action: 'next',
      ...ANSWERS.child,
      'child.municipality': 'Assen',
    })
    expect(b.status).toBe(422)
    expect(b.stepId()).toBe('child')
    expect(b.html).toContain('<a href="#f-child-municipality">')
    expect(b.html).toContain('Assen hoort niet bij de regio IJsselland')

    await b.post('/intake', { _step: 'child', _action: 'next', ...ANSWERS.child })
    expect(b.stepId()).toBe('legal')
    await answerUntil(b)
    // The review suggests the pack's one intervention, by the pack's name.
    expect(b.html).toContain('Voorgestelde interventie')
    expect(b.html).toContain('Expertconsultatie')
    expect(b.html).not.toContain('Reizend Specialistisch Team')
    expect(b.html).toContain('Zwolle')

    await b.post('/intake', { _step: 'review', _action: 'submit' })
    const reference = b.html.match(REFERENCE)?.[0]
    expect(reference, b.html.slice(0, 500)).toBeDefined()
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM cases WHERE reference = ? AND suggested_intervention = 'EXPERTTAFEL'",
        reference,
      ),
    ).toBe(1)
    // The PDF (made on the queue) is the pack's: its creator names the IJsselland service.
    await waitFor(async () => {
      const n = await count(
        'SELECT COUNT(*) AS n FROM processed_jobs WHERE job_id = ?',
        `case.submitted:${reference}#pdf.generate`,
      )
      return n === 1 ? true : undefined
    }, 'the PDF job')
    const link = await exports.default.fetch(
      new Request(new URL(`/cases/${reference}/pdf`, b.base), {
        headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
        redirect: 'manual',
      }),
    )
    const location = link.headers.get('location') ?? ''
    expect(location).toMatch(/^\/files\//)
    const pdf = await exports.default.fetch(
      new Request(new URL(location, b.base), {
        headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      }),
    )
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect(pdfInfo(new Uint8Array(await pdf.arrayBuffer()), 'Creator')).toBe('RET-intake IJsselland')
  })
})

/** The MDA++ sample intake (a Drenthe case) moved to `municipality`. */
function sampleIn(municipality: string): Record<string, unknown> {
  const intake = structuredClone((mda as { intake: Record<string, unknown> }).intake)
  ;(intake.child as Record<string, unknown>).municipality = municipality
  return intake
}

async function postRoute(intake: unknown): Promise<Response> {
  return exports.default.fetch('http://x/api/v1/route', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(intake),
  })
}

describe('IJsselland pack: the API', () => {
  it("routes a Zwolle intake to the pack's one intervention and refuses an Assen one, naming the choices", async () => {
    const zwolle = await postRoute(sampleIn('Zwolle'))
    expect(zwolle.status).toBe(200)
    const body = (await zwolle.json()) as { primary: string; alternatives: string[] }
    // The Drenthe sample routes to MDA++; the IJsselland pack offers only its expert consultation.
    expect(body.primary).toBe('EXPERTTAFEL')
    expect(body.alternatives).toEqual([])

    const assen = await postRoute(sampleIn('Assen'))
    expect(assen.status).toBe(400)
    const errors = ((await assen.json()) as { errors: { path: string; nl: string; en: string }[] }).errors
    expect(errors.map((e) => e.path)).toEqual(['child.municipality'])
    expect(errors[0]?.nl).toContain('Zwolle')
    expect(errors[0]?.nl).not.toContain('Emmen')
  })
})

const CHANNEL = '19:triage-ret-ijsselland@thread.tacv2'
const channelEnv = {
  ...env,
  TEAMS_TRIAGE_TEAM_ID: '19:team-ret-ijsselland@thread.tacv2',
  TEAMS_TRIAGE_CHANNEL_ID: CHANNEL,
  PUBLIC_URL: 'https://ret.example.test',
  TEAMS_TRIAGE_SERVICE_URL: TEST_SERVICE_URL,
} as Env

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const found = await probe()
    if (found !== undefined) return found
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('IJsselland pack: the Teams dialogue', () => {
  it('runs a whole intake on the pack: its municipalities, its intervention name on the review and receipt, its card', async () => {
    const user = new TeamsUser('aad-referrer-ijssel-01', TENANT)
    const from = connectorCalls.length
    await user.say('nieuwe casus')
    expect(user.lastStatus).toBe(200)

    let sawMunicipalities = false
    for (let i = 0; i < 25; i++) {
      const stepId = user.stepId()
      if (!stepId) throw new Error('no step card')
      if (user.card && buttons(user.card).some((b) => b.data?.action === 'submit')) break
      if (stepId === 'child') {
        const card = JSON.stringify(user.card)
        expect(card).toContain('"value":"Zwolle"')
        expect(card).toContain('"value":"Kampen"')
        expect(card).not.toContain('"value":"Assen"')
        // Assen typed in anyway: refused with the region's message, the step stays.
        await user.press('next', { ...ANSWERS.child, 'child.municipality': 'Assen' } as Record<
          string,
          string
        >)
        expect(user.stepId()).toBe('child')
        expect(JSON.stringify(user.card)).toContain('Assen hoort niet bij de regio IJsselland')
        sawMunicipalities = true
      }
      const answers = ANSWERS[stepId]
      if (!answers) throw new Error(`no answers for step ${stepId}`)
      await user.press('next', answers as Record<string, string>)
      expect(user.lastStatus).toBe(200)
      expect(user.stepId(), `step ${stepId}: ${JSON.stringify(user.card).slice(0, 300)}`).not.toBe(stepId)
    }
    expect(sawMunicipalities).toBe(true)
    const review = JSON.stringify(user.card)
    expect(review).toContain('Expertconsultatie')
    expect(review).not.toContain('Regie op 3')
    expect(review).toContain('Zwolle')

    await user.press('submit')
    expect(user.lastStatus).toBe(200)
    const reference = JSON.stringify(user.card).match(REFERENCE)?.[0]
    expect(reference).toBeDefined()
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM cases WHERE reference = ? AND municipality = 'Zwolle'",
        reference,
      ),
    ).toBe(1)

    // The receipt (queued job) names the pack's intervention.
    const receipt = await waitFor(
      () =>
        connectorCalls
          .slice(from)
          .find(
            (c) =>
              c.conversationId === user.conversationId && JSON.stringify(c.card).includes('Casus ingediend'),
          ),
      'the receipt card',
    )
    expect(JSON.stringify(receipt.card)).toContain('Expertconsultatie')

    // The chairs' channel card: the pack's name, and no reroute to interventions the pack does not have.
    const before = connectorCalls.length
    await buildJobPorts(channelEnv, buildDeps(channelEnv)).channel.syncCard(reference!)
    const post = connectorCalls.slice(before).find((c) => c.method === 'POST' && c.conversationId === CHANNEL)
    const card = post?.card as unknown as TeamsCaseCard
    const text = JSON.stringify(card)
    expect(text).toContain(reference)
    expect(text).toContain('Expertconsultatie')
    expect(text).toContain('Zwolle')
    for (const other of ['Regie op 3', 'Regie op plaatsing', 'MDA++', 'Reizend Specialistisch Team'])
      expect(text).not.toContain(other)
    // One intervention: no reroute button at all, while accepting is offered.
    expect(text).toContain('ret.triage.accept')
    expect(text).not.toContain('ret.triage.reroute')
    expect(unexpected).toEqual([])
  })
})
