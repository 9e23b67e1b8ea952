import { env } from 'cloudflare:test'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildDurableDraftStore } from '../../adapters/storage/draft-object'
import { AdaptiveCardSchema } from '../../adapters/teams/card-schema'
import { TEST_APP_ID } from '../fixtures/teams/keys'
import {
  buildTeamsServer,
  buttons,
  type ConnectorCall,
  connectorCalls,
  openLink,
  postLinkForm,
  send,
  TeamsUser,
  tokenRequests,
  unexpected,
  webchatSigner,
} from './teams-helpers'
import { WEB_ANSWERS } from './web-answers'

const server = buildTeamsServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => {
  unexpected.length = 0
})

const drafts = () => buildDurableDraftStore(env.DRAFTS)

async function count(sql: string, ...bind: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...bind)
    .first<{ n: number }>()
  return row?.n ?? 0
}

function callsTo(user: TeamsUser, from = 0): ConnectorCall[] {
  return connectorCalls.slice(from).filter((c) => c.conversationId === user.conversationId)
}

function expectValidCard(call: ConnectorCall) {
  expect(call.card, 'a card').not.toBeNull()
  const result = AdaptiveCardSchema.safeParse(call.card)
  expect(result.success, JSON.stringify(result.error?.issues.slice(0, 3))).toBe(true)
}

