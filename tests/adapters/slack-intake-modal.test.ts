import type { InputBlock } from '@slack/types'
import { describe, expect, it } from 'vitest'
import {
  buildIntakeErrors,
  buildIntakeModal,
  parseIntakeModalAction,
  parseIntakeModalClosed,
  parseIntakeModalSubmission,
  phoneLinks,
} from '../../adapters/slack/intake-modal'
import type { ViewSubmissionPayload } from '../../adapters/slack/payloads'
import type { SlackBlock } from '../../adapters/slack/types'
import type { ScreenView } from '../../src/domain/dialogue-types'
import { slackFixture } from './slack-helpers'

function screen(overrides: Partial<ScreenView> = {}): ScreenView {
  return {
    phase: 'step',
    stepId: 'child',
    lang: 'nl',
    title: 'Over de jeugdige',
    intro: 'Geen naam: een pseudoniem is genoeg.',
    progress: { current: 2, total: 9, label: 'stap 2 van 9' },
    fields: [
      { name: 'child.pseudonym', kind: 'text', label: 'Pseudoniem', required: true, value: 'J.' },
      { name: 'child.birthYear', kind: 'year', label: 'Geboortejaar', required: true, value: null },
      {
        name: 'child.municipality',
        kind: 'select',
        label: 'Gemeente',
        required: true,
        value: 'Assen',
        options: [
          { value: 'Assen', label: 'Assen' },
          { value: 'Emmen', label: 'Emmen' },
        ],
      },
      {
        name: 'situation.problemDomains',
        kind: 'checkboxes',
        label: 'Leefgebieden',
        required: false,
        value: ['ggz'],
        options:
          'ggz lvb autisme verslaving gedrag trauma schulden huisvesting justitie ouder_problematiek onderwijs'
            .split(' ')
            .map((v) => ({ value: v, label: v })),
      },
      {
        name: 'help.caseDirector',
        kind: 'boolean',
        label: 'Is er een regisseur?',
        required: true,
        value: 'false',
      },
      {
        name: 'legal.consent.date',
        kind: 'date',
        label: 'Datum toestemming',
        required: false,
        value: '2026-11-20',
      },
      {
        name: 'help.history',
        kind: 'list',
        label: 'Eerdere hulp',
        required: false,
        value: [{ what: 'Ambulante gezinsbehandeling' }, { what: '' }],
        maxItems: 50,
        itemFields: [{ name: 'what', kind: 'text', label: 'Wat', required: true, value: null }],
        actions: [
          { id: 'remove:help.history:0', label: 'Verwijder rij 1' },
          { id: 'remove:help.history:1', label: 'Verwijder rij 2' },
          { id: 'add:help.history', label: 'Rij toevoegen' },
        ],
      },
    ],
    notices: [],
    actions: [
      { id: 'back', label: 'Terug' },
      { id: 'next', label: 'Volgende', primary: true },
      { id: 'later', label: 'Later verder' },
      { id: 'cancel', label: 'Stoppen' },
    ],
    errors: [],
    ...overrides,
  }
}

function block(blocks: SlackBlock[], id: string): InputBlock {
  const found = blocks.find((b): b is InputBlock => b.type === 'input' && b.block_id === id)
  if (!found) throw new Error(`no input block ${id}`)
  return found
}

