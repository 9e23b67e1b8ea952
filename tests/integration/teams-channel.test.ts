import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { HttpResponse, http } from 'msw'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { TeamsCaseCard } from '../../adapters/teams/case-card'
import { parseIntake } from '../../src/domain/intake'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import worker from '../../src/index'
import { buildActor } from '../../src/services/access'
import { runSubmitIntake } from '../../src/services/cases'
import { buildDeps, buildJobPorts } from '../../src/wiring'
import unicodeNames from '../fixtures/intakes/sample-unicode-names.json'
import { mintToken, TEST_APP_ID, TEST_SERVICE_URL } from '../fixtures/teams/keys'
import { botSigner, buildTeamsServer, connectorCalls, TENANT, unexpected } from './teams-helpers'

/**
 * Chairs triage in a Teams channel (issue 12 §1): one card per case in the configured channel, updated
 * in place, events as replies in its thread; Universal Actions (`adaptiveCard/action`) answered with the
 * updated card; only chairs act; nothing personal in any post.
 */

const CHANNEL = '19:triage-ret-drenthe@thread.tacv2'
const TEAM = '19:team-ret-drenthe@thread.tacv2'
const CHAIR = '0c4a1a11-1111-4a11-8a11-000000000001'
const STRANGER = '0c4a1a11-2222-4a22-8a22-000000000002'
/** A second chair, configured through CHAIRS (`teams:<tenant>:<objectId>`). */
const CHAIR_2 = '0c4a1a11-3333-4a33-8a33-000000000003'
const OTHER_TEAM = '19:team-elsewhere@thread.tacv2'
const teamsEnv = {
  ...env,
  TEAMS_TRIAGE_TEAM_ID: TEAM,
  TEAMS_TRIAGE_CHANNEL_ID: CHANNEL,
  PUBLIC_URL: 'https://ret.example.test',
  TEAMS_TRIAGE_SERVICE_URL: TEST_SERVICE_URL,
  TEAMS_CHAIR_OBJECT_IDS: `${TENANT}:${CHAIR}`,
  CHAIRS: `${env.CHAIRS ?? ''},teams:${TENANT}:${CHAIR_2}`,
} as Env

const server = buildTeamsServer()
/** Every outbound request body the worker sent (msw), for the privacy scan. */
const outbound: string[] = []
server.events.on('request:start', async ({ request }) => {
  outbound.push(`${request.method} ${request.url} ${await request.clone().text()}`)
})
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => {
  unexpected.length = 0
})

const sample = unicodeNames as { intake: Record<string, unknown> }

async function newCase(intake: Record<string, unknown> = sample.intake): Promise<string> {
  const deps = buildDeps(teamsEnv)
  const parsed = parseIntake(intake)
  if (!parsed.ok) throw new Error('sample does not parse')
  const decision = route(parsed.value, DEFAULT_RULES, deps.clock())
  const actor = buildActor(deps.config, { surface: 'teams', tenant: TENANT, userId: 'aad-referrer-ch-1' })
  const result = await runSubmitIntake(deps, {
    intake: parsed.value,
    decision,
    actor,
    idempotencyKey: `teams-channel-${crypto.randomUUID()}`,
  })
  return result.reference
}

/** Runs the card job as the queue consumer would, through the wiring's channel list. */
async function syncCard(reference: string): Promise<void> {
  const deps = buildDeps(teamsEnv)
  await buildJobPorts(teamsEnv, deps).channel.syncCard(reference)
}

async function caseOf(reference: string) {
  const record = await buildDeps(teamsEnv).store.getByReference(reference)
  if (!record) throw new Error(`no case ${reference}`)
  return record
}

async function cardRow(reference: string) {
  return env.DB.prepare('SELECT * FROM teams_channel_cards WHERE reference = ?1')
    .bind(reference)
    .first<{ activity_id: string; conversation_id: string; thread_seq: number }>()
}

function channelCalls(from = 0) {
  return connectorCalls.slice(from).filter((c) => c.conversationId.startsWith(CHANNEL))
}