/** Answers each step with the shared web answers (overridden per user) until the review card. */
async function answerUntilReview(user: TeamsUser, overrides: Record<string, string> = {}) {
  for (let i = 0; i < 25; i++) {
    const stepId = user.stepId()
    if (!stepId) throw new Error('no step card')
    if (user.card && buttons(user.card).some((b) => b.data?.action === 'submit')) return
    const answers = WEB_ANSWERS[stepId]
    if (!answers) throw new Error(`no answers for step ${stepId}`)
    await user.press('next', { ...answers, ...overrides })
    expect(user.lastStatus).toBe(200)
    expect(
      user.stepId(),
      `step ${stepId} did not advance: ${JSON.stringify(user.card).slice(0, 400)}`,
    ).not.toBe(stepId)
  }
  throw new Error('the intake did not reach the review')
}

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const found = await probe()
    if (found !== undefined) return found
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('Teams: a complete intake through /api/messages', () => {
  it('goes from the first message to the receipt: cards in order, one case, the follow-up job queued', async () => {
    const user = new TeamsUser('aad-referrer-0001')
    const from = connectorCalls.length

    await user.say('nieuwe casus')
    expect(user.lastStatus).toBe(200)
    const first = callsTo(user, from)
    expect(first).toHaveLength(1)
    expect(first[0]?.method).toBe('POST')
    expect(first[0]?.authorization).toMatch(/^Bearer eyJ/)
    expect(tokenRequests.at(-1)?.get('client_id')).toBe(TEST_APP_ID)
    expect(tokenRequests.at(-1)?.get('scope')).toBe('https://api.botframework.com/.default')
    const cardId = user.cardId

    await answerUntilReview(user)
    const review = user.card!
    expect(JSON.stringify(review)).toContain('Sanne de Vries')
    await user.press('submit')
    expect(user.lastStatus).toBe(200)
    const submitted = JSON.stringify(user.card)
    const reference = submitted.match(/RET-\d{4}-\d{4}/)?.[0]
    expect(reference, submitted.slice(0, 300)).toBeDefined()

    // Every step after the first replaced the same card in place; all cards are valid 1.5 cards.
    const dialogueCalls = callsTo(user, from)
    expect(dialogueCalls.slice(1).every((c) => c.method === 'PUT' && c.activityId === cardId)).toBe(true)
    for (const call of dialogueCalls) expectValidCard(call)
    // The submitted card no longer shows the answers.
    expect(submitted).not.toContain('Sanne de Vries')

    expect(await count('SELECT COUNT(*) AS n FROM cases WHERE referrer_key = ?', user.key)).toBe(1)

    // The queue runs `case.submitted` (the PDF, the chairs' card, the receipt all follow it).
    const receipt = await waitFor(
      () =>
        callsTo(user, from).find(
          (c) => c.method === 'POST' && JSON.stringify(c.card).includes('Casus ingediend'),
        ),
      'the receipt card',
    )
    expectValidCard(receipt)
    const text = JSON.stringify(receipt.card)
    expect(text).toContain(reference)
    expect(text).toContain('Reizend Specialistisch Team')
    for (const personal of ['Sanne de Vries', 'sanne@example.org', 'Lokaal team Assen', '"J."', '2012']) {
      expect(text).not.toContain(personal)
    }
    const calls = callsTo(user, from)
    expect(calls.indexOf(receipt)).toBe(calls.length - 1)
    // The PDF is made from the same queued job (its own handler, once per job id).
    await waitFor(async () => {
      const n = await count(
        'SELECT COUNT(*) AS n FROM processed_jobs WHERE job_id = ?',
        `case.submitted:${reference}#pdf.generate`,
      )
      return n === 1 ? true : undefined
    }, 'the PDF job')
    expect(await count('SELECT COUNT(*) AS n FROM teams_conversations WHERE user_key = ?', user.key)).toBe(1)

    // The receipt's button asks for a personal PDF link; only this referrer gets an answer for it.
    user.card = receipt.card
    user.cardId = receipt.activityId
    expect(user.button('cmd:pdf').data).toEqual({ action: 'cmd:pdf', reference })
    await user.press('cmd:pdf')
    expect(user.lastStatus).toBe(200)
    const linkCard = callsTo(user, from).at(-1)
    expect(linkCard?.method).toBe('POST')
    expectValidCard(linkCard!)
    const open = linkCard?.card?.actions?.find((a) => a.type === 'Action.OpenUrl')
    const url = open?.type === 'Action.OpenUrl' ? open.url : ''
    // An opaque, single-use link (Teams people have no web identity): opening it shows a Download
    // button and uses nothing (a link scanner may fetch it); the button's post downloads, once.
    expect(url).toMatch(/^https:\/\/ret\.example\.test\/files\/[A-Za-z0-9_-]{43}$/)
    const opened = await openLink(url)
    expect(opened.status).toBe(200)
    expect((await openLink(url)).status).toBe(200)
    const pdf = await postLinkForm(url, opened)
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe('%PDF-')
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM audit_log WHERE case_reference = ? AND actor_key = ? AND detail LIKE 'link_issued:%'",
        reference,
        user.key,
      ),
    ).toBe(1)
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM audit_log WHERE case_reference = ? AND actor_key = ? AND action = 'download'",
        reference,
        user.key,
      ),
    ).toBe(1)
    // Used: the same link again gives a page, not the file.
    const reused = await postLinkForm(url, opened)
    expect(reused.status).toBe(403)
    expect(reused.headers.get('content-type')).toContain('text/html')
    // A tampered link is no link.
    const tampered = await send(new Request(`${url.slice(0, -3)}${url.endsWith('AAA') ? 'BBB' : 'AAA'}`))
    expect(tampered.status).toBe(404)
    expect(tampered.headers.get('content-type')).toContain('text/html')
    expect(unexpected.filter((u) => u.includes('example.test'))).toEqual([])
  })
})

