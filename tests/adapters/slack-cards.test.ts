import type { InputBlock } from '@slack/types'
import { describe, expect, it } from 'vitest'
import {
  buildButtonCommand,
  buildCaseCard,
  buildCaseSummary,
  buildConflictMessage,
  buildDetailsMessage,
  buildNotChairMessage,
  buildQuestionMessage,
  buildReferrerNotice,
  buildStatusMessage,
  buildThreadText,
  buildTriageModal,
  cardActions,
  parseAnswerSubmission,
  parseTriageButton,
  parseTriageSubmission,
} from '../../adapters/slack/cards'
import { parseInteraction, type ViewSubmissionPayload } from '../../adapters/slack/payloads'
import { MODAL_ACTIONS, type SlackBlock } from '../../adapters/slack/types'
import { applyCommand, CaseCommandSchema, type CaseEvent } from '../../src/domain/lifecycle'
import type { Actor } from '../../src/domain/types'
import { caseState, interactionBody, slackFixture } from './slack-helpers'

const now = new Date('2026-11-23T10:00:00Z')
const routing = {
  alternatives: ['MDA++' as const],
  reasons: [{ nl: 'Al 7 maanden geen voortgang in de hulp.', en: 'No progress in 7 months.' }],
  missing: ['analysis'],
}

function buttons(blocks: SlackBlock[]): { action_id: string; value: string; confirm?: unknown }[] {
  const actions = blocks.find((b) => b.type === 'actions')
  return (actions?.elements ?? []) as { action_id: string; value: string; confirm?: unknown }[]
}

function reroute(values: Record<string, unknown>, metadata?: string): ViewSubmissionPayload {
  const payload = slackFixture<ViewSubmissionPayload>('view-submission-reroute.json')
  payload.view.state.values = values as ViewSubmissionPayload['view']['state']['values']
  if (metadata !== undefined) payload.view.private_metadata = metadata
  return payload
}

describe('case card', () => {
  it('shows reference, suggestion, reasons, municipality, age band, urgency and flags', () => {
    const summary = buildCaseSummary(caseState({ flags: ['G5', 'analysis_missing'] }), routing)
    const card = buildCaseCard(summary, 'nl')
    const json = JSON.stringify(card)
    expect(card.blocks[0]).toMatchObject({ type: 'header', text: { text: 'RET-2026-0042 · Experttafel' } })
    for (const expected of [
      'Voorgestelde interventie',
      'Assen',
      '12–15',
      'Regulier',
      'Al 7 maanden geen voortgang',
      'MDA++',
      'Gedeelde verklarende analyse ontbreekt',
      'G5 verklarende analyse vereist',
      'nog niet toegewezen',
    ]) {
      expect(json).toContain(expected)
    }
    expect(card.text).toBe('RET-casus RET-2026-0042: Ingediend')
  })

  it('renders English for an English chair', () => {
    const card = buildCaseCard(buildCaseSummary(caseState(), routing), 'en')
    expect(JSON.stringify(card)).toContain('Suggested intervention')
    expect(buttons(card.blocks).map((b) => b.action_id)).toContain('ret:triage:details')
    expect(JSON.stringify(card)).toContain('View details')
  })

  it('offers exactly the actions the lifecycle allows in each status', () => {
    expect(cardActions('submitted')).toEqual([
      'accept',
      'reroute',
      'request_info',
      'assign_lead',
      'decline',
      'details',
    ])
    expect(cardActions('info_requested')).toEqual(['assign_lead', 'decline', 'details'])
    expect(cardActions('accepted')).toEqual(['schedule', 'assign_lead', 'details'])
    expect(cardActions('scheduled')).toEqual(['schedule', 'record_outcome', 'assign_lead', 'details'])
    expect(cardActions('advised')).toEqual(['assign_lead', 'close', 'details'])
    expect(cardActions('closed')).toEqual(['reopen', 'details'])
    expect(cardActions('withdrawn')).toEqual(['details'])
    expect(cardActions('draft')).toEqual([])
  })

  it('carries reference and version in every button, with a confirm on accept', () => {
    const card = buildCaseCard(buildCaseSummary(caseState({ version: 7 })), 'nl')
    const list = buttons(card.blocks)
    expect(list.length).toBe(6)
    for (const b of list) expect(JSON.parse(b.value)).toEqual({ r: 'RET-2026-0042', v: 7 })
    expect(list.find((b) => b.action_id === 'ret:triage:accept')?.confirm).toBeDefined()
  })

  it('shows the chosen intervention, a Slack lead as a mention and a table date', () => {
    const summary = buildCaseSummary(
      caseState({
        status: 'scheduled',
        chosenIntervention: 'ROP',
        leadKey: 'slack:T0RETDRNT:U0CHAIR002',
        scheduledFor: '2026-12-01T13:30:00.000Z',
      }),
    )
    const json = JSON.stringify(buildCaseCard(summary, 'nl'))
    expect(json).toContain('Gekozen interventie')
    expect(json).toContain('Regie op plaatsing')
    expect(json).toContain('<@U0CHAIR002>')
    expect(json).toContain('<!date^1796131800^')
  })

  it('names the surface, not the person, of a lead assigned outside Slack', () => {
    const json = JSON.stringify(
      buildCaseCard(buildCaseSummary(caseState({ leadKey: 'web:dev:chair-1' })), 'nl'),
    )
    expect(json).toContain('toegewezen (via web)')
    expect(json).not.toContain('chair-1')
  })

  it('marks an acute case in the header', () => {
    const card = buildCaseCard(buildCaseSummary(caseState({ urgency: 'acuut', flags: ['G1'] })), 'nl')
    expect(JSON.stringify(card.blocks[0])).toContain('🚨')
    expect(JSON.stringify(card)).toContain('Spoed: acuut gevaar gemeld')
  })
})

