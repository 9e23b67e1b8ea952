import { describe, expect, it } from 'vitest'
import { buildThreadText } from '../../adapters/slack/cards'
import {
  buildFollowUpDoneView,
  buildFollowUpErrors,
  buildFollowUpMessage,
  buildFollowUpModal,
  parseFollowUpSubmission,
} from '../../adapters/slack/follow-up'
import { renderSlackNotice } from '../../adapters/slack/notices'
import type { SlackView } from '../../adapters/slack/payloads'
import { AdaptiveCardSchema, type CardElement } from '../../adapters/teams/card-schema'
import { parseCardSubmit } from '../../adapters/teams/cards'
import { buildTeamsThreadLine } from '../../adapters/teams/case-card'
import { buildFollowUpCard } from '../../adapters/teams/follow-up'
import { renderTeamsNotice } from '../../adapters/teams/notices'
import { renderWebNotice } from '../../adapters/web/notices'
import { readFollowUpInput } from '../../src/domain/follow-up'
import type { CaseEvent } from '../../src/domain/lifecycle'
import { buildFollowUpNotice } from '../../src/domain/notices'

/** The follow-up question's renderers (issue 15 §1): Teams card, Slack message and modal, web fragment. */

const REF = 'RET-2026-0042'
const INPUT_IDS = [
  'adviceFollowed',
  'careStarted',
  'careStartedAt',
  'goalsReached',
  'stoppedEarly',
  'usefulness',
  'note',
]

function inputs(body: CardElement[]): CardElement[] {
  return body.filter((e) => e.type.startsWith('Input.'))
}

describe('Teams follow-up card', () => {
  it('is a valid 1.5 card with the questions as inputs and one submit carrying the reference', () => {
    const card = renderTeamsNotice(buildFollowUpNotice(REF), 'nl')
    expect(card).not.toBeNull()
    expect(AdaptiveCardSchema.safeParse(card).success).toBe(true)
    expect(card?.body[0]).toMatchObject({ type: 'TextBlock', text: `Nazorgvragen over ${REF}` })
    expect(inputs(card!.body).map((e) => (e as { id: string }).id)).toEqual(INPUT_IDS)
    const usefulness = inputs(card!.body).find((e) => (e as { id: string }).id === 'usefulness')
    expect(usefulness).toMatchObject({
      type: 'Input.ChoiceSet',
      isRequired: true,
      choices: [
        { title: '1 – niet nuttig', value: '1' },
        { title: '2', value: '2' },
        { title: '3', value: '3' },
        { title: '4', value: '4' },
        { title: '5 – heel nuttig', value: '5' },
      ],
    })
    expect(card?.actions).toEqual([
      expect.objectContaining({ type: 'Action.Submit', data: { action: 'followUp', reference: REF } }),
    ])
  })

  it('says "reminder" from the second message, in the recipient language', () => {
    const card = renderTeamsNotice(buildFollowUpNotice(REF, 2), 'en')
    expect(card?.body[0]).toMatchObject({ text: `Reminder: follow-up questions about ${REF}` })
    expect(JSON.stringify(card)).toContain('Was the advice followed?')
  })

  it('shows refused answers again with the errors under their fields and the values as chosen', () => {
    const read = readFollowUpInput({
      adviceFollowed: 'yes',
      careStarted: 'yes',
      stoppedEarly: 'no',
      usefulness: '3',
    })
    expect(read.ok).toBe(false)
    if (read.ok) return
    const card = buildFollowUpCard({ lang: 'nl', reference: REF, errors: read.errors, values: read.values })
    expect(AdaptiveCardSchema.safeParse(card).success).toBe(true)
    const ids = card.body.map((e) => (e.type.startsWith('Input.') ? (e as { id: string }).id : e.type))
    const at = ids.indexOf('careStartedAt')
    expect(card.body[at + 1]).toMatchObject({
      type: 'TextBlock',
      text: '⚠ Vul de datum in waarop de zorg startte.',
    })
    expect(card.body.find((e) => (e as { id?: string }).id === 'usefulness')).toMatchObject({ value: '3' })
    expect(card.body.find((e) => (e as { id?: string }).id === 'careStarted')).toMatchObject({ value: 'yes' })
  })

  it('reads the card submit: reference and the inputs as typed, nothing else', () => {
    const submit = parseCardSubmit({
      value: { action: 'followUp', reference: REF, adviceFollowed: 'no', usefulness: '2', extra: 'x' },
    })
    expect(submit).toEqual({
      kind: 'followUp',
      reference: REF,
      values: { adviceFollowed: 'no', usefulness: '2' },
    })
    expect(parseCardSubmit({ value: { action: 'followUp' } })).toBeNull()
  })
})

