import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryQueue } from '../../adapters/memory/memory-queue'
import { amsterdamDate, buildCalendar, isWorkingDay } from '../../src/domain/calendar'
import { parseIntake } from '../../src/domain/intake'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import type { Actor } from '../../src/domain/types'
import { getCase, runCaseCommand, runSubmitIntake } from '../../src/services/cases'
import { runReminderScan } from '../../src/services/reminders'
import { buildDeps, buildDigestStore, processBatch } from '../../src/wiring'
import sample from '../fixtures/intakes/sample-ro3.json'
import { count } from './helpers/db'
import { buildPlatformServer } from './helpers/platforms'
import {
  buttonClick,
  callsOf,
  interaction,
  modalSubmit,
  REFERRER,
  STRANGER,
  send as sendSlack,
  signedRequest,
  slackEnv,
  TEAM,
} from './slack-helpers'
import { botSigner, connectorCalls, TENANT, TeamsUser } from './teams-helpers'

/**
 * Issue 15 §1 acceptance: the follow-up question after the advice reaches a Teams referrer (an Adaptive
 * Card with inputs in their personal chat) and a Slack referrer (a direct message whose button opens a
 * modal) when `follow_up_overdue` fires — through the daily reminder scan and the real queue consumer, msw
 * playing the Bot Connector and the Slack Web API. Each answers (a wrong answer first: the error shows on
 * the card / in the modal, nothing is stored); the answer lands on the case and in its timeline; someone
 * else is refused and audited; a repeat changes nothing, and a second scan the same day sends nothing twice.
 */

const server = buildPlatformServer()
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' })
  await botSigner()
})
afterAll(() => server.close())

const DAY = 86_400_000
const calendar = buildCalendar()
/** The scan's moment: today or the next working day (the scan sends nothing on weekends and holidays). */
const NOW = (() => {
  let at = Date.now()
  while (!isWorkingDay(amsterdamDate(at), calendar)) at += DAY
  return new Date(at)
})()
/** The case was filed, and advised, well over six weeks before. */
const FILED = new Date(NOW.getTime() - 80 * DAY)
/** The date care started: between the advice and now. */
const CARE_STARTED = amsterdamDate(NOW.getTime() - 30 * DAY)

/** The Worker's env with Slack direct messages allowed for the test workspace. */
const testEnv = slackEnv

const chair: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'chair-follow',
  name: 'Voorzitter',
  roles: ['chair'],
  lang: 'nl',
}

/** Files a case as `referrer` and brings it to `advised`, all in the past. */
async function advisedCase(referrer: Actor, key: string): Promise<string> {
  const parsed = parseIntake(sample.intake)
  if (!parsed.ok) throw new Error('sample invalid')
  let at = FILED.getTime()
  const past = () => buildDeps(testEnv, { clock: () => new Date(at), queue: new MemoryQueue() })
  const filed = await runSubmitIntake(past(), {
    intake: parsed.value,
    decision: route(parsed.value, DEFAULT_RULES, new Date(at)),
    actor: referrer,
    idempotencyKey: key,
  })
  const reference = filed.reference
  for (const command of [
    { type: 'accept', intervention: 'RO3', reason: null },
    { type: 'schedule', at: new Date(FILED.getTime() + 3 * DAY).toISOString(), note: null },
    { type: 'recordOutcome', advice: 'Start RO3 met school en jeugdarts.' },
  ] as const) {
    at += 4 * DAY
    const done = await runCaseCommand(past(), { reference, actor: chair, command })
    if (!done.ok) throw new Error(`${command.type}: ${done.error.code}`)
  }
  return reference
}

/** The daily scan at NOW; returns the reminder jobs of this case. */
async function scan(reference: string) {
  const queue = new MemoryQueue()
  const deps = buildDeps(testEnv, { queue, clock: () => NOW })
  const jobs = await runReminderScan(deps, buildDigestStore(testEnv), NOW)
  return jobs.filter((j) => j.reference === reference)
}

