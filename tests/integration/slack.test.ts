import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { logSink } from '../../src/logger'
import consultation from '../fixtures/intakes/sample-consultation.json'
import experttafel from '../fixtures/intakes/sample-experttafel.json'
import rop from '../fixtures/intakes/sample-rop.json'
import unicodeNames from '../fixtures/intakes/sample-unicode-names.json'
import slashFixture from '../fixtures/slack/slash-command.json'
import {
  alertAcute,
  buttonClick,
  CHAIR,
  CHAIR_2,
  callsOf,
  depsFor,
  fileCase,
  interaction,
  modalSubmit,
  notifyReferrer,
  REFERRER,
  STRANGER,
  send,
  signedRequest,
  slackCalls,
  slackEnv,
  slackServer,
  syncCard,
  TEAM,
} from './slack-helpers'

beforeAll(() => slackServer.listen({ onUnhandledRequest: 'error' }))
afterAll(() => slackServer.close())
beforeEach(() => {
  slackCalls.length = 0
})

async function stateOf(reference: string) {
  const record = await depsFor().store.getByReference(reference)
  if (!record) throw new Error(`no case ${reference}`)
  return record
}

/**
 * Posts into the triage channel. (The queue consumer also runs in the background with the shared env,
 * where it may send direct messages to Slack referrers: those are not channel posts.)
 */
function channelMessages() {
  return callsOf('chat.postMessage').filter((c) => c.body.channel === 'C0TRIAGE01')
}

/** Every message the worker posted or updated in a channel (cards and thread lines). */
function channelPosts(): string {
  return JSON.stringify([...channelMessages(), ...callsOf('chat.update')].map((c) => c.body))
}

// Fixtures are imported (workerd has no file system for tests to read them at run time).
const SAMPLES: Record<string, { intake: Record<string, unknown> }> = {
  consultation,
  experttafel,
  rop,
  'unicode-names': unicodeNames,
}

async function newCase(sample = 'experttafel'): Promise<string> {
  const found = SAMPLES[sample]
  if (!found) throw new Error(`no sample ${sample}`)
  return fileCase(found.intake, `slack-test-${sample}-${crypto.randomUUID()}`)
}

describe('Slack request verification', () => {
  it('answers 401 and changes nothing for a bad signature, a stale timestamp or a changed body', async () => {
    const reference = await newCase()
    const body = interaction(buttonClick('accept', reference, 1))
    const now = Math.floor(Date.now() / 1000)

    const missing = await send(await signedRequest('/slack/interactions', body, { signature: null }))
    const wrong = await send(
      await signedRequest('/slack/interactions', body, { signature: `v0=${'ab'.repeat(32)}` }),
    )
    const stale = await send(await signedRequest('/slack/interactions', body, { timestamp: now - 6 * 60 }))
    const changed = await send(
      await signedRequest('/slack/interactions', body, { sendBody: body.replace('accept', 'decline') }),
    )
    const noTimestamp = await send(
      new Request('https://ret.example.test/slack/commands', {
        method: 'POST',
        headers: { 'x-slack-signature': `v0=${'00'.repeat(32)}` },
        body: 'command=%2Fret',
      }),
    )
    for (const response of [missing, wrong, stale, changed, noTimestamp]) expect(response.status).toBe(401)

    const record = await stateOf(reference)
    expect(record.status).toBe('submitted')
    expect(record.version).toBe(1)
    expect(slackCalls).toEqual([])

    // After refused requests, a good one still works (nothing was left half-initialised).
    const good = await send(await signedRequest('/slack/interactions', body))
    expect(good.status).toBe(200)
    expect((await stateOf(reference)).status).toBe('accepted')
  })

  it('answers the Events API url_verification challenge only when signed', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'legacy' })
    const ok = await send(await signedRequest('/slack/events', body))
    expect(await ok.json()).toEqual({ challenge: 'c-123' })
    const bad = await send(
      await signedRequest('/slack/events', body, { sendBody: body.replace('c-123', 'c-999') }),
    )
    expect(bad.status).toBe(401)
  })
})