describe('triage buttons', () => {
  it('reads the accept click from a real-shaped block_actions payload', () => {
    const parsed = parseInteraction(interactionBody(slackFixture('block-actions-accept.json')))
    expect(parsed.ok).toBe(true)
    if (!parsed.ok || parsed.value.type !== 'block_actions') throw new Error('expected block_actions')
    const action = parsed.value.actions[0]
    expect(parseTriageButton(action?.action_id ?? '', action?.value)).toEqual({
      action: 'accept',
      reference: 'RET-2026-0042',
      version: 1,
    })
  })

  it('ignores foreign or malformed buttons', () => {
    expect(parseTriageButton('ret:triage:explode', '{"r":"RET-2026-0042","v":1}')).toBeNull()
    expect(parseTriageButton('other:accept', '{"r":"RET-2026-0042","v":1}')).toBeNull()
    expect(parseTriageButton('ret:triage:accept', '{"r":"nope","v":1}')).toBeNull()
    expect(parseTriageButton('ret:triage:accept', 'not json')).toBeNull()
  })

  it('builds accept and close commands the lifecycle accepts', () => {
    const state = caseState()
    const actor: Actor = {
      surface: 'slack',
      tenant: 'T0RETDRNT',
      userId: 'U0CHAIR001',
      name: 'x',
      roles: ['chair'],
      lang: 'nl',
    }
    const accepted = applyCommand(state, buildButtonCommand('accept', buildCaseSummary(state)), actor, now)
    expect(accepted.ok && accepted.next.status).toBe('accepted')
    expect(CaseCommandSchema.safeParse(buildButtonCommand('close', buildCaseSummary(state))).success).toBe(
      true,
    )
  })
})