/** Delivers one queue job through the Worker's consumer; true when acked. */
async function deliver(job: Record<string, unknown>): Promise<boolean> {
  const batch = createMessageBatch('ret-jobs', [
    { id: `msg-${crypto.randomUUID()}`, timestamp: NOW, attempts: 1, body: job },
  ])
  const ctx = createExecutionContext()
  await processBatch(batch, testEnv)
  const result = await getQueueResult(batch, ctx)
  return result.explicitAcks.length === 1
}

async function caseRow(reference: string) {
  return env.DB.prepare(
    'SELECT id, status, version, follow_up_json, follow_up_done_at FROM cases WHERE reference = ?',
  )
    .bind(reference)
    .first<{
      id: string
      status: string
      version: number
      follow_up_json: string | null
      follow_up_done_at: string | null
    }>()
}

const answers = (reference: string) =>
  count(
    "SELECT COUNT(*) AS n FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.reference = ? AND e.type = 'answerFollowUp'",
    reference,
  )

const refusals = (reference: string, actorKey: string) =>
  count(
    "SELECT COUNT(*) AS n FROM audit_log WHERE case_reference = ? AND actor_key = ? AND action = 'refused'",
    reference,
    actorKey,
  )

/** The chair's view of the timeline's follow-up event (decrypted, access-checked). */
async function timelineAnswer(reference: string) {
  const seen = await getCase(buildDeps(testEnv), reference, chair)
  if (!seen.ok) throw new Error(seen.error.code)
  return seen.case.timeline.find((e) => e.type === 'answerFollowUp') ?? null
}

describe('the follow-up question on Teams', () => {
  it('reaches the referrer as a card, takes the answer once, refuses anyone else', async () => {
    const user = new TeamsUser('aad-follow-0001')
    // First contact stores the conversation reference the proactive card needs.
    await user.say('help')
    const referrer: Actor = {
      surface: 'teams',
      tenant: TENANT,
      userId: user.aad,
      name: 'Referrer',
      roles: ['referrer'],
      lang: 'nl',
    }
    const reference = await advisedCase(referrer, 'follow-teams-1')

    const jobs = await scan(reference)
    expect(jobs.map((j) => [j.rule, j.recipient, j.number])).toEqual([['follow_up_overdue', 'referrer', 1]])
    const from = connectorCalls.length
    expect(await deliver({ type: 'reminder.send', ...jobs[0] })).toBe(true)
    const cards = connectorCalls
      .slice(from)
      .filter((c) => c.method === 'POST' && c.conversationId === user.conversationId)
    expect(cards).toHaveLength(1)
    const question = cards[0]!
    const text = JSON.stringify(question.card)
    expect(text).toContain(`Nazorgvragen over ${reference}`)
    for (const id of ['adviceFollowed', 'careStarted', 'careStartedAt', 'goalsReached', 'stoppedEarly'])
      expect(text).toContain(`"id":"${id}"`)

    // The same job again (a queue retry) and a second scan the same day send nothing more.
    expect(await deliver({ type: 'reminder.send', ...jobs[0] })).toBe(true)
    await deliver({ type: 'reminder.send', ...(await scan(reference))[0] })
    expect(connectorCalls.slice(from).filter((c) => c.conversationId === user.conversationId)).toHaveLength(1)

    // Care started without a date: the card comes back with the error, nothing is stored.
    user.card = question.card
    user.cardId = question.activityId
    const typed = {
      adviceFollowed: 'yes',
      careStarted: 'yes',
      goalsReached: 'partly',
      stoppedEarly: 'no',
      usefulness: '4',
      note: 'Jesse heeft een vaste mentor.',
    }
    await user.press('followUp', typed)
    expect(user.lastStatus).toBe(200)
    const corrected = connectorCalls.at(-1)
    expect(corrected).toMatchObject({ method: 'PUT', activityId: question.activityId })
    expect(JSON.stringify(corrected?.card)).toContain('Vul de datum in waarop de zorg startte.')
    expect(await answers(reference)).toBe(0)

    // Someone else pressing the same card (a forwarded activity) is refused and audited.
    const other = new TeamsUser('aad-follow-stranger')
    await other.say('help')
    other.card = question.card
    other.cardId = question.activityId
    await other.press('followUp', { ...typed, careStartedAt: CARE_STARTED })
    expect(JSON.stringify(other.card)).toContain('alleen de verwijzer van de casus')
    expect(await answers(reference)).toBe(0)
    expect(await refusals(reference, other.key)).toBe(1)

    // The referrer's corrected answer lands on the case and in the timeline; the card is replaced.
    user.card = question.card
    user.cardId = question.activityId
    await user.press('followUp', { ...typed, careStartedAt: CARE_STARTED })
    const confirmation = connectorCalls.at(-1)
    expect(confirmation).toMatchObject({ method: 'PUT', activityId: question.activityId })
    expect(JSON.stringify(confirmation?.card)).toContain(`toegevoegd aan casus ${reference}`)
    expect(JSON.stringify(confirmation?.card)).not.toContain('mentor')
    const row = await caseRow(reference)
    expect(row?.status).toBe('advised')
    expect(row?.follow_up_done_at).not.toBeNull()
    expect(JSON.parse(row!.follow_up_json!)).toMatchObject({
      adviceFollowed: 'yes',
      careStarted: true,
      careStartedAt: CARE_STARTED,
      goalsReached: 'partly',
      stoppedEarly: false,
      usefulness: 4,
    })
    expect(row!.follow_up_json).not.toContain('mentor')
    const event = await timelineAnswer(reference)
    expect(event).toMatchObject({ surface: 'teams', actorKey: user.key })
    expect(event?.data).toMatchObject({ usefulness: 4, note: 'Jesse heeft een vaste mentor.' })

    // A repeat changes nothing, and the next scan asks nothing more.
    const version = row!.version
    user.card = question.card
    user.cardId = question.activityId
    await user.press('followUp', { ...typed, careStartedAt: CARE_STARTED, usefulness: '1' })
    expect(JSON.stringify(user.card)).toContain('al beantwoord')
    expect(await answers(reference)).toBe(1)
    expect((await caseRow(reference))?.version).toBe(version)
    expect(await scan(reference)).toEqual([])
  })
})