/** The activity Teams sends when someone presses an Action.Execute of the channel card. */
function invoke(
  aad: string,
  cardId: string,
  verb: string,
  data: Record<string, unknown>,
  id = `f:${crypto.randomUUID()}`,
  team = TEAM,
): Record<string, unknown> {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id,
    timestamp: new Date().toISOString(),
    locale: 'nl-NL',
    serviceUrl: TEST_SERVICE_URL,
    channelId: 'msteams',
    from: { id: `29:${aad}`, aadObjectId: aad, name: 'Voorzitter' },
    recipient: { id: `28:${TEST_APP_ID}`, name: 'RET' },
    conversation: {
      id: `${CHANNEL};messageid=${cardId}`,
      conversationType: 'channel',
      tenantId: TENANT,
      isGroup: true,
    },
    channelData: { tenant: { id: TENANT }, channel: { id: CHANNEL }, team: { id: team } },
    replyToId: cardId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  }
}

interface InvokeAnswer {
  statusCode: number
  type: string
  value: unknown
}

async function post(activity: Record<string, unknown>): Promise<InvokeAnswer> {
  const now = Math.floor(Date.now() / 1000)
  const ctx = createExecutionContext()
  const res = await worker.fetch(
    new Request('https://ret.example.test/api/messages', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await mintToken(await botSigner(), now, {})}`,
      },
      body: JSON.stringify(activity),
    }),
    teamsEnv,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  expect(res.status).toBe(200)
  return (await res.json()) as InvokeAnswer
}

/** Every Action.Execute of a card, with the ShowCard it sits in (if any). */
function executes(card: TeamsCaseCard): { verb: string; data: Record<string, unknown> }[] {
  const out: { verb: string; data: Record<string, unknown> }[] = []
  const walk = (actions: unknown[] | undefined) => {
    for (const a of (actions ?? []) as Record<string, unknown>[]) {
      if (a.type === 'Action.Execute')
        out.push({ verb: String(a.verb), data: a.data as Record<string, unknown> })
      if (a.type === 'Action.ShowCard') walk((a.card as { actions?: unknown[] }).actions)
    }
  }
  walk(card.actions)
  return out
}

function cardText(card: unknown): string {
  return JSON.stringify(card)
}

describe('Teams triage channel', () => {
  it('posts exactly one card per case into the channel, then updates it in place with thread replies', async () => {
    const reference = await newCase()
    const from = connectorCalls.length
    await syncCard(reference)
    await syncCard(reference)
    const calls = channelCalls(from)
    const posts = calls.filter((c) => c.method === 'POST' && c.conversationId === CHANNEL)
    expect(posts).toHaveLength(1)
    const row = await cardRow(reference)
    expect(row?.activity_id).toBe(posts[0]?.activityId)
    expect(cardText(posts[0]?.card)).toContain(reference)
    // The second sync updated the same card and repeated no thread reply.
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.activityId)).toEqual([row?.activity_id])
    const replies = calls.filter((c) => c.conversationId === `${CHANNEL};messageid=${row?.activity_id}`)
    expect(replies).toHaveLength(1)
    expect(row?.thread_seq).toBeGreaterThan(0)
    // Every button is a Universal Action carrying the case and the version shown.
    const card = posts[0]?.card as unknown as TeamsCaseCard
    const verbs = executes(card).map((e) => e.verb)
    expect(verbs).toContain('ret.triage.accept')
    expect(verbs).toContain('ret.triage.reroute')
    const version = (await caseOf(reference)).version
    for (const e of executes(card)) expect(e.data).toEqual({ reference, version })
    // "Casus bekijken" opens the web case page (identity-bound), never a bearer file link.
    expect(card.actions).toContainEqual(
      expect.objectContaining({ type: 'Action.OpenUrl', url: `https://ret.example.test/cases/${reference}` }),
    )
    expect(JSON.stringify(card)).not.toContain('/files/')
    expect(unexpected).toEqual([])
  })

  it('accept through adaptiveCard/action moves the lifecycle, returns the updated card and updates the channel card', async () => {
    const reference = await newCase()
    await syncCard(reference)
    const row = await cardRow(reference)
    const before = await caseOf(reference)
    const from = connectorCalls.length
    const answer = await post(
      invoke(CHAIR, String(row?.activity_id), 'ret.triage.accept', { reference, version: before.version }),
    )
    expect(answer.statusCode).toBe(200)
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive')
    const after = await caseOf(reference)
    expect(after.status).toBe('accepted')
    expect(after.version).toBe(before.version + 1)
    const card = answer.value as TeamsCaseCard
    expect(executes(card).every((e) => e.data.version === after.version)).toBe(true)
    expect(executes(card).map((e) => e.verb)).not.toContain('ret.triage.accept')
    const updates = channelCalls(from).filter((c) => c.method === 'PUT')
    expect(updates.map((c) => c.activityId)).toEqual([row?.activity_id])
    expect(cardText(updates[0]?.card)).toEqual(cardText(card))
    // The job that follows adds the accept line to the thread.
    await syncCard(reference)
    expect((await cardRow(reference))?.thread_seq).toBeGreaterThan(row?.thread_seq ?? 0)
  })

  it('a reroute without a reason is an error on the card; nothing changes', async () => {
    const reference = await newCase()
    await syncCard(reference)
    const row = await cardRow(reference)
    const before = await caseOf(reference)
    const answer = await post(
      invoke(CHAIR, String(row?.activity_id), 'ret.triage.reroute', {
        reference,
        version: before.version,
        intervention: before.suggestedIntervention === 'ROP' ? 'EXPERTTAFEL' : 'ROP',
        reason: '  ',
      }),
    )
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive')
    expect(cardText(answer.value)).toContain('Een reden is verplicht bij een andere route.')
    const after = await caseOf(reference)
    expect(after.version).toBe(before.version)
    expect(after.status).toBe(before.status)
  })

  it('a stale card gets the current card back, and nothing is overwritten', async () => {
    const reference = await newCase()
    await syncCard(reference)
    const row = await cardRow(reference)
    const v = (await caseOf(reference)).version
    await post(invoke(CHAIR, String(row?.activity_id), 'ret.triage.accept', { reference, version: v }))
    const answer = await post(
      invoke(CHAIR, String(row?.activity_id), 'ret.triage.decline', {
        reference,
        version: v,
        reason: 'Past niet bij het RET',
        destination: 'lokaal_team',
        where: 'Wijkteam',
      }),
    )
    expect(cardText(answer.value)).toContain('intussen gewijzigd')
    const after = await caseOf(reference)
    expect(after.status).toBe('accepted')
    expect(after.version).toBe(v + 1)
  })

  it('refuses a non-chair with a message only they see, and audits it', async () => {
    const reference = await newCase()
    await syncCard(reference)
    const row = await cardRow(reference)
    const before = await caseOf(reference)
    const from = connectorCalls.length
    const answer = await post(
      invoke(STRANGER, String(row?.activity_id), 'ret.triage.accept', { reference, version: before.version }),
    )
    expect(answer.type).toBe('application/vnd.microsoft.activity.message')
    expect(String(answer.value)).toContain('Alleen RET-voorzitters')
    expect(channelCalls(from)).toEqual([])
    expect((await caseOf(reference)).version).toBe(before.version)
    const audit = await env.DB.prepare(
      "SELECT actor_key, detail FROM audit_log WHERE case_reference = ?1 AND action = 'refused'",
    )
      .bind(reference)
      .all<{ actor_key: string; detail: string }>()
    expect(audit.results).toContainEqual({ actor_key: `teams:${TENANT}:${STRANGER}`, detail: 'teams:accept' })
  })

  it('a repeated invoke (same activity id) changes nothing', async () => {
    const reference = await newCase()
    await syncCard(reference)
    const row = await cardRow(reference)
    const before = await caseOf(reference)
    const activity = invoke(CHAIR, String(row?.activity_id), 'ret.triage.request_info', {
      reference,
      version: before.version,
      items: 'analysis,school',
      question: 'Kun je de analyse delen?',
    })
    const first = await post(activity)
    expect(first.type).toBe('application/vnd.microsoft.card.adaptive')
    const once = await caseOf(reference)
    expect(once.version).toBe(before.version + 1)
    const from = connectorCalls.length
    const second = await post(activity)
    expect(second.type).toBe('application/vnd.microsoft.card.adaptive')
    const twice = await caseOf(reference)
    expect(twice.version).toBe(once.version)
    expect(channelCalls(from)).toEqual([])
    const events = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.reference = ?1 AND e.type = 'requestInfo'",
    )
      .bind(reference)
      .first<{ n: number }>()
    expect(events?.n).toBe(1)
  })

  it('no channel post holds the pseudonym, a name, a birth date or free text', async () => {
    outbound.length = 0
    const reference = await newCase()
    await syncCard(reference)
    const row = await cardRow(reference)
    let v = (await caseOf(reference)).version
    const act = async (verb: string, data: Record<string, unknown>) => {
      await post(invoke(CHAIR, String(row?.activity_id), verb, { reference, version: v, ...data }))
      v = (await caseOf(reference)).version
    }
    await act('ret.triage.reroute', { intervention: 'ROP', reason: 'Reden over Ĳsbrand: GEHEIM-771' })
    await act('ret.triage.assign_lead', { lead: CHAIR })
    await act('ret.triage.schedule', { date: '2027-02-03', time: '14:30' })
    await act('ret.triage.record_outcome', { summary: 'Advies voor Ĳsbrand: GEHEIM-772' })
    await syncCard(reference)
    const after = await caseOf(reference)
    expect(after.status).toBe('advised')
    expect(after.scheduledFor).toBe('2027-02-03T13:30:00.000Z')
    const intake = sample.intake as {
      child: { pseudonym: string; birthYear: number }
      referrer: { name: string; email: string; phone: string }
      question: string
      perspective: string
    }
    const posts = outbound.filter((o) => o.includes('/v3/conversations/')).join('\n')
    expect(posts).toContain(reference)
    for (const value of [
      intake.child.pseudonym,
      intake.referrer.name,
      intake.referrer.email,
      intake.referrer.phone,
      intake.question,
      intake.perspective,
      String(intake.child.birthYear),
      'GEHEIM-771',
      'GEHEIM-772',
      CHAIR,
    ]) {
      expect(posts, value).not.toContain(value)
    }
  })

  it('every triage action through adaptiveCard/action moves the lifecycle and returns and updates that same card', async () => {
    const reference = await newCase()
    await syncCard(reference)
    const row = await cardRow(reference)
    const cardId = String(row?.activity_id)
    const steps: [string, Record<string, unknown>, string][] = [
      ['ret.triage.accept', {}, 'accepted'],
      ['ret.triage.assign_lead', { lead: CHAIR_2 }, 'accepted'],
      ['ret.triage.schedule', { date: '2027-03-10', time: '10:00' }, 'scheduled'],
      ['ret.triage.record_outcome', { summary: 'Het advies van de tafel.' }, 'advised'],
      ['ret.triage.close', {}, 'closed'],
      ['ret.triage.reopen', { reason: 'Nieuwe informatie van school.' }, 'in_triage'],
      // As the card sends it: the action's own prefixed inputs, and another action's alongside (ignored).
      [
        'ret.triage.decline',
        {
          'decline.reason': 'Past niet bij het RET.',
          'decline.destination': 'lokaal_team',
          'decline.where': 'Het wijkteam.',
          'reroute.reason': '',
        },
        'declined',
      ],
    ]
    for (const [verb, data, status] of steps) {
      const before = await caseOf(reference)
      const from = connectorCalls.length
      const answer = await post(invoke(CHAIR, cardId, verb, { reference, version: before.version, ...data }))
      expect(answer.type, verb).toBe('application/vnd.microsoft.card.adaptive')
      const after = await caseOf(reference)
      expect(after.status, verb).toBe(status)
      expect(after.version, verb).toBe(before.version + 1)
      // The answer is the updated card, and the one channel card is updated in place with it.
      const updates = channelCalls(from).filter((c) => c.method === 'PUT')
      expect(
        updates.map((c) => c.activityId),
        verb,
      ).toEqual([cardId])
      expect(cardText(updates[0]?.card), verb).toEqual(cardText(answer.value))
      for (const e of executes(answer.value as TeamsCaseCard))
        expect(e.data.version, verb).toBe(after.version)
      await syncCard(reference)
    }
    expect((await caseOf(reference)).leadKey).toBe(`teams:${TENANT}:${CHAIR_2}`)
    // Still one card: no second post into the channel, one thread reply per event.
    const posts = connectorCalls.filter((c) => c.method === 'POST' && c.conversationId === CHANNEL)
    expect(posts.filter((c) => c.activityId === cardId)).toHaveLength(1)
    const events = await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.reference = ?1',
    )
      .bind(reference)
      .first<{ n: number }>()
    const replies = connectorCalls.filter((c) => c.conversationId === `${CHANNEL};messageid=${cardId}`)
    expect(replies).toHaveLength(events?.n ?? -1)
  })

  it('a decline without a reason, a question without text or items: an error on the card; nothing changes', async () => {
    const reference = await newCase()
    await syncCard(reference)
    const row = await cardRow(reference)
    const before = await caseOf(reference)
    for (const [verb, data, error] of [
      ['ret.triage.decline', { reason: '', where: 'Het wijkteam.' }, 'Vul dit in.'],
      ['ret.triage.request_info', { items: 'analysis', question: '' }, 'Vul dit in.'],
      [
        'ret.triage.request_info',
        { items: '', question: 'Kun je de analyse delen?' },
        'Kies minstens één onderdeel.',
      ],
    ] as const) {
      const from = connectorCalls.length
      const answer = await post(
        invoke(CHAIR, String(row?.activity_id), verb, { reference, version: before.version, ...data }),
      )
      expect(answer.type, verb).toBe('application/vnd.microsoft.card.adaptive')
      // The error sits in the card's attention block on top, above the case as it is.
      const body = (answer.value as TeamsCaseCard).body
      expect(body[0]?.style, verb).toBe('attention')
      expect(JSON.stringify(body[0]), verb).toContain(error)
      expect(cardText(answer.value), verb).toContain(reference)
      expect(channelCalls(from), verb).toEqual([])
    }
    const after = await caseOf(reference)
    expect(after.version).toBe(before.version)
    expect(after.status).toBe(before.status)
  })

  it('two chairs at once: one change lands, the other chair sees the current state; nothing is overwritten', async () => {
    const reference = await newCase()
    await syncCard(reference)
    const row = await cardRow(reference)
    const cardId = String(row?.activity_id)
    const v = (await caseOf(reference)).version
    const [first, second] = await Promise.all([
      post(invoke(CHAIR, cardId, 'ret.triage.accept', { reference, version: v })),
      post(
        invoke(CHAIR_2, cardId, 'ret.triage.decline', {
          reference,
          version: v,
          reason: 'Past niet bij het RET.',
          destination: 'lokaal_team',
          where: 'Het wijkteam.',
        }),
      ),
    ])
    const after = await caseOf(reference)
    expect(after.version).toBe(v + 1)
    expect(['accepted', 'declined']).toContain(after.status)
    const answers = [first, second].map((a) => cardText(a.value))
    const conflicts = answers.filter((a) => a.includes('intussen gewijzigd'))
    expect(conflicts).toHaveLength(1)
    // The chair who lost sees the card as it is now (the winner's status, the current version).
    const loser = [first, second].find((a) => cardText(a.value).includes('intussen gewijzigd'))
    for (const e of executes(loser?.value as TeamsCaseCard)) expect(e.data.version).toBe(after.version)
    const statusLabel = after.status === 'accepted' ? 'Geaccepteerd' : 'Niet voor het RET'
    expect(cardText(loser?.value)).toContain(statusLabel)
    const events = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.reference = ?1 AND e.type IN ('accept', 'decline')",
    )
      .bind(reference)
      .first<{ n: number }>()
    expect(events?.n).toBe(1)
  })

  it('an invoke from another team than TEAMS_TRIAGE_TEAM_ID is refused (only the presser sees it) and audited', async () => {
    const reference = await newCase()
    await syncCard(reference)
    const row = await cardRow(reference)
    const before = await caseOf(reference)
    const from = connectorCalls.length
    // Even a chair: the card is only acted on in the configured team's channel.
    const answer = await post(
      invoke(
        CHAIR,
        String(row?.activity_id),
        'ret.triage.accept',
        { reference, version: before.version },
        `f:${crypto.randomUUID()}`,
        OTHER_TEAM,
      ),
    )
    expect(answer.type).toBe('application/vnd.microsoft.activity.message')
    expect(String(answer.value)).toContain('ander team')
    expect(channelCalls(from)).toEqual([])
    expect((await caseOf(reference)).version).toBe(before.version)
    const audit = await env.DB.prepare(
      "SELECT actor_key, detail FROM audit_log WHERE case_reference = ?1 AND action = 'refused'",
    )
      .bind(reference)
      .all<{ actor_key: string; detail: string }>()
    expect(audit.results).toContainEqual({
      actor_key: `teams:${TENANT}:${CHAIR}`,
      detail: 'teams:accept:other_team',
    })
    // From the configured team the same chair's press goes through.
    const ok = await post(
      invoke(CHAIR, String(row?.activity_id), 'ret.triage.accept', { reference, version: before.version }),
    )
    expect(ok.type).toBe('application/vnd.microsoft.card.adaptive')
    expect((await caseOf(reference)).status).toBe('accepted')
  })

  it('a spoedmelding alerts both channels alike: Slack @here in the thread, Teams @mentions the chairs in the thread', async () => {
    const SLACK_CHANNEL = 'C0TRIAGE12'
    const slackPosts: Record<string, unknown>[] = []
    let ts = 0
    server.use(
      http.post('https://slack.example.test/api/chat.postMessage', async ({ request }) => {
        const raw = await request.text()
        const body = raw.startsWith('{')
          ? (JSON.parse(raw) as Record<string, unknown>)
          : Object.fromEntries(new URLSearchParams(raw))
        slackPosts.push(body)
        ts += 1
        return HttpResponse.json({ ok: true, channel: SLACK_CHANNEL, ts: `1700000000.00${ts}` })
      }),
    )
    const bothEnv = { ...teamsEnv, SLACK_TRIAGE_CHANNEL: SLACK_CHANNEL } as Env
    const acute = { ...sample.intake, acuteDanger: true, urgency: 'acuut' }
    const reference = await newCase(acute)
    outbound.length = 0
    const from = connectorCalls.length
    await buildJobPorts(bothEnv, buildDeps(bothEnv)).channel.alertAcute(reference)

    // Slack: the card (🚨), then `<!here>` in its thread, broadcast to the channel.
    const slackCard = slackPosts.filter((p) => p.thread_ts === undefined)
    expect(slackCard).toHaveLength(1)
    const slackAlert = slackPosts.filter((p) => String(p.reply_broadcast) === 'true')
    expect(slackAlert).toHaveLength(1)
    expect(String(slackAlert[0]?.text)).toContain('<!here>')

    // Teams: the card (🚨 and the acute flag), then an alert in its thread mentioning every chair.
    const row = await cardRow(reference)
    const calls = channelCalls(from)
    const card = calls.find((c) => c.method === 'POST' && c.conversationId === CHANNEL)?.card
    expect(cardText(card)).toContain(`🚨 ${reference}`)
    expect(cardText(card)).toContain('Spoed: acuut gevaar gemeld')
    const thread = `${CHANNEL};messageid=${row?.activity_id}`
    const alerts = outbound
      .filter((o) => o.startsWith('POST ') && o.includes(encodeURIComponent(thread)))
      .map((o) => JSON.parse(o.slice(o.indexOf(' {') + 1)) as Record<string, unknown>)
      .filter((a) => String(a.text).includes('Spoedmelding'))
    expect(alerts).toHaveLength(1)
    const alert = alerts[0] as {
      text: string
      entities: { type: string; text: string; mentioned: { id: string; name: string } }[]
    }
    expect(alert.text).toContain(`🚨 Spoedmelding ${reference}: acuut gevaar gemeld. Graag nu triëren.`)
    expect(alert.entities.map((e) => e.mentioned.id).sort()).toEqual([CHAIR, CHAIR_2].sort())
    for (const e of alert.entities) {
      expect(e.type).toBe('mention')
      expect(alert.text).toContain(e.text)
      expect(e.mentioned.name).toMatch(/^RET-voorzitter \d$/)
    }
    // Reference only, like the card: no name, pseudonym or free text in the alert.
    const intake = sample.intake as { child: { pseudonym: string }; referrer: { name: string } }
    for (const value of [intake.child.pseudonym, intake.referrer.name]) {
      expect(JSON.stringify(alert)).not.toContain(value)
    }
  })
})