describe('triage modals', () => {
  const summary = buildCaseSummary(caseState({ status: 'in_triage' }), routing)

  it('builds a modal per action with the case and version in its metadata', () => {
    for (const action of MODAL_ACTIONS) {
      for (const lang of ['nl', 'en'] as const) {
        const view = buildTriageModal(action, summary, lang)
        expect(view.callback_id).toBe(`ret:triage:${action}`)
        expect(JSON.parse(view.private_metadata)).toEqual({
          r: 'RET-2026-0042',
          v: 1,
          i: 'EXPERTTAFEL',
          l: lang,
        })
        expect(view.title.text.length).toBeLessThanOrEqual(24)
        expect(view.blocks.some((b) => b.type === 'input')).toBe(true)
      }
    }
  })

  it('offers only other interventions on reroute and pre-ticks missing items on request_info', () => {
    const rerouteView = buildTriageModal('reroute', summary, 'nl')
    const select = rerouteView.blocks.find(
      (b): b is InputBlock => b.type === 'input' && b.block_id === 'intervention',
    )?.element as {
      options: { value: string }[]
    }
    expect(select.options.map((o) => o.value)).toEqual(['RO3', 'ROP', 'MDA++', 'RST'])
    const infoView = buildTriageModal('request_info', summary, 'nl')
    const boxes = infoView.blocks.find((b): b is InputBlock => b.type === 'input' && b.block_id === 'items')
      ?.element as {
      initial_options: { value: string }[]
    }
    expect(boxes.initial_options.map((o) => o.value)).toEqual(['analysis'])
  })

  it('turns a reroute submission into an accept with the new intervention and reason', () => {
    const payload = slackFixture<ViewSubmissionPayload>('view-submission-reroute.json')
    const result = parseTriageSubmission(payload.view, 'T0RETDRNT', now)
    expect(result).toEqual({
      ok: true,
      reference: 'RET-2026-0042',
      expectedVersion: 1,
      lang: 'nl',
      command: {
        type: 'accept',
        intervention: 'ROP',
        reason: 'Plaatsing dreigt; matching via ROP ligt meer voor de hand.',
      },
    })
    if (result.ok) expect(CaseCommandSchema.safeParse(result.command).success).toBe(true)
  })

  it('rejects a reroute without a reason in the modal (response_action: errors)', () => {
    const base = slackFixture<ViewSubmissionPayload>('view-submission-reroute.json').view.state.values
    for (const reason of [null, '', '   ']) {
      const result = parseTriageSubmission(
        reroute({ ...base, reason: { value: { type: 'plain_text_input', value: reason } } }).view,
        'T0RETDRNT',
        now,
      )
      expect(result.ok).toBe(false)
      if (!result.ok) {
        expect(result.response.response_action).toBe('errors')
        expect(result.response.errors).toEqual({ reason: 'Een reden is verplicht bij een andere route.' })
      }
    }
  })

  it('rejects a reroute to the same intervention, and a stale or foreign view', () => {
    const base = slackFixture<ViewSubmissionPayload>('view-submission-reroute.json').view.state.values
    const same = parseTriageSubmission(
      reroute({
        ...base,
        intervention: { value: { type: 'static_select', selected_option: { value: 'EXPERTTAFEL' } } },
      }).view,
      'T0RETDRNT',
      now,
    )
    expect(!same.ok && same.response.errors.intervention).toBe('Kies een andere interventie dan de huidige.')
    const stale = parseTriageSubmission(reroute(base, '{"broken":true}').view, 'T0RETDRNT', now)
    expect(stale.ok).toBe(false)
    if (!stale.ok) expect(Object.values(stale.response.errors)[0]).toContain('verouderd')
  })

  it('parses every other modal into a command the lifecycle schema accepts', () => {
    const meta = (action: string) => ({
      callback_id: `ret:triage:${action}`,
      private_metadata: JSON.stringify({ r: 'RET-2026-0042', v: 3, i: 'ROP', l: 'en' }),
    })
    const view = (action: string, values: Record<string, unknown>) =>
      ({ id: 'V1', ...meta(action), state: { values } }) as ViewSubmissionPayload['view']
    const text = (value: string) => ({ value: { type: 'plain_text_input', value } })
    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
      [
        'request_info',
        {
          items: {
            value: { type: 'checkboxes', selected_options: [{ value: 'analysis' }, { value: 'bogus' }] },
          },
          question: text('Is er een analyse?'),
        },
        { type: 'requestInfo', items: ['analysis'], question: 'Is er een analyse?' },
      ],
      [
        'assign_lead',
        { lead: { value: { type: 'users_select', selected_user: 'U0CHAIR002' } } },
        { type: 'assignLead', leadKey: 'slack:T0RETDRNT:U0CHAIR002' },
      ],
      [
        'schedule',
        { when: { value: { type: 'datetimepicker', selected_date_time: 1796131800 } } },
        { type: 'schedule', at: '2026-12-01T13:30:00.000Z', note: null },
      ],
      [
        'record_outcome',
        { summary: text('Advies: RST inzetten.') },
        { type: 'recordOutcome', advice: 'Advies: RST inzetten.' },
      ],
      [
        'decline',
        {
          reason: text('Geen RET-vraag.'),
          destination: { value: { type: 'static_select', selected_option: { value: 'lokaal_team' } } },
          where: text('Lokaal team Assen'),
        },
        {
          type: 'decline',
          reason: 'Geen RET-vraag.',
          destination: 'lokaal_team',
          alternative: 'Lokaal team Assen',
        },
      ],
      ['reopen', { reason: text('Nieuwe feiten.') }, { type: 'reopen', reason: 'Nieuwe feiten.' }],
    ]
    for (const [action, values, command] of cases) {
      const result = parseTriageSubmission(view(action, values), 'T0RETDRNT', now)
      expect(result, action).toMatchObject({ ok: true, expectedVersion: 3, lang: 'en', command })
      if (result.ok) expect(CaseCommandSchema.safeParse(result.command).success, action).toBe(true)
    }
  })

  it('names each missing input in the chair language', () => {
    const view = (action: string, values: Record<string, unknown>) =>
      ({
        id: 'V1',
        callback_id: `ret:triage:${action}`,
        private_metadata: JSON.stringify({ r: 'RET-2026-0042', v: 3, i: 'ROP', l: 'en' }),
        state: { values },
      }) as ViewSubmissionPayload['view']
    const errorsOf = (action: string, values: Record<string, unknown>) => {
      const result = parseTriageSubmission(view(action, values), 'T0RETDRNT', now)
      return result.ok ? null : result.response.errors
    }
    expect(
      errorsOf('request_info', { items: { value: { type: 'checkboxes', selected_options: [] } } }),
    ).toEqual({
      items: 'Choose at least one item.',
      question: 'Please fill this in.',
    })
    expect(
      errorsOf('assign_lead', { lead: { value: { type: 'users_select', selected_user: null } } }),
    ).toEqual({
      lead: 'Choose a case lead.',
    })
    expect(
      errorsOf('schedule', { when: { value: { type: 'datetimepicker', selected_date_time: 1700000000 } } }),
    ).toEqual({
      when: 'Choose a moment in the future.',
    })
    expect(errorsOf('decline', { reason: { value: { type: 'plain_text_input', value: 'ab' } } })).toEqual({
      reason: 'Write at least 3 characters.',
      destination: 'Choose where the referrer can go instead.',
    })
  })
})

