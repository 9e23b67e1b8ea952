import { env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildSlackActor } from '../../adapters/slack/handlers/deps'
import type { Actor } from '../../src/domain/types'
import { getCase, runCaseCommand } from '../../src/services/cases'
import { buildDeps } from '../../src/wiring'
import experttafel from '../fixtures/intakes/sample-experttafel.json'
import { buildPlatformServer } from './helpers/platforms'
import { ADMIN_TOKEN, runPrivacyWebIntake } from './privacy-helpers'
import {
  buttonClick,
  CHAIR,
  callsOf,
  fileCase,
  interaction,
  STRANGER,
  send,
  signedRequest,
  slackCalls,
  TEAM,
} from './slack-helpers'
import { TeamsUser } from './teams-helpers'
import { WebClient } from './web-client'

/**
 * Roles on every surface (issue 7 acceptance): for referrer, chair, coordinator and admin, the allowed
 * and the refused actions on the web, in Slack, in Teams and through the API — all decided on the
 * server by the one policy (src/domain/access.ts), every refusal audited.
 */

const server = buildPlatformServer()
const BASE = 'http://ret.test'

let webCase = ''
let apiCase = ''
let slackCase = ''

async function refusals(actorKey: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT detail FROM audit_log WHERE actor_key = ?1 AND action = 'refused' ORDER BY id",
  )
    .bind(actorKey)
    .all<{ detail: string }>()
  return results.map((r) => r.detail)
}

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' })
  webCase = await runPrivacyWebIntake(new WebClient(), 'Rol Referent')
  const res = await exports.default.fetch(`${BASE}/api/v1/cases`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${env.API_TOKEN}`,
      'content-type': 'application/json',
      'idempotency-key': 'roles-api-1',
    },
    body: JSON.stringify(experttafel.intake),
  })
  expect(res.status).toBe(201)
  apiCase = ((await res.json()) as { reference: string }).reference
  slackCase = await fileCase(experttafel.intake, 'roles-slack-1')
}, 60_000)

afterAll(() => server.close())

describe('web', () => {
  /** Signs in through the development sign-in with one role. */
  async function as(name: string, role: string): Promise<WebClient> {
    const b = new WebClient()
    await b.login(name, role)
    return b
  }

  async function pdfStatus(b: WebClient, reference: string): Promise<{ status: number; location: string }> {
    const res = await exports.default.fetch(
      // The dev sign-in counts on loopback only (issue 14 §1): the browser's own address.
      new Request(new URL(`/cases/${reference}/pdf`, b.base), {
        headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
        redirect: 'manual',
      }),
    )
    return { status: res.status, location: res.headers.get('location') ?? '' }
  }

  it('referrer: own cases and own PDF link; not another case, not the digest', async () => {
    const owner = await as('Rol Referent', 'referrer')
    await owner.get('/cases')
    expect(owner.html).toContain(webCase)
    expect(await pdfStatus(owner, webCase)).toMatchObject({
      status: 303,
      location: expect.stringMatching(/^\/files\//),
    })
    expect((await pdfStatus(owner, slackCase)).status).toBe(403)
    await owner.get('/digest')
    expect(owner.status).toBe(403)

    const other = await as('Rol Ander', 'referrer')
    await other.get('/cases')
    expect(other.html).not.toContain(webCase)
    expect((await pdfStatus(other, webCase)).status).toBe(403)
    expect(await refusals('web:dev:rol-ander')).toContain('link:no_access')
  })

  it('chair: any case of the region; not the digest', async () => {
    const chair = await as('Rol Voorzitter', 'chair')
    expect((await pdfStatus(chair, webCase)).status).toBe(303)
    expect((await pdfStatus(chair, slackCase)).status).toBe(303)
    await chair.get('/digest')
    expect(chair.status).toBe(403)
  })

  it('coordinator: the digest; no case details', async () => {
    const coordinator = await as('Rol Coordinator', 'coordinator')
    await coordinator.get('/digest')
    expect(coordinator.status).toBe(200)
    expect((await pdfStatus(coordinator, webCase)).status).toBe(403)
    expect(await refusals('web:dev:rol-coordinator')).toContain('link:no_access')
  })

  it('admin: cases and the digest', async () => {
    const admin = await as('Rol Beheerder', 'admin')
    expect((await pdfStatus(admin, apiCase)).status).toBe(303)
    await admin.get('/digest')
    expect(admin.status).toBe(200)
  })
})

describe('Slack', () => {
  beforeEach(() => {
    slackCalls.length = 0
  })

  it('chair: the accept button accepts the case (audited as a change by the chair)', async () => {
    const res = await send(
      await signedRequest('/slack/interactions', interaction(buttonClick('accept', slackCase, 1))),
    )
    expect(res.status).toBe(200)
    const row = await env.DB.prepare('SELECT status FROM cases WHERE reference = ?1')
      .bind(slackCase)
      .first<{ status: string }>()
    expect(row?.status).toBe('accepted')
    const change = await env.DB.prepare(
      "SELECT detail FROM audit_log WHERE case_reference = ?1 AND action = 'change' AND actor_key = ?2",
    )
      .bind(slackCase, `slack:${TEAM}:${CHAIR}`)
      .first<{ detail: string }>()
    expect(change?.detail).toBe('accept')
  })

  it('a referrer or stranger pressing a chair button is refused and audited', async () => {
    const res = await send(
      await signedRequest('/slack/interactions', interaction(buttonClick('accept', slackCase, 1, STRANGER))),
    )
    expect(res.status).toBe(200)
    expect(callsOf('chat.postEphemeral').length + callsOf('response_url').length).toBeGreaterThan(0)
    expect(await refusals(`slack:${TEAM}:${STRANGER}`)).toContain('slack:accept')
  })

  it('an unknown workspace is refused', async () => {
    const payload = buttonClick('accept', slackCase, 1)
    const foreign = {
      ...payload,
      team: { ...payload.team, id: 'T0FOREIGN' },
      user: { ...payload.user, team_id: 'T0FOREIGN' },
    }
    await send(await signedRequest('/slack/interactions', interaction(foreign)))
    expect(callsOf('views.open')).toHaveLength(0)
    const told = [...callsOf('chat.postEphemeral'), ...callsOf('response_url')].map((c) =>
      JSON.stringify(c.body),
    )
    expect(told.join(' ')).toMatch(/niet aangesloten|not connected|werkruimte|workspace/i)
  })
})

describe('Teams', () => {
  it('a user of an allowed tenant is served; an unknown tenant is refused at the edge', async () => {
    const known = new TeamsUser('aad-roles-known')
    await known.say('help')
    expect(known.lastStatus).toBe(200)
    const stranger = new TeamsUser('aad-roles-stranger', 'tenant-elsewhere-9999')
    const res = await stranger.say('help')
    expect(res.status).toBe(401)
  })
})

describe('API', () => {
  const get = (path: string, token: string) =>
    exports.default.fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${token}` } })

  it('intake token: files and reads its own cases; no other case, no admin API', async () => {
    expect((await get(`/api/v1/cases/${apiCase}`, env.API_TOKEN ?? '')).status).toBe(200)
    expect((await get(`/api/v1/cases/${webCase}`, env.API_TOKEN ?? '')).status).toBe(404)
    expect((await get(`/api/v1/admin/cases/${apiCase}/audit`, env.API_TOKEN ?? '')).status).toBe(401)
  })

  it('admin token: audit trail and export (audited); not the intake API', async () => {
    const audit = await get(`/api/v1/admin/cases/${apiCase}/audit`, ADMIN_TOKEN)
    expect(audit.status).toBe(200)
    const trail = (await audit.json()) as { audit: { action: string; actorKey: string }[] }
    expect(trail.audit.map((r) => r.action)).toEqual(expect.arrayContaining(['create', 'view']))
    const exported = await get(`/api/v1/admin/cases/${apiCase}/export`, ADMIN_TOKEN)
    expect(exported.status).toBe(200)
    const body = (await exported.json()) as { intake: { question: string } }
    expect(body.intake.question).toBe(experttafel.intake.question)
    const exports_ = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM audit_log WHERE case_reference = ?1 AND action = 'export' AND actor_key = 'api:admin:token'",
    )
      .bind(apiCase)
      .first<{ n: number }>()
    expect(exports_?.n).toBe(1)
    expect((await get(`/api/v1/cases/${apiCase}`, ADMIN_TOKEN)).status).toBe(401)
  })
})