describe('Teams: refused deliveries', () => {
  async function snapshot(user: TeamsUser) {
    return {
      activities: await count('SELECT COUNT(*) AS n FROM teams_activities'),
      conversations: await count('SELECT COUNT(*) AS n FROM teams_conversations'),
      cases: await count('SELECT COUNT(*) AS n FROM cases'),
      calls: connectorCalls.length,
      draft: await drafts().load(user.key),
    }
  }

  async function tamperedSignature(user: TeamsUser): Promise<Response> {
    const headers = { 'content-type': 'application/json' }
    const { mintToken } = await import('../fixtures/teams/keys')
    const { botSigner, send } = await import('./teams-helpers')
    const token = await mintToken(await botSigner(), Math.floor(Date.now() / 1000))
    const [h, p, s] = token.split('.') as [string, string, string]
    const bad = `${h}.${p}.${s.slice(0, 20)}${s[20] === 'A' ? 'B' : 'A'}${s.slice(21)}`
    return send(
      new Request('https://ret.example.test/api/messages', {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${bad}` },
        body: JSON.stringify(user.activity({ text: 'nieuwe casus' })),
      }),
    )
  }

  async function foreignKey(user: TeamsUser): Promise<Response> {
    const { makeSigner, mintToken } = await import('../fixtures/teams/keys')
    const { send } = await import('./teams-helpers')
    const stranger = await makeSigner('kid-not-published')
    const token = await mintToken(stranger, Math.floor(Date.now() / 1000))
    return send(
      new Request('https://ret.example.test/api/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(user.activity({ text: 'nieuwe casus' })),
      }),
    )
  }

  const now = () => Math.floor(Date.now() / 1000)
  it.each<[string, (u: TeamsUser) => Promise<Response>]>([
    ['missing token', (u) => u.post(u.activity({ text: 'nieuwe casus' }), 'none')],
    ['bad signature', tamperedSignature],
    ['unknown key', foreignKey],
    ['wrong audience', (u) => u.post(u.activity({ text: 'nieuwe casus' }), { aud: 'another-bot' })],
    [
      'wrong issuer',
      (u) => u.post(u.activity({ text: 'nieuwe casus' }), { iss: 'https://sts.windows.net/x/' }),
    ],
    ['expired', (u) => u.post(u.activity({ text: 'nieuwe casus' }), { iat: now() - 7200, exp: now() - 600 })],
    [
      'serviceUrl mismatch',
      (u) => u.post(u.activity({ text: 'nieuwe casus', serviceUrl: 'https://evil.example.test/' })),
    ],
    [
      'tenant not allowed',
      (u) =>
        u.post(
          u.activity({
            text: 'nieuwe casus',
            conversation: {
              id: u.conversationId,
              conversationType: 'personal',
              tenantId: 'tenant-elsewhere',
            },
            channelData: { tenant: { id: 'tenant-elsewhere' } },
          }),
        ),
    ],
    [
      'key not endorsed for msteams',
      async (u) => u.post(u.activity({ text: 'nieuwe casus' }), {}, await webchatSigner()),
    ],
    ['channel not msteams', (u) => u.post(u.activity({ text: 'nieuwe casus', channelId: 'webchat' }))],
  ])('%s → 401, nothing stored, nothing sent', async (_name, attempt) => {
    const user = new TeamsUser(`aad-refused-${Math.floor(Math.random() * 1e9)}`)
    const before = await snapshot(user)
    const res = await attempt(user)
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: { nl: 'Niet geautoriseerd.', en: 'Unauthorized.' } })
    expect(await snapshot(user)).toEqual(before)
    expect(before.draft).toBeNull()
  })
})

describe('Teams: idempotency and isolation', () => {
  it('a repeated delivery of the same activity changes nothing', async () => {
    const user = new TeamsUser('aad-duplicate-0001')
    const start = user.activity({ text: 'nieuwe casus' })
    await user.post(start)
    const afterFirst = connectorCalls.length
    const version = (await drafts().load(user.key))?.version
    expect(version).toBeDefined()

    await user.post(start)
    expect(user.lastStatus).toBe(200)
    expect(connectorCalls.length).toBe(afterFirst)

    const next = user.pressActivity('next', WEB_ANSWERS.start)
    await user.post(next)
    const advanced = await drafts().load(user.key)
    expect(advanced?.version).toBeGreaterThan(version!)
    const calls = connectorCalls.length
    await user.post(next)
    await user.post(next)
    expect(connectorCalls.length).toBe(calls)
    expect((await drafts().load(user.key))?.version).toBe(advanced?.version)
  })

  it('a second press of an older card does not advance the draft, it shows the current step', async () => {
    const user = new TeamsUser('aad-stale-0001')
    await user.say('nieuwe casus')
    const old = user.pressActivity('next', WEB_ANSWERS.start)
    await user.post(old)
    const state = await drafts().load(user.key)
    // The same button again, as a new delivery (a double click): stale, so nothing changes.
    await user.post({ ...old, id: `${old.id}-again` })
    expect((await drafts().load(user.key))?.version).toBe(state?.version)
    expect(JSON.stringify(user.card)).toContain('niet meer actueel')
  })

  it('two referrers filing at the same time never see each other answers', async () => {
    const a = new TeamsUser('aad-parallel-a')
    const b = new TeamsUser('aad-parallel-b', 'tenant-drenthe-0002', 'en-US')
    const from = connectorCalls.length
    await Promise.all([a.say('nieuwe casus'), b.say('new case')])
    await Promise.all([
      answerUntilReview(a, { 'referrer.name': 'Anna Alfa', 'child.pseudonym': 'A.' }),
      answerUntilReview(b, { 'referrer.name': 'Bert Beta', 'child.pseudonym': 'B.' }),
    ])
    const ofA = JSON.stringify(callsTo(a, from).map((c) => c.card))
    const ofB = JSON.stringify(callsTo(b, from).map((c) => c.card))
    expect(ofA).toContain('Anna Alfa')
    expect(ofA).not.toContain('Bert Beta')
    expect(ofB).toContain('Bert Beta')
    expect(ofB).not.toContain('Anna Alfa')
    expect(ofB).toContain('"lang":"en"')
    await Promise.all([a.press('submit'), b.press('submit')])
    expect(await count('SELECT COUNT(*) AS n FROM cases WHERE referrer_key = ?', a.key)).toBe(1)
    expect(await count('SELECT COUNT(*) AS n FROM cases WHERE referrer_key = ?', b.key)).toBe(1)
  })
})

describe('Teams: commands', () => {
  it('stores the conversation on install and greets with the help card', async () => {
    const user = new TeamsUser('aad-install-0001', 'tenant-drenthe-0001', 'en-US')
    await user.post(
      user.activity({
        type: 'conversationUpdate',
        membersAdded: [{ id: `28:${TEST_APP_ID}` }],
        text: undefined,
      }),
    )
    expect(user.lastStatus).toBe(200)
    expect(JSON.stringify(user.card)).toContain('RET intake in Teams')
    const row = await env.DB.prepare(
      'SELECT lang, conversation_id FROM teams_conversations WHERE user_key = ?',
    )
      .bind(user.key)
      .first<{ lang: string; conversation_id: string }>()
    expect(row).toEqual({ lang: 'en', conversation_id: user.conversationId })
  })

  it('shows a refused answer on the same card with the error under the field, in the user language', async () => {
    const user = new TeamsUser('aad-errors-0001', 'tenant-drenthe-0001', 'en-US')
    await user.say('new case')
    for (let i = 0; i < 5 && user.stepId() !== 'child'; i++) {
      const stepId = user.stepId()!
      await user.press('next', WEB_ANSWERS[stepId] ?? {})
    }
    expect(user.stepId()).toBe('child')
    const version = (await drafts().load(user.key))?.version
    await user.press('next', { ...WEB_ANSWERS.child, 'child.birthYear': '1890' })
    expect(user.stepId()).toBe('child')
    expect((await drafts().load(user.key))?.version).toBe(version)
    const json = JSON.stringify(user.card)
    expect(json).toContain('"color":"attention"')
    expect(json).toContain('"lang":"en"')
    // What was typed stays on the card: nothing is lost.
    expect(json).toContain('"value":"J."')
  })

  it('answers help, my cases and unknown text, in the user locale, and refuses group chats', async () => {
    const user = new TeamsUser('aad-commands-0001', 'tenant-drenthe-0001', 'en-GB')
    await user.say('help')
    expect(JSON.stringify(user.card)).toContain('RET intake in Teams')
    await user.say('mijn casussen')
    expect(JSON.stringify(user.card)).toContain('My cases')
    await user.say('what is this?')
    expect(JSON.stringify(user.card)).toContain('did not understand')
    await user.say('nederlands')
    expect(JSON.stringify(user.card)).toContain('RET-intake in Teams')

    const from = connectorCalls.length
    const group = new TeamsUser('aad-commands-0002')
    await group.post(
      group.activity({
        text: 'nieuwe casus',
        conversation: { id: 'a:group-1', conversationType: 'groupChat', tenantId: group.tenant },
      }),
    )
    const sent = connectorCalls.slice(from).find((c) => c.conversationId === 'a:group-1')
    expect(JSON.stringify(sent?.card)).toContain('persoonlijke chat')
    expect(await drafts().load(group.key)).toBeNull()
  })
})

describe('Teams: proactive follow-ups', () => {
  const chair = {
    surface: 'slack' as const,
    tenant: 'T0RETDRNT',
    userId: 'U0CHAIR001',
    name: 'Chair',
    roles: ['chair' as const],
    lang: 'nl' as const,
  }

  async function fileThroughTeams(user: TeamsUser): Promise<string> {
    await user.say('nieuwe casus')
    await answerUntilReview(user)
    await user.press('submit')
    const reference = JSON.stringify(user.card).match(/RET-\d{4}-\d{4}/)?.[0]
    if (!reference) throw new Error('not submitted')
    return reference
  }

  function adopt(user: TeamsUser, call: ConnectorCall) {
    user.card = call.card
    user.cardId = call.activityId
  }

  it('sends the chair question as a card; the answer on the card lands in the case timeline', async () => {
    const { runCaseCommand } = await import('../../src/services/cases')
    const { buildDeps } = await import('../../src/wiring')
    const user = new TeamsUser('aad-question-0001')
    const reference = await fileThroughTeams(user)
    const from = connectorCalls.length

    const asked = await runCaseCommand(buildDeps(env), {
      reference,
      actor: chair,
      command: { type: 'requestInfo', question: 'Is er al een plan van aanpak met school?', items: [] },
    })
    expect(asked.ok).toBe(true)
    const question = await waitFor(
      () => callsTo(user, from).find((c) => JSON.stringify(c.card).includes('Vraag van de RET-voorzitter')),
      'the question card',
    )
    expectValidCard(question)
    expect(JSON.stringify(question.card)).toContain('Is er al een plan van aanpak met school?')
    adopt(user, question)

    const answer = user.pressActivity('answer', { answer: 'Ja, sinds oktober, met de intern begeleider.' })
    await user.post(answer)
    expect(user.lastStatus).toBe(200)
    const confirmation = callsTo(user, from).at(-1)
    expect(confirmation).toMatchObject({ method: 'PUT', activityId: question.activityId })
    expect(JSON.stringify(confirmation?.card)).toContain(`toegevoegd aan casus ${reference}`)
    expect(JSON.stringify(confirmation?.card)).not.toContain('intern begeleider')

    const last = await env.DB.prepare(
      'SELECT e.type AS type, c.status AS status FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.reference = ? ORDER BY e.seq DESC LIMIT 1',
    )
      .bind(reference)
      .first<{ type: string; status: string }>()
    expect(last).toEqual({ type: 'provideInfo', status: 'in_triage' })

    // The same card pressed again is no longer an open question: nothing is added.
    adopt(user, question)
    await user.press('answer', { answer: 'Nog een keer.' })
    expect(JSON.stringify(user.card)).toContain('al beantwoord')
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.reference = ? AND e.type = 'provideInfo'",
        reference,
      ),
    ).toBe(1)
  })

  it('sends a status card when the chair accepts, and a reminder from its own job', async () => {
    const { runCaseCommand } = await import('../../src/services/cases')
    const { buildDeps } = await import('../../src/wiring')
    const user = new TeamsUser('aad-status-0001', 'tenant-drenthe-0001', 'en-US')
    const reference = await fileThroughTeams(user)
    const from = connectorCalls.length
    const accepted = await runCaseCommand(buildDeps(env), {
      reference,
      actor: chair,
      command: { type: 'accept', intervention: 'RO3', reason: 'Meer partijen, geen regie.' },
    })
    expect(accepted.ok).toBe(true)
    const status = await waitFor(
      () => callsTo(user, from).find((c) => JSON.stringify(c.card).includes(`Update on ${reference}`)),
      'the status card',
    )
    expectValidCard(status)
    expect(JSON.stringify(status.card)).toContain('Accepted')
    expect(JSON.stringify(status.card)).not.toContain('geen regie')

    await env.JOBS.send({
      type: 'teams.reminder',
      id: `reminder:${reference}:1`,
      userKey: user.key,
      kind: 'analysis',
      reference,
    })
    const reminder = await waitFor(
      () =>
        callsTo(user, from).find((c) =>
          JSON.stringify(c.card).includes('Shared explanatory analysis missing'),
        ),
      'the reminder card',
    )
    expectValidCard(reminder)
  })
})