describe('the follow-up question on Slack', () => {
  it('reaches the referrer as a DM, opens the modal, takes the answer once, refuses anyone else', async () => {
    const referrer: Actor = {
      surface: 'slack',
      tenant: TEAM,
      userId: REFERRER,
      name: 'Referrer',
      roles: ['referrer'],
      lang: 'nl',
    }
    const reference = await advisedCase(referrer, 'follow-slack-1')
    const mine = (c: { body: Record<string, unknown> }) =>
      c.body.channel === REFERRER && JSON.stringify(c.body).includes(reference)

    const jobs = await scan(reference)
    expect(jobs.map((j) => [j.rule, j.recipient, j.number])).toEqual([['follow_up_overdue', 'referrer', 1]])
    expect(await deliver({ type: 'reminder.send', ...jobs[0] })).toBe(true)
    expect(await deliver({ type: 'reminder.send', ...jobs[0] })).toBe(true)
    const dms = callsOf('chat.postMessage').filter(mine)
    expect(dms).toHaveLength(1)
    expect(dms[0]?.body.text).toBe(`Nazorgvragen over ${reference}`)
    const blocks = JSON.stringify(dms[0]?.body.blocks)
    expect(blocks).toContain('"action_id":"ret:followup"')

    // The button opens the modal for the referrer only; someone else is refused (and audited).
    const click = (user: string) => {
      const payload = buttonClick('accept', reference, 1, user)
      payload.channel = { id: 'D0REFERDM1', name: 'directmessage' }
      payload.actions = [
        {
          ...(payload.actions[0] as (typeof payload.actions)[number]),
          action_id: 'ret:followup',
          block_id: 'ret:followup',
          value: JSON.stringify({ r: reference }),
        },
      ]
      return payload
    }
    await sendSlack(await signedRequest('/slack/interactions', interaction(click(STRANGER))))
    expect(callsOf('views.open').filter((c) => JSON.stringify(c.body).includes(reference))).toHaveLength(0)
    expect(await refusals(reference, `slack:${TEAM}:${STRANGER}`)).toBe(1)
    await sendSlack(await signedRequest('/slack/interactions', interaction(click(REFERRER))))
    const opened = callsOf('views.open').filter((c) => JSON.stringify(c.body).includes(reference))
    expect(opened).toHaveLength(1)
    const view = opened[0]?.body.view as { callback_id: string; private_metadata: string; blocks: unknown[] }
    expect(view.callback_id).toBe('ret:followup')

    const radio = (value: string) => ({ type: 'radio_buttons', selected_option: { value } })
    const submit = (user: string, values: Record<string, unknown>) => {
      const payload = modalSubmit('x', { r: reference, v: 1, i: 'RO3' }, {}, user)
      payload.view = {
        ...payload.view,
        callback_id: 'ret:followup',
        private_metadata: view.private_metadata,
        state: { values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }])) },
      }
      return payload
    }
    const complete = {
      adviceFollowed: radio('partly'),
      careStarted: radio('no'),
      careStartedAt: { type: 'datepicker', selected_date: null },
      goalsReached: radio('no'),
      stoppedEarly: radio('yes'),
      usefulness: radio('2'),
      note: { type: 'plain_text_input', value: 'Gezin verhuisde naar Emmen.' },
    }
    // Missing answers: field errors in the modal, nothing stored.
    const { usefulness: _u, ...incomplete } = complete
    const refusedFields = await sendSlack(
      await signedRequest('/slack/interactions', interaction(submit(REFERRER, incomplete))),
    )
    expect(await refusedFields.json()).toEqual({
      response_action: 'errors',
      errors: { usefulness: "Kies een antwoord bij 'Hoe nuttig was het RET?'." },
    })
    expect(await answers(reference)).toBe(0)

    // A stranger's submission of the same modal is refused and audited.
    const stranger = await sendSlack(
      await signedRequest('/slack/interactions', interaction(submit(STRANGER, complete))),
    )
    expect(JSON.stringify(await stranger.json())).toContain('alleen de verwijzer van de casus')
    expect(await refusals(reference, `slack:${TEAM}:${STRANGER}`)).toBe(2)
    expect(await answers(reference)).toBe(0)

    const answered = await sendSlack(
      await signedRequest('/slack/interactions', interaction(submit(REFERRER, complete))),
    )
    expect(JSON.stringify(await answered.json())).toContain(`toegevoegd aan casus ${reference}`)
    const row = await caseRow(reference)
    expect(JSON.parse(row!.follow_up_json!)).toMatchObject({
      adviceFollowed: 'partly',
      careStarted: false,
      careStartedAt: null,
      goalsReached: 'no',
      stoppedEarly: true,
      usefulness: 2,
    })
    const event = await timelineAnswer(reference)
    expect(event).toMatchObject({ surface: 'slack', actorKey: `slack:${TEAM}:${REFERRER}` })
    expect(event?.data).toMatchObject({ stoppedEarly: true, note: 'Gezin verhuisde naar Emmen.' })

    // A repeat (another submission of the modal) changes nothing.
    const again = await sendSlack(
      await signedRequest(
        '/slack/interactions',
        interaction(submit(REFERRER, { ...complete, usefulness: radio('5') })),
      ),
    )
    expect(JSON.stringify(await again.json())).toContain('al beantwoord')
    expect(await answers(reference)).toBe(1)
    expect((await caseRow(reference))?.version).toBe(row!.version)
    // The chairs' channel never carries the note.
    expect(JSON.stringify(callsOf('chat.postMessage'))).not.toContain('Emmen')
  })
})