describe('the case card', () => {
  it('posts exactly one card for a submitted case, with the submission in its thread', async () => {
    const reference = await newCase('rop')
    await syncCard(reference)
    await syncCard(reference)
    const posts = channelMessages()
    const cards = posts.filter((p) => p.body.thread_ts === undefined)
    expect(cards).toHaveLength(1)
    expect(cards[0]?.body.channel).toBe('C0TRIAGE01')
    expect(JSON.stringify(cards[0]?.body.blocks)).toContain(reference)
    const thread = posts.filter((p) => p.body.thread_ts !== undefined)
    expect(thread).toHaveLength(1)
    expect(thread[0]?.body.text).toBe('Ingediend via Slack')
    // The second sync found the card and updated it in place.
    expect(callsOf('chat.update')).toHaveLength(1)
  })

  it('moves the lifecycle with each triage action and updates that same card in place', async () => {
    const reference = await newCase('rop')
    await syncCard(reference)
    const cardTs = channelMessages()[0]?.body
    expect(cardTs).toBeDefined()
    const posted = (await depsFor().store.getByReference(reference))?.version
    expect(posted).toBe(1)

    const steps: [string, () => Promise<Response>, string][] = [
      [
        'accept',
        async () =>
          send(await signedRequest('/slack/interactions', interaction(buttonClick('accept', reference, 1)))),
        'accepted',
      ],
      [
        'assign_lead',
        async () =>
          send(
            await signedRequest(
              '/slack/interactions',
              interaction(
                modalSubmit(
                  'assign_lead',
                  { r: reference, v: 2, i: 'ROP' },
                  { lead: { type: 'users_select', selected_user: CHAIR_2 } },
                ),
              ),
            ),
          ),
        'accepted',
      ],
      [
        'schedule',
        async () =>
          send(
            await signedRequest(
              '/slack/interactions',
              interaction(
                modalSubmit(
                  'schedule',
                  { r: reference, v: 3, i: 'ROP' },
                  {
                    when: {
                      type: 'datetimepicker',
                      selected_date_time: Math.floor(Date.now() / 1000) + 7 * 86400,
                    },
                  },
                ),
              ),
            ),
          ),
        'scheduled',
      ],
      [
        'record_outcome',
        async () =>
          send(
            await signedRequest(
              '/slack/interactions',
              interaction(
                modalSubmit(
                  'record_outcome',
                  { r: reference, v: 4, i: 'ROP' },
                  { summary: { type: 'plain_text_input', value: 'Advies: matching via ROP, RST erbij.' } },
                ),
              ),
            ),
          ),
        'advised',
      ],
      [
        'close',
        async () =>
          send(await signedRequest('/slack/interactions', interaction(buttonClick('close', reference, 5)))),
        'closed',
      ],
      [
        'reopen',
        async () =>
          send(
            await signedRequest(
              '/slack/interactions',
              interaction(
                modalSubmit(
                  'reopen',
                  { r: reference, v: 6, i: 'ROP' },
                  { reason: { type: 'plain_text_input', value: 'Nieuwe feiten.' } },
                ),
              ),
            ),
          ),
        'in_triage',
      ],
    ]
    for (const [name, act, status] of steps) {
      const response = await act()
      expect(response.status, name).toBe(200)
      const record = await stateOf(reference)
      expect(record.status, name).toBe(status)
      await syncCard(reference)
    }
    const record = await stateOf(reference)
    expect(record.version).toBe(7)
    expect(record.leadKey).toBe(`slack:${TEAM}:${CHAIR_2}`)

    const cards = channelMessages().filter((p) => p.body.thread_ts === undefined)
    expect(cards).toHaveLength(1)
    const cardMessageTs = channelMessages()
      .filter((p) => p.body.thread_ts !== undefined)
      .map((p) => p.body.thread_ts)
    const updates = callsOf('chat.update')
    expect(updates).toHaveLength(steps.length)
    // Every update targets the one card; the thread holds one line per event.
    expect(new Set(updates.map((u) => u.body.ts)).size).toBe(1)
    expect(new Set(cardMessageTs)).toEqual(new Set([updates[0]?.body.ts]))
    expect(cardMessageTs).toHaveLength(7)
    expect(JSON.stringify(updates.at(-1)?.body.blocks)).toContain('In triage')
  })

  it('alerts the channel once for a spoedmelding, on the one card', async () => {
    const acute = { ...experttafel.intake, acuteDanger: true, urgency: 'acuut' }
    const reference = await fileCase(acute, `slack-test-acute-${crypto.randomUUID()}`)
    await alertAcute(reference)
    const cards = channelMessages().filter((p) => p.body.thread_ts === undefined)
    expect(cards).toHaveLength(1)
    expect(JSON.stringify(cards[0]?.body.blocks)).toContain('🚨')
    const broadcast = channelMessages().filter((p) => p.body.reply_broadcast === true)
    expect(broadcast).toHaveLength(1)
    expect(broadcast[0]?.body.text).toBe(
      `<!here> :rotating_light: Spoedmelding ${reference}: acuut gevaar gemeld. Graag nu triëren.`,
    )
    expect(broadcast[0]?.body.thread_ts).toBeDefined()
  })

  it('never posts (or logs) the pseudonym, a name or free text', async () => {
    const sample = SAMPLES['unicode-names'] as { intake: Record<string, unknown> }
    const lines: string[] = []
    const write = logSink.write
    logSink.write = (line) => {
      lines.push(line)
    }
    const reference = await newCase('unicode-names')
    await syncCard(reference)
    await send(await signedRequest('/slack/interactions', interaction(buttonClick('accept', reference, 1))))
    await send(
      await signedRequest(
        '/slack/interactions',
        interaction(
          modalSubmit(
            'request_info',
            { r: reference, v: 1, i: 'EXPERTTAFEL' },
            {
              items: { type: 'checkboxes', selected_options: [{ value: 'analysis' }] },
              question: { type: 'plain_text_input', value: 'Vraag over Ĳsbrand: GEHEIM-123' },
            },
          ),
        ),
      ),
    )
    await syncCard(reference)
    const intake = sample.intake as {
      child: { pseudonym: string; birthYear: number }
      referrer: { name: string; email: string; phone: string }
      question: string
      perspective: string
    }
    logSink.write = write
    const posts = channelPosts()
    expect(posts).toContain(reference)
    const logged = lines.join('\n')
    expect(logged).toContain('slack_card_posted')
    for (const value of [
      intake.child.pseudonym,
      intake.referrer.name,
      intake.referrer.email,
      intake.referrer.phone,
      intake.question,
      intake.perspective,
      String(intake.child.birthYear),
      'GEHEIM-123',
    ]) {
      expect(posts, value).not.toContain(value)
      expect(logged, value).not.toContain(value)
    }
  })
})