describe('Slack follow-up message and modal', () => {
  it('sends a direct message with a button that names the case', () => {
    const message = renderSlackNotice(buildFollowUpNotice(REF), 'nl', 'person')
    expect(message).toEqual(buildFollowUpMessage(REF, 1, 'nl'))
    expect(message?.text).toBe(`Nazorgvragen over ${REF}`)
    const actions = message?.blocks?.find((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string }[]
    }
    expect(actions.elements[0]).toMatchObject({
      action_id: 'ret:followup',
      value: JSON.stringify({ r: REF }),
    })
    expect(buildFollowUpMessage(REF, 3, 'en').text).toBe(`Reminder: follow-up questions about ${REF}`)
  })

  it('opens a modal with the same questions, block ids = input names', () => {
    const modal = buildFollowUpModal(REF, 'en')
    expect(modal.callback_id).toBe('ret:followup')
    expect(JSON.parse(modal.private_metadata)).toEqual({ r: REF, l: 'en' })
    expect(modal.title.text.length).toBeLessThanOrEqual(24)
    const blocks = modal.blocks.filter((b) => b.type === 'input') as {
      block_id: string
      optional: boolean
      element: { type: string }
    }[]
    expect(blocks.map((b) => [b.block_id, b.element.type, b.optional])).toEqual([
      ['adviceFollowed', 'radio_buttons', false],
      ['careStarted', 'radio_buttons', false],
      ['careStartedAt', 'datepicker', true],
      ['goalsReached', 'radio_buttons', true],
      ['stoppedEarly', 'radio_buttons', false],
      ['usefulness', 'radio_buttons', false],
      ['note', 'plain_text_input', true],
    ])
  })

  it('reads a submission and turns the reader errors into field errors', () => {
    const view = {
      id: 'V1',
      callback_id: 'ret:followup',
      private_metadata: JSON.stringify({ r: REF, l: 'en' }),
      state: {
        values: {
          adviceFollowed: { value: { type: 'radio_buttons', selected_option: { value: 'no' } } },
          careStarted: { value: { type: 'radio_buttons', selected_option: { value: 'yes' } } },
          careStartedAt: { value: { type: 'datepicker', selected_date: null } },
          note: { value: { type: 'plain_text_input', value: null } },
        },
      },
    } as unknown as SlackView
    const parsed = parseFollowUpSubmission(view)
    expect(parsed).toEqual({
      ok: true,
      ref: { r: REF, l: 'en' },
      lang: 'en',
      raw: { adviceFollowed: 'no', careStarted: 'yes' },
    })
    if (!parsed.ok) return
    const read = readFollowUpInput(parsed.raw)
    if (read.ok) throw new Error('should not read')
    expect(buildFollowUpErrors(read.errors, 'en')).toEqual({
      response_action: 'errors',
      errors: {
        careStartedAt: 'Enter the date on which care started.',
        stoppedEarly: "Choose an answer for 'Did the help stop early (drop-out)?'.",
        usefulness: "Choose an answer for 'How useful was the RET?'.",
      },
    })
    const stale = parseFollowUpSubmission({ ...view, private_metadata: '{"r":"nope"}' } as SlackView)
    expect(stale.ok).toBe(false)
    expect(buildFollowUpDoneView('nl', 'lifecycle.followUp.answered', REF).blocks).toHaveLength(1)
  })
})

describe("the chairs' card threads", () => {
  const event: CaseEvent = {
    type: 'answerFollowUp',
    at: '2026-12-07T09:00:00Z',
    actorKey: 'teams:tenant-1:aad-ref',
    surface: 'teams',
    from: 'advised',
    to: 'advised',
    data: {
      adviceFollowed: 'yes',
      careStarted: false,
      careStartedAt: null,
      goalsReached: 'partly',
      stoppedEarly: true,
      usefulness: 2,
      note: 'Gezin verhuisd naar Emmen.',
    },
  }

  it('say that the follow-up questions were answered, never the answers or the note (DOMAIN.md §7)', () => {
    const slack = buildThreadText(event, 'nl')
    const teams = buildTeamsThreadLine(event, 'en')
    expect(slack).toContain('beantwoordde de nazorgvragen')
    expect(teams).toContain('answered the follow-up questions')
    for (const line of [slack, teams]) {
      expect(line).not.toContain('Emmen')
      expect(line).not.toMatch(/opgevolgd|followed|Deels|Partly|2\/5|uitval|drop-out/i)
    }
  })
})

describe('web follow-up notice', () => {
  it('renders the title as escaped HTML', () => {
    expect(renderWebNotice(buildFollowUpNotice(REF), 'nl')).toContain(`Nazorgvragen over ${REF}`)
    expect(renderWebNotice(buildFollowUpNotice(REF, 2), 'en')).toContain('data-kind="followUp"')
  })
})