describe('intake modal', () => {
  it('renders each field kind as the matching Slack element with the current value', () => {
    const view = buildIntakeModal(screen())
    expect(view.callback_id).toBe('ret:intake')
    expect(view.submit?.text).toBe('Volgende')
    expect(view.close?.text).toBe('Later verder')
    expect(JSON.parse(view.private_metadata)).toEqual({ s: 'child', p: 'step', l: 'nl', a: 'next' })
    expect(block(view.blocks, 'child.pseudonym').element).toMatchObject({
      type: 'plain_text_input',
      initial_value: 'J.',
    })
    expect(block(view.blocks, 'child.birthYear').element).toMatchObject({
      type: 'number_input',
      is_decimal_allowed: false,
    })
    expect(block(view.blocks, 'child.municipality').element).toMatchObject({
      type: 'static_select',
      initial_option: { value: 'Assen' },
    })
    // 11 options is more than Slack's checkbox limit of 10.
    expect(block(view.blocks, 'situation.problemDomains').element).toMatchObject({
      type: 'multi_static_select',
      initial_options: [{ value: 'ggz' }],
    })
    expect(block(view.blocks, 'help.caseDirector').element).toMatchObject({
      type: 'radio_buttons',
      initial_option: { value: 'false', text: { text: 'Nee' } },
    })
    expect(block(view.blocks, 'legal.consent.date').element).toMatchObject({
      type: 'datepicker',
      initial_date: '2026-11-20',
    })
    expect(block(view.blocks, 'help.history[0].what').element).toMatchObject({
      initial_value: 'Ambulante gezinsbehandeling',
    })
    expect(block(view.blocks, 'help.history[1].what').optional).toBe(true)
    expect(view.blocks.some((b) => b.block_id === 'help.history[2].what')).toBe(false)
    const buttons = view.blocks
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements as { action_id: string }[])
    expect(buttons.map((b) => b.action_id)).toEqual([
      'ret:intake:remove:help.history:0',
      'ret:intake:remove:help.history:1',
      'ret:intake:add:help.history',
      'ret:intake:back',
      'ret:intake:cancel',
    ])
  })

  it('reads a real-shaped submission into an answer event (blank cells as empty strings)', () => {
    const payload = slackFixture<ViewSubmissionPayload>('view-submission-intake.json')
    const parsed = parseIntakeModalSubmission(payload.view)
    expect(parsed).toEqual({
      ok: true,
      meta: { s: 'child', p: 'step', l: 'nl', a: 'next' },
      event: {
        type: 'answer',
        stepId: 'child',
        values: {
          'child.pseudonym': 'J.',
          'child.birthYear': '2011',
          'child.municipality': 'Assen',
          'situation.problemDomains': ['ggz', 'lvb'],
          'help.caseDirector': 'false',
          'legal.consent.date': '2026-11-20',
          'help.history[0].what': 'Ambulante gezinsbehandeling',
          'help.history[1].what': '',
        },
      },
    })
  })

  it('maps the review screen submit and notice choices to their events', () => {
    const review = buildIntakeModal(
      screen({
        phase: 'review',
        stepId: 'review',
        fields: [],
        actions: [
          { id: 'edit:child', label: 'Wijzig' },
          { id: 'submit', label: 'Indienen', primary: true },
        ],
      }),
    )
    const submitted = parseIntakeModalSubmission({
      id: 'V1',
      callback_id: review.callback_id,
      private_metadata: review.private_metadata,
      state: { values: {} },
    })
    expect(submitted.ok && submitted.event).toEqual({ type: 'submit' })
    const edit = parseIntakeModalAction('ret:intake:edit:child', {
      id: 'V1',
      callback_id: review.callback_id,
      private_metadata: review.private_metadata,
      state: { values: {} },
    })
    expect(edit?.event).toEqual({ type: 'edit', stepId: 'child' })

    const notice = buildIntakeModal(
      screen({
        phase: 'notice',
        stepId: 'gp',
        fields: [],
        notices: [{ id: 'gp', tone: 'warning', title: 'Huisarts', body: ['Verwijs via het lokale team.'] }],
        actions: [
          { id: 'choose:gp:consultation', label: 'Anonieme consultatie', primary: true },
          { id: 'choose:gp:stop', label: 'Stoppen' },
        ],
      }),
    )
    expect(JSON.stringify(notice.blocks)).toContain(':warning: *Huisarts*')
    const chosen = parseIntakeModalSubmission({
      id: 'V1',
      callback_id: notice.callback_id,
      private_metadata: notice.private_metadata,
      state: { values: {} },
    })
    expect(chosen.ok && chosen.event).toEqual({ type: 'choose', noticeId: 'gp', choice: 'consultation' })
    expect(
      parseIntakeModalAction('ret:intake:choose:gp:stop', {
        id: 'V1',
        callback_id: notice.callback_id,
        private_metadata: notice.private_metadata,
        state: { values: {} },
      })?.event,
    ).toEqual({ type: 'choose', noticeId: 'gp', choice: 'stop' })
  })

  it('turns add-row and closing the modal into addRow and save with the typed values', () => {
    const built = buildIntakeModal(screen())
    const view = {
      id: 'V1',
      callback_id: built.callback_id,
      private_metadata: built.private_metadata,
      state: { values: { 'child.pseudonym': { value: { type: 'plain_text_input', value: 'K.' } } } },
    }
    expect(parseIntakeModalAction('ret:intake:add:help.history', view)?.event).toEqual({
      type: 'addRow',
      stepId: 'child',
      path: 'help.history',
      values: { 'child.pseudonym': 'K.' },
    })
    expect(parseIntakeModalClosed(view)?.event).toEqual({
      type: 'save',
      stepId: 'child',
      values: { 'child.pseudonym': 'K.' },
    })
  })

  it('refuses views that are not intake views or carry broken metadata', () => {
    expect(
      parseIntakeModalSubmission({
        id: 'V1',
        callback_id: 'ret:triage:reroute',
        private_metadata: '{}',
        state: { values: {} },
      }),
    ).toEqual({
      ok: false,
      code: 'not_intake',
    })
    expect(
      parseIntakeModalSubmission({
        id: 'V1',
        callback_id: 'ret:intake',
        private_metadata: 'x',
        state: { values: {} },
      }),
    ).toEqual({
      ok: false,
      code: 'not_intake',
    })
    expect(
      parseIntakeModalAction('ret:intake:explode', {
        id: 'V1',
        callback_id: 'ret:intake',
        private_metadata: '{"s":"a","p":"step","l":"nl","a":null}',
        state: { values: {} },
      }),
    ).toBeNull()
  })

  it('returns field errors as response_action errors, or null when one is not on screen', () => {
    const withErrors = screen({
      errors: [{ field: 'child.birthYear', nl: 'Vul een jaar in.', en: 'Enter a year.' }],
    })
    const view = buildIntakeModal(withErrors)
    expect(buildIntakeErrors(withErrors, view)).toEqual({
      response_action: 'errors',
      errors: { 'child.birthYear': 'Vul een jaar in.' },
    })
    const elsewhere = screen({
      errors: [{ field: 'legal.consent', nl: 'Toestemming ontbreekt.', en: 'Consent missing.' }],
    })
    const view2 = buildIntakeModal(elsewhere)
    expect(buildIntakeErrors(elsewhere, view2)).toBeNull()
    expect(JSON.stringify(view2.blocks)).toContain(':warning: Toestemming ontbreekt.')
  })

  it('keeps within Slack limits: title length and 100 blocks', () => {
    const many = screen({
      fields: Array.from({ length: 150 }, (_, i) => ({
        name: `f${i}`,
        kind: 'text' as const,
        label: `Veld ${i}`,
        required: false,
        value: null,
      })),
    })
    const view = buildIntakeModal(many)
    expect(view.blocks.length).toBeLessThanOrEqual(100)
    expect(view.blocks.at(-1)?.type).toBe('actions')
    expect(view.title.text.length).toBeLessThanOrEqual(24)
  })
})