describe('triage actions', () => {
  it('changes the case once when the same interaction is delivered three times', async () => {
    const reference = await newCase()
    const body = interaction(buttonClick('accept', reference, 1, CHAIR, '1111.2222.same-trigger'))
    for (let i = 0; i < 3; i++) {
      const response = await send(
        await signedRequest('/slack/interactions', body, { headers: { 'x-slack-retry-num': String(i) } }),
      )
      expect(response.status).toBe(200)
    }
    const record = await stateOf(reference)
    expect(record.status).toBe('accepted')
    expect(record.version).toBe(2)
    const events = await depsFor().store.listEvents(record.id)
    expect(events.map((e) => e.type)).toEqual(['submitted', 'accept'])
  })

  it('refuses a non-chair with an ephemeral message and audits the attempt', async () => {
    const reference = await newCase()
    const response = await send(
      await signedRequest('/slack/interactions', interaction(buttonClick('accept', reference, 1, STRANGER))),
    )
    expect(response.status).toBe(200)
    expect((await stateOf(reference)).status).toBe('submitted')
    const ephemeral = callsOf('chat.postEphemeral')
    expect(ephemeral).toHaveLength(1)
    expect(ephemeral[0]?.body.user).toBe(STRANGER)
    expect(String(ephemeral[0]?.body.text)).toContain('Alleen RET-voorzitters')
    const audit = await depsFor().store.listAudit({ reference })
    expect(audit.some((a) => a.action === 'refused' && a.actorKey === `slack:${TEAM}:${STRANGER}`)).toBe(true)
    // A forged modal submission by a non-chair is refused too.
    const forged = await send(
      await signedRequest(
        '/slack/interactions',
        interaction(
          modalSubmit(
            'decline',
            { r: reference, v: 1, i: 'EXPERTTAFEL' },
            {
              reason: { type: 'plain_text_input', value: 'Niet voor ons' },
              destination: { type: 'static_select', selected_option: { value: 'lokaal_team' } },
              where: { type: 'plain_text_input', value: 'Lokaal team' },
            },
            STRANGER,
          ),
        ),
      ),
    )
    expect(((await forged.json()) as { response_action: string }).response_action).toBe('errors')
    expect((await stateOf(reference)).status).toBe('submitted')
  })

  it('refuses a workspace that is not on the allow-list', async () => {
    const reference = await newCase()
    const click = buttonClick('accept', reference, 1)
    click.team = { ...click.team, id: 'T0OTHERWS' }
    await send(await signedRequest('/slack/interactions', interaction(click)))
    expect((await stateOf(reference)).status).toBe('submitted')
    expect(String(callsOf('chat.postEphemeral')[0]?.body.text)).toContain('niet aangesloten')
  })

  it('shows the second of two chairs the current state instead of overwriting', async () => {
    const reference = await newCase()
    await syncCard(reference)
    await send(
      await signedRequest('/slack/interactions', interaction(buttonClick('accept', reference, 1, CHAIR))),
    )
    slackCalls.length = 0
    // The second chair still sees version 1 and clicks decline.
    await send(
      await signedRequest('/slack/interactions', interaction(buttonClick('decline', reference, 1, CHAIR_2))),
    )
    const record = await stateOf(reference)
    expect(record.status).toBe('accepted')
    expect(callsOf('views.open')).toHaveLength(0)
    const ephemeral = callsOf('chat.postEphemeral')
    expect(ephemeral).toHaveLength(1)
    expect(ephemeral[0]?.body.user).toBe(CHAIR_2)
    expect(String(ephemeral[0]?.body.text)).toContain('intussen gewijzigd')
    expect(JSON.stringify(ephemeral[0]?.body.blocks)).toContain('Geaccepteerd')
    // The card in the channel is refreshed too.
    expect(callsOf('chat.update')).toHaveLength(1)

    // A modal opened on the old version and submitted late is a conflict as well.
    const late = await send(
      await signedRequest(
        '/slack/interactions',
        interaction(
          modalSubmit(
            'decline',
            { r: reference, v: 1, i: 'EXPERTTAFEL' },
            {
              reason: { type: 'plain_text_input', value: 'Past niet' },
              destination: { type: 'static_select', selected_option: { value: 'lokaal_team' } },
              where: { type: 'plain_text_input', value: 'Lokaal team' },
            },
            CHAIR_2,
          ),
        ),
      ),
    )
    expect(late.status).toBe(200)
    expect((await stateOf(reference)).status).toBe('accepted')
    expect(callsOf('chat.postEphemeral')).toHaveLength(2)
  })

  it('opens the reroute modal and rejects a reroute without a reason in the modal', async () => {
    const reference = await newCase()
    await send(await signedRequest('/slack/interactions', interaction(buttonClick('reroute', reference, 1))))
    const opened = callsOf('views.open')
    expect(opened).toHaveLength(1)
    expect(opened[0]?.body.view).toMatchObject({ callback_id: 'ret:triage:reroute' })

    const meta = { r: reference, v: 1, i: 'EXPERTTAFEL' }
    const noReason = await send(
      await signedRequest(
        '/slack/interactions',
        interaction(
          modalSubmit('reroute', meta, {
            intervention: { type: 'static_select', selected_option: { value: 'RST' } },
            reason: { type: 'plain_text_input', value: '   ' },
          }),
        ),
      ),
    )
    expect(noReason.status).toBe(200)
    expect(await noReason.json()).toEqual({
      response_action: 'errors',
      errors: { reason: 'Een reden is verplicht bij een andere route.' },
    })
    expect((await stateOf(reference)).status).toBe('submitted')

    const withReason = await send(
      await signedRequest(
        '/slack/interactions',
        interaction(
          modalSubmit('reroute', meta, {
            intervention: { type: 'static_select', selected_option: { value: 'RST' } },
            reason: { type: 'plain_text_input', value: 'Specifieke expertise ontbreekt.' },
          }),
        ),
      ),
    )
    expect(withReason.status).toBe(200)
    const record = await stateOf(reference)
    expect(record.status).toBe('accepted')
    expect(record.chosenIntervention).toBe('RST')
  })

  it('accepts a corrected resubmission of the same modal after field errors', async () => {
    const reference = await newCase()
    const payload = modalSubmit(
      'reroute',
      { r: reference, v: 1, i: 'EXPERTTAFEL' },
      {
        intervention: { type: 'static_select', selected_option: { value: 'ROP' } },
        reason: { type: 'plain_text_input', value: '' },
      },
    )
    const first = await send(await signedRequest('/slack/interactions', interaction(payload)))
    expect(((await first.json()) as { response_action: string }).response_action).toBe('errors')
    // Same view, hash and trigger; only the typed reason differs.
    const values = payload.view.state as { values: Record<string, Record<string, unknown>> }
    values.values.reason = { value: { type: 'plain_text_input', value: 'Plaatsing dreigt.' } }
    const second = await send(await signedRequest('/slack/interactions', interaction(payload)))
    expect(second.status).toBe(200)
    expect((await stateOf(reference)).chosenIntervention).toBe('ROP')
    // And the very same delivery once more changes nothing.
    await send(await signedRequest('/slack/interactions', interaction(payload)))
    expect((await stateOf(reference)).version).toBe(2)
  })

  it('asks for information and declines through their modals', async () => {
    const info = await newCase()
    await send(
      await signedRequest(
        '/slack/interactions',
        interaction(
          modalSubmit(
            'request_info',
            { r: info, v: 1, i: 'EXPERTTAFEL' },
            {
              items: { type: 'checkboxes', selected_options: [{ value: 'analysis' }, { value: 'consent' }] },
              question: { type: 'plain_text_input', value: 'Is er een gedeelde analyse?' },
            },
          ),
        ),
      ),
    )
    expect((await stateOf(info)).status).toBe('info_requested')

    const declined = await newCase()
    await send(
      await signedRequest(
        '/slack/interactions',
        interaction(
          modalSubmit(
            'decline',
            { r: declined, v: 1, i: 'EXPERTTAFEL' },
            {
              reason: { type: 'plain_text_input', value: 'Geen RET-vraag.' },
              destination: { type: 'static_select', selected_option: { value: 'ggz' } },
              where: { type: 'plain_text_input', value: 'Lokaal team' },
            },
          ),
        ),
      ),
    )
    expect((await stateOf(declined)).status).toBe('declined')
    // Where to instead is stored as its category for monitoring (issue 15 §3).
    const declinedRow = await slackEnv.DB.prepare('SELECT decline_destination FROM cases WHERE reference = ?')
      .bind(declined)
      .first<{ decline_destination: string | null }>()
    expect(declinedRow?.decline_destination).toBe('ggz')
  })

  it("sends the chair's question to the Slack referrer only, who answers it in a modal", async () => {
    const reference = await newCase()
    await syncCard(reference)
    await send(
      await signedRequest(
        '/slack/interactions',
        interaction(
          modalSubmit(
            'request_info',
            { r: reference, v: 1, i: 'EXPERTTAFEL' },
            {
              items: { type: 'checkboxes', selected_options: [{ value: 'analysis' }] },
              question: { type: 'plain_text_input', value: 'Is er een analyse? Ref GEHEIM-456' },
            },
          ),
        ),
      ),
    )
    await syncCard(reference)
    await notifyReferrer(reference, 2)
    const mine = (c: { body: Record<string, unknown> }) => JSON.stringify(c.body).includes(reference)
    const dms = callsOf('chat.postMessage').filter((c) => c.body.channel === REFERRER && mine(c))
    expect(dms).toHaveLength(1)
    expect(String(dms[0]?.body.text)).toBe(
      `Het RET vraagt aanvullende informatie over ${reference}: Gedeelde verklarende analyse.`,
    )
    expect(JSON.stringify(dms[0]?.body.blocks)).toContain('GEHEIM-456')
    // Never in the channel.
    expect(channelPosts()).not.toContain('GEHEIM-456')
    // The submission event (version 1) is not a notice.
    await notifyReferrer(reference, 1)
    expect(callsOf('chat.postMessage').filter((c) => c.body.channel === REFERRER && mine(c))).toHaveLength(1)

    // Someone else cannot open the answer modal.
    const answerClick = (user: string) => {
      const click = buttonClick('accept', reference, 2, user)
      click.actions = [
        {
          ...(click.actions[0] as (typeof click.actions)[number]),
          action_id: 'ret:answer',
          value: JSON.stringify({ r: reference, v: 2 }),
        },
      ]
      return click
    }
    await send(await signedRequest('/slack/interactions', interaction(answerClick(STRANGER))))
    expect(callsOf('views.open')).toHaveLength(0)
    await send(await signedRequest('/slack/interactions', interaction(answerClick(REFERRER))))
    const opened = callsOf('views.open')
    expect(opened).toHaveLength(1)
    expect(opened[0]?.body.view).toMatchObject({ callback_id: 'ret:answer' })
    expect(JSON.stringify(opened[0]?.body.view)).toContain('GEHEIM-456')

    const submitAnswer = (answer: string | null) => {
      const payload = modalSubmit('x', { r: reference, v: 2, i: 'EXPERTTAFEL' }, {}, REFERRER)
      payload.view = {
        ...payload.view,
        callback_id: 'ret:answer',
        private_metadata: JSON.stringify({ r: reference, v: 2, l: 'nl' }),
        state: { values: { answer: { value: { type: 'plain_text_input', value: answer } } } },
      }
      return payload
    }
    const empty = await send(await signedRequest('/slack/interactions', interaction(submitAnswer(null))))
    expect(await empty.json()).toEqual({ response_action: 'errors', errors: { answer: 'Vul dit in.' } })
    const answered = await send(
      await signedRequest('/slack/interactions', interaction(submitAnswer('Ja, bijgevoegd.'))),
    )
    expect(JSON.stringify(await answered.json())).toContain('Je antwoord is toegevoegd')
    const record = await stateOf(reference)
    expect(record.status).toBe('in_triage')
    expect(record.version).toBe(3)
    // The same question cannot be answered twice.
    const again = await send(
      await signedRequest('/slack/interactions', interaction(submitAnswer('Nog een keer.'))),
    )
    expect(JSON.stringify(await again.json())).toContain('niet meer open')
    expect((await stateOf(reference)).version).toBe(3)
    await syncCard(reference)
    expect(channelPosts()).not.toContain('bijgevoegd')
  })

  it('answers "Bekijk details" to the clicking chair only, and audits it', async () => {
    const reference = await newCase()
    await send(
      await signedRequest('/slack/interactions', interaction(buttonClick('details', reference, 1, CHAIR))),
    )
    const ephemeral = callsOf('chat.postEphemeral')
    expect(ephemeral).toHaveLength(1)
    expect(ephemeral[0]?.body.user).toBe(CHAIR)
    // The case's web page on the Worker's own origin, behind the web identity: no bearer file link.
    const blocks = JSON.stringify(ephemeral[0]?.body.blocks)
    expect(blocks).toContain(`"url":"https://ret.example.test/cases/${reference}"`)
    expect(blocks).not.toContain('/files/')
    expect(channelMessages()).toHaveLength(0)
    const audit = await depsFor().store.listAudit({ reference })
    expect(audit.some((a) => a.action === 'view' && a.detail === 'slack:details_link')).toBe(true)
    expect(audit.some((a) => a.action === 'export' && a.detail?.startsWith('link_issued'))).toBe(false)
    // A non-chair gets no link.
    slackCalls.length = 0
    await send(
      await signedRequest('/slack/interactions', interaction(buttonClick('details', reference, 1, STRANGER))),
    )
    expect(JSON.stringify(callsOf('chat.postEphemeral'))).not.toContain('/files/')
  })
})