describe('thread lines and ephemeral replies', () => {
  const event = (type: CaseEvent['type'], data: Record<string, unknown>): CaseEvent => ({
    type,
    at: now.toISOString(),
    actorKey: 'slack:T0RETDRNT:U0CHAIR001',
    surface: 'slack',
    from: 'in_triage',
    to: 'accepted',
    data,
  })

  it('names the actor and the change, never the reason or question', () => {
    const rerouted = buildThreadText(
      event('accept', { intervention: 'ROP', rerouted: true, reason: 'GEHEIM-REDEN' }),
      'nl',
    )
    expect(rerouted).toBe('<@U0CHAIR001> koos een andere route: Regie op plaatsing (reden in de tijdlijn)')
    const asked = buildThreadText(
      event('requestInfo', { items: ['analysis', 'Naam van oma'], question: 'GEHEIME-VRAAG' }),
      'en',
    )
    expect(asked).toBe('<@U0CHAIR001> asked the referrer for information: Shared explanatory analysis, +1')
    const web = buildThreadText({ ...event('close', {}), actorKey: 'web:dev:chair-1', surface: 'web' }, 'nl')
    expect(web).toBe('Een voorzitter (via web) sloot de casus af')
  })

  it("tells the referrer what changed without the chair's free text", () => {
    const asked = buildReferrerNotice(
      'RET-2026-0042',
      event('requestInfo', { items: ['consent'], question: 'GEHEIM' }),
      'nl',
    )
    expect(asked).toContain('RET-2026-0042: Toestemming')
    expect(asked).not.toContain('GEHEIM')
    const rerouted = buildReferrerNotice(
      'RET-2026-0042',
      event('accept', { intervention: 'RST', rerouted: true, reason: 'GEHEIM' }),
      'en',
    )
    expect(rerouted).toBe(
      'RET-2026-0042 was accepted on another route: Travelling Specialist Team (Reizend Specialistisch Team). The explanation is in the web version of the case.',
    )
    expect(
      buildReferrerNotice('RET-2026-0042', event('assignLead', { leadKey: 'slack:T:U1' }), 'nl'),
    ).toBeNull()
  })

  it('puts the question, quoted and escaped, only in the referrer message, with an answer button', () => {
    const message = buildQuestionMessage(
      {
        reference: 'RET-2026-0042',
        version: 4,
        items: ['analysis', 'iets eigens'],
        question: 'Regel 1 <b>\nRegel 2',
      },
      'nl',
    )
    expect(message.text).toBe(
      'Het RET vraagt aanvullende informatie over RET-2026-0042: Gedeelde verklarende analyse, +1.',
    )
    expect(JSON.stringify(message.blocks)).toContain('> Regel 1 &lt;b&gt;\\n> Regel 2')
    expect(JSON.stringify(message.blocks)).toContain('"value":"{\\"r\\":\\"RET-2026-0042\\",\\"v\\":4}"')
  })

  it('checks an answer before it reaches the case', () => {
    const view = (answer: string | null, metadata = '{"r":"RET-2026-0042","v":4,"l":"en"}') => ({
      id: 'V1',
      callback_id: 'ret:answer',
      private_metadata: metadata,
      state: { values: { answer: { value: { type: 'plain_text_input', value: answer } } } },
    })
    expect(parseAnswerSubmission(view(' Ja. '))).toEqual({
      ok: true,
      ref: { r: 'RET-2026-0042', v: 4, l: 'en' },
      lang: 'en',
      answer: 'Ja.',
    })
    const empty = parseAnswerSubmission(view('  '))
    expect(!empty.ok && empty.response.errors).toEqual({ answer: 'Please fill this in.' })
    const stale = parseAnswerSubmission(view('Ja.', 'nope'))
    expect(!stale.ok && stale.response.errors.answer).toContain('verouderd')
  })

  it('builds the refusal, conflict, details and status replies', () => {
    expect(buildNotChairMessage('nl').text).toContain('Alleen RET-voorzitters')
    const conflict = buildConflictMessage(
      buildCaseSummary(caseState({ status: 'accepted', version: 2 })),
      'nl',
    )
    expect(conflict.text).toContain('intussen gewijzigd')
    expect(JSON.stringify(conflict.blocks)).toContain('Versie 2')
    const details = buildDetailsMessage(
      { reference: 'RET-2026-0042', caseUrl: 'https://x/cases/RET-2026-0042' },
      'en',
    )
    expect(JSON.stringify(details.blocks)).toContain('"url":"https://x/cases/RET-2026-0042"')
    expect(details.text).toContain('own account')
    expect(buildStatusMessage({ reference: 'RET-2026-0042', status: 'info_requested' }, 'nl').text).toBe(
      'RET-2026-0042: Informatie gevraagd. Volgende stap: Wacht op informatie van de verwijzer.',
    )
  })
})

describe('acute flag (issue 13 §3)', () => {
  it('says "acuut gevaar gemeld" only when G1 fired; acuut urgency without G1 reads as urgency only', () => {
    const g1 = JSON.stringify(
      buildCaseCard(buildCaseSummary(caseState({ urgency: 'acuut', flags: ['G1'] })), 'nl'),
    )
    expect(g1).toContain('Spoed: acuut gevaar gemeld')
    const urgencyOnly = JSON.stringify(
      buildCaseCard(buildCaseSummary(caseState({ urgency: 'acuut', flags: [] })), 'nl'),
    )
    expect(urgencyOnly).not.toContain('gevaar')
    expect(urgencyOnly).toContain('Urgentie: acuut')
    const en = JSON.stringify(
      buildCaseCard(buildCaseSummary(caseState({ urgency: 'acuut', flags: [] })), 'en'),
    )
    expect(en).not.toContain('danger reported')
    expect(en).toContain('Urgency: acute')
  })
})