describe('phone numbers in Slack are tel: links that never break (issue 13 §2)', () => {
  it('links every number in mrkdwn, shown with non-breaking dashes and spaces', () => {
    expect(phoneLinks('Bel 112. Veilig Thuis: 0800-2000 (gratis). Crisisdienst: 0592 303 030.')).toBe(
      'Bel <tel:112|112>. Veilig Thuis: <tel:08002000|0800\u20112000> (gratis). Crisisdienst: <tel:0592303030|0592\u00a0303\u00a0030>.',
    )
    // Not a phone number: a year, a reference, a longer digit run stay as they are.
    expect(phoneLinks('RET-2026-0042 in 2026, 1120 km')).toBe('RET-2026-0042 in 2026, 1120 km')
  })

  it('the acute-danger notice (G1) in the intake modal shows its numbers as tel: links', () => {
    const modal = buildIntakeModal(
      screen({
        phase: 'notice',
        stepId: 'G1',
        fields: [],
        notices: [
          {
            id: 'G1',
            tone: 'danger',
            title: 'Er is acuut gevaar',
            body: ['Bel 112.', 'Veilig Thuis is dag en nacht bereikbaar op 0800-2000 (gratis).'],
          },
        ],
        actions: [{ id: 'choose:G1:spoedmelding', label: 'Korte spoedmelding doen', primary: true }],
      }),
    )
    const text = JSON.stringify(modal.blocks)
    expect(text).toContain('<tel:112|112>')
    expect(text).toContain('<tel:08002000|0800\u20112000>')
    expect(text).not.toMatch(/op 0800/)
  })
})