describe('one policy behind every surface (services)', () => {
  const web = (userId: string, roles: Actor['roles']): Actor => ({
    surface: 'web',
    tenant: 'dev',
    userId,
    name: '',
    roles,
    lang: 'nl',
  })
  const teamsReferrer: Actor = {
    surface: 'teams',
    tenant: 'tenant-drenthe-0001',
    userId: 'aad-x',
    name: '',
    roles: ['referrer'],
    lang: 'nl',
  }

  it('view: referrer of the case, chair, admin; not another referrer or a coordinator (refusals audited)', async () => {
    const deps = buildDeps(env)
    const slackReferrer = buildSlackActor(deps.config, TEAM, 'U0REFERR01', 'nl')
    const slackChair = buildSlackActor(deps.config, TEAM, CHAIR, 'nl')
    const allowed = [slackReferrer, slackChair, web('admin-1', ['referrer', 'admin'])]
    const refused = [
      teamsReferrer,
      web('coordinator-1', ['referrer', 'coordinator']),
      buildSlackActor(deps.config, TEAM, STRANGER, 'nl'),
    ]
    for (const actor of allowed) expect((await getCase(deps, slackCase, actor)).ok, actor.userId).toBe(true)
    for (const actor of refused) {
      const result = await getCase(deps, slackCase, actor)
      expect(result.ok, actor.userId).toBe(false)
      if (!result.ok) expect(result.error.code).toBe('forbidden')
    }
    expect(await refusals('teams:tenant-drenthe-0001:aad-x')).toContain('view')
  })

  it('triage: a chair (any surface) may, a referrer or coordinator may not', async () => {
    const deps = buildDeps(env)
    const coordinator = await runCaseCommand(deps, {
      reference: apiCase,
      command: { type: 'startTriage' },
      actor: web('coordinator-1', ['referrer', 'coordinator']),
    })
    expect(coordinator.ok).toBe(false)
    const teams = await runCaseCommand(deps, {
      reference: apiCase,
      command: { type: 'startTriage' },
      actor: teamsReferrer,
    })
    expect(teams.ok).toBe(false)
    const chair = await runCaseCommand(deps, {
      reference: apiCase,
      command: { type: 'startTriage' },
      actor: buildSlackActor(deps.config, TEAM, CHAIR, 'nl'),
    })
    expect(chair.ok).toBe(true)
    expect(await refusals('web:dev:coordinator-1')).toContain('startTriage')
  })

  it('a chair limited to other municipalities may neither see nor triage a case outside them', async () => {
    const base = buildDeps(env)
    const deps = buildDeps(env, {
      config: { ...base.config, CHAIR_SCOPES: `slack:${TEAM}:U0CHAIR002=Assen|Tynaarlo` },
    })
    const scoped = buildSlackActor(deps.config, TEAM, 'U0CHAIR002', 'nl')
    expect(scoped.roles).toContain('chair')
    const municipality = (
      await env.DB.prepare('SELECT municipality FROM cases WHERE reference = ?1')
        .bind(slackCase)
        .first<{ municipality: string }>()
    )?.municipality
    expect(municipality).toBe('Emmen')
    expect((await getCase(deps, slackCase, scoped)).ok).toBe(false)
    const triage = await runCaseCommand(deps, {
      reference: slackCase,
      command: { type: 'assignLead', leadKey: `slack:${TEAM}:U0CHAIR002` },
      actor: scoped,
    })
    expect(triage.ok).toBe(false)
    if (!triage.ok) expect(triage.error.code).toBe('not_allowed')
    // Without the scope the same chair may.
    expect((await getCase(base, slackCase, scoped)).ok).toBe(true)
    expect(await refusals(`slack:${TEAM}:U0CHAIR002`)).toEqual(['view', 'assignLead'])
  })
})