describe('/ret for referrers', () => {
  /** The real-shaped /ret fixture with this text and user. */
  function command(text: string, user = REFERRER) {
    return new URLSearchParams({
      ...slashFixture,
      user_id: user,
      text,
      trigger_id: `${Math.floor(Math.random() * 1e12)}.738474920.${crypto.randomUUID().replace(/-/g, '')}`,
    }).toString()
  }

  it('acks at once and answers help in the user language', async () => {
    const response = await send(await signedRequest('/slack/commands', command('help')))
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
    expect(String(callsOf('response_url')[0]?.body.text)).toContain('/ret status')
    expect(String(callsOf('response_url')[0]?.body.text)).toContain('een casus aanmelden')
    slackCalls.length = 0
    await send(await signedRequest('/slack/commands', command('help', 'U0ENGLISH1')))
    expect(String(callsOf('response_url')[0]?.body.text)).toContain('refer a case')
  })

  it('shows a case status to its referrer only', async () => {
    const reference = await newCase()
    await send(await signedRequest('/slack/commands', command(`status ${reference}`)))
    expect(String(callsOf('response_url')[0]?.body.text)).toBe(
      `${reference}: Ingediend. Volgende stap: Triage: route bevestigen, omleiden of informatie vragen.`,
    )
    slackCalls.length = 0
    await send(await signedRequest('/slack/commands', command(`status ${reference}`, STRANGER)))
    expect(String(callsOf('response_url')[0]?.body.text)).toContain('niet gevonden')
  })

  it('opens the intake as a modal and moves through it with response_action update', async () => {
    const response = await send(await signedRequest('/slack/commands', command('')))
    expect(response.status).toBe(200)
    const opened = callsOf('views.open')
    expect(opened).toHaveLength(1)
    const view = opened[0]?.body.view as { callback_id: string; private_metadata: string; blocks: unknown[] }
    expect(view.callback_id).toBe('ret:intake')
    const meta = JSON.parse(view.private_metadata) as { s: string; a: string | null }
    expect(meta.a).not.toBeNull()

    // Submitting the first screen empty answers with field errors or the next screen, never a 500.
    const submit = {
      type: 'view_submission',
      team: { id: TEAM },
      user: { id: REFERRER, team_id: TEAM },
      trigger_id: '9.9.intake',
      view: {
        id: 'V0OPENED01',
        hash: 'h1',
        callback_id: 'ret:intake',
        private_metadata: view.private_metadata,
        state: { values: {} },
      },
    }
    const answered = await send(await signedRequest('/slack/interactions', interaction(submit)))
    expect(answered.status).toBe(200)
    const body = (await answered.json()) as { response_action: string }
    expect(['errors', 'update']).toContain(body.response_action)
  })
})
