import { describe, expect, it } from 'vitest'
import { langOfLocale, parseCommand } from '../../adapters/teams/activity'
import type { AdaptiveCard } from '../../adapters/teams/card-schema'
import {
  AdaptiveCardSchema,
  type CardElement,
  type CardInput,
  type SubmitAction,
} from '../../adapters/teams/card-schema'
import {
  buildCardActivity,
  buildCrisisStopCard,
  buildHelpCard,
  buildMessageCard,
  buildMyCasesCard,
  buildPdfLinkCard,
  buildQuestionCard,
  buildReceiptCard,
  buildReminderCard,
  buildStatusCard,
  buildStepCard,
  buildUploadLinkCard,
  parseCardSubmit,
} from '../../adapters/teams/cards'
import { loadSample } from '../fixtures/samples'
import { noticeScreen, reviewScreen, stepScreen, submittedScreen } from '../fixtures/teams/screens'

/** Every element of a card, depth first (containers opened). */
function elements(card: AdaptiveCard): CardElement[] {
  const out: CardElement[] = []
  const walk = (list: CardElement[]) => {
    for (const el of list) {
      out.push(el)
      if (el.type === 'Container') walk(el.items)
    }
  }
  walk(card.body)
  return out
}

function inputs(card: AdaptiveCard): CardInput[] {
  return elements(card).filter((e): e is CardInput => e.type.startsWith('Input.'))
}

function submits(card: AdaptiveCard): SubmitAction[] {
  const inSets = elements(card).flatMap((e) => (e.type === 'ActionSet' ? e.actions : []))
  return [...(card.actions ?? []), ...inSets].filter((a): a is SubmitAction => a.type === 'Action.Submit')
}

function action(card: AdaptiveCard, id: string): SubmitAction {
  const found = submits(card).find((a) => a.data?.action === id)
  if (!found) throw new Error(`no action ${id}`)
  return found
}

/** What Teams sends when a button is pressed: the button's data merged with the typed inputs. */
function press(card: AdaptiveCard, id: string, typed: Record<string, string> = {}) {
  const a = action(card, id)
  return { value: { ...(a.associatedInputs === 'none' ? {} : typed), ...a.data } }
}

function expectValid(card: AdaptiveCard) {
  const result = AdaptiveCardSchema.safeParse(JSON.parse(JSON.stringify(card)))
  expect(result.success, JSON.stringify(result.error?.issues.slice(0, 3))).toBe(true)
}

const allCards = (): [string, AdaptiveCard][] => [
  ['step', buildStepCard(stepScreen, { draftVersion: 7 })],
  ['notice', buildStepCard(noticeScreen, { draftVersion: 2 })],
  ['review', buildStepCard(reviewScreen, { draftVersion: 12 })],
  ['submitted', buildStepCard(submittedScreen, { draftVersion: 13 })],
  ['help nl', buildHelpCard('nl')],
  ['help en', buildHelpCard('en')],
  ['message', buildMessageCard('nl', 'Opgeslagen.', ['resume'])],
  [
    'receipt',
    buildReceiptCard({ lang: 'nl', reference: 'RET-2026-0042', intervention: 'RO3', urgency: 'regulier' }),
  ],
  [
    'pdf link',
    buildPdfLinkCard(
      'nl',
      'RET-2026-0042',
      'https://ret.example.test/files/abc.def',
      '24 november 2026 10:15',
    ),
  ],
  ['receipt en', buildReceiptCard({ lang: 'en', reference: 'RET-2026-0042', intervention: 'ROP' })],
  [
    'receipt, analysis missing',
    buildReceiptCard({ lang: 'nl', reference: 'RET-2026-0042', intervention: 'RST', analysisMissing: true }),
  ],
  [
    'upload link',
    buildUploadLinkCard('en', 'RET-2026-0042', 'https://ret.example.test/files/upload/a.b', '10:15'),
  ],
  ['G1 stop', buildCrisisStopCard('nl')],
  [
    'status',
    buildStatusCard({
      lang: 'en',
      reference: 'RET-2026-0042',
      status: 'scheduled',
      intervention: 'RO3',
      scheduledFor: '2 December 2026',
      reason: 'Table with school and municipality.',
    }),
  ],
  [
    'question',
    buildQuestionCard({
      lang: 'nl',
      reference: 'RET-2026-0042',
      questionId: 'q1',
      question: 'Is er een plan?',
    }),
  ],
  ['reminder draft', buildReminderCard({ lang: 'nl', kind: 'draft' })],
  ['reminder info', buildReminderCard({ lang: 'en', kind: 'info', reference: 'RET-2026-0042' })],
  ['reminder analysis', buildReminderCard({ lang: 'nl', kind: 'analysis', reference: 'RET-2026-0042' })],
  [
    'my cases',
    buildMyCasesCard('nl', [{ reference: 'RET-2026-0042', intervention: 'RO3', status: 'in_triage' }], true),
  ],
  ['my cases empty', buildMyCasesCard('en', [], false)],
]

describe('Adaptive Card schema (1.5 subset)', () => {
  it.each(allCards())('%s card validates', (_name, card) => {
    expectValid(card)
    expect(card.version).toBe('1.5')
    expect(card.fallbackText).toBeTruthy()
  })

  it('rejects properties, elements and versions outside Adaptive Cards 1.5', () => {
    const base = buildHelpCard('nl')
    expect(AdaptiveCardSchema.safeParse({ ...base, version: '1.6' }).success).toBe(false)
    expect(AdaptiveCardSchema.safeParse({ ...base, msteams: { width: 'Full' } }).success).toBe(false)
    expect(
      AdaptiveCardSchema.safeParse({ ...base, body: [{ type: 'Input.Rating', id: 'r', label: 'x' }] })
        .success,
    ).toBe(false)
    expect(
      AdaptiveCardSchema.safeParse({ ...base, body: [{ type: 'Input.Text', id: 'a' }] }).success,
      'an input without a label',
    ).toBe(false)
    expect(
      AdaptiveCardSchema.safeParse({ ...base, body: [{ type: 'TextBlock', text: 'x', colour: 'red' }] })
        .success,
    ).toBe(false)
  })
})

describe('buildStepCard', () => {
  const card = buildStepCard(stepScreen, { draftVersion: 7 })

  it('shows progress, title and notices', () => {
    const texts = elements(card).flatMap((e) => (e.type === 'TextBlock' ? [e.text] : []))
    expect(texts[0]).toBe('Stap 3 van 9')
    expect(texts[1]).toBe('Over de jeugdige')
    const notice = elements(card).find((e) => e.type === 'Container' && e.id === 'notice-privacy')
    expect(notice).toMatchObject({ style: 'emphasis' })
    const danger = buildStepCard(noticeScreen, { draftVersion: 2 })
    expect(elements(danger).find((e) => e.type === 'Container' && e.id === 'notice-G1')).toMatchObject({
      style: 'attention',
    })
  })

  it('gives every input a label; required inputs are marked and carry a message', () => {
    const all = inputs(card)
    expect(all.length).toBeGreaterThanOrEqual(14)
    for (const input of all) expect(input.label.trim(), input.id).not.toBe('')
    for (const input of all.filter((i) => i.isRequired)) expect(input.errorMessage, input.id).toBeTruthy()
    const byId = new Map(all.map((i) => [i.id, i]))
    expect(byId.get('child.pseudonym')).toMatchObject({ type: 'Input.Text', isRequired: true, value: 'J.' })
    expect(byId.get('child.birthYear')).toMatchObject({ type: 'Input.Number', isRequired: true })
    expect(byId.get('child.birthYear')).not.toHaveProperty('value') // '20x1' is not a number
    expect(byId.get('child.municipality')).toMatchObject({
      type: 'Input.ChoiceSet',
      style: 'compact',
      value: 'Assen',
    })
    expect(byId.get('school.attendance')).toMatchObject({ type: 'Input.ChoiceSet', style: 'expanded' })
    expect(byId.get('situation.problemDomains')).toMatchObject({ isMultiSelect: true, value: 'ggz,lvb' })
    expect(byId.get('acuteDanger')).toMatchObject({ type: 'Input.ChoiceSet', style: 'expanded' })
    expect(byId.get('school.leerplichtInvolved')).toMatchObject({ type: 'Input.Toggle', value: 'true' })
    expect(byId.get('help.monthsWithoutProgress')).toMatchObject({ type: 'Input.Number', min: 0, value: 4 })
    expect(byId.get('legal.consent.date')).toMatchObject({ type: 'Input.Date', value: '2026-11-20' })
    expect(byId.get('question')).toMatchObject({ type: 'Input.Text', isMultiline: true })
    expect(byId.get('referrer.email')).toMatchObject({ style: 'email' })
    expect(byId.get('referrer.phone')).toMatchObject({ style: 'tel' })
    expect(byId.get('help.history[0].what')).toMatchObject({
      value: 'Ambulante gezinsbehandeling',
      isRequired: true,
    })
    expect(byId.get('help.history[0].from')).toMatchObject({ value: '2025-01', regex: expect.any(String) })
  })

  it('shows a server-side error right under its field and the rest in a summary', () => {
    const body = elements(card)
    const at = body.findIndex((e) => e.type === 'Input.Number' && e.id === 'child.birthYear')
    const after = body.slice(at + 1, at + 3).filter((e) => e.type === 'TextBlock')
    expect(after.some((e) => e.type === 'TextBlock' && e.text.includes('Vul een geboortejaar in'))).toBe(true)
    expect(body.find((e) => e.type === 'Input.Number' && e.id === 'child.birthYear')).toMatchObject({
      errorMessage: 'Vul een geboortejaar in tussen 1995 en 2026.',
    })
    const summary = body.find((e) => e.type === 'Container' && e.id === 'errors')
    expect(JSON.stringify(summary)).toContain('Er ontbreekt iets.')
  })

  it('carries action, step and draft version in every button; only forward buttons send inputs', () => {
    for (const a of submits(card)) {
      expect(a.data).toMatchObject({ action: expect.any(String), stepId: 'child', draftVersion: 7 })
    }
    expect(action(card, 'next')).toMatchObject({ associatedInputs: 'auto', style: 'positive' })
    expect(action(card, 'add:help.history')).toMatchObject({ associatedInputs: 'auto' })
    for (const id of ['back', 'later', 'cancel', 'remove:help.history:0', 'lang:en']) {
      expect(action(card, id).associatedInputs, id).toBe('none')
    }
    expect(action(card, 'cancel').style).toBe('destructive')
  })

  it('puts a change button in each review section and the suggestion with its gates', () => {
    const review = buildStepCard(reviewScreen, { draftVersion: 12 })
    const section = elements(review).find((e) => e.type === 'Container' && e.id === 'review-school')
    expect(JSON.stringify(section)).toContain('"action":"edit:school"')
    expect(
      (review.actions ?? []).some((a) => a.type === 'Action.Submit' && a.data?.action === 'edit:school'),
    ).toBe(false)
    expect(JSON.stringify(review)).toContain('Regie op 3')
    expect(elements(review).find((e) => e.type === 'Container' && e.id === 'gate-G5')).toMatchObject({
      style: 'warning',
    })
    expect(action(review, 'submit')).toMatchObject({ associatedInputs: 'auto' })
  })

  it('has no buttons once submitted, and shows the reference', () => {
    const done = buildStepCard(submittedScreen, { draftVersion: 13 })
    expect(done.actions).toBeUndefined()
    expect(JSON.stringify(done)).toContain('RET-2026-0042')
  })
})

describe('parseCardSubmit', () => {
  const card = buildStepCard(stepScreen, { draftVersion: 7 })

  it('turns "next" into an answer with strings as typed and multi-selects as arrays', () => {
    const typed = {
      'child.pseudonym': 'K.',
      'child.birthYear': '2011',
      'situation.problemDomains': 'ggz,trauma',
      acuteDanger: 'false',
      'help.history[0].what': 'Gezinscoach',
    }
    expect(parseCardSubmit(press(card, 'next', typed))).toEqual({
      kind: 'dialogue',
      stepId: 'child',
      draftVersion: 7,
      event: {
        type: 'answer',
        stepId: 'child',
        values: {
          'child.pseudonym': 'K.',
          'child.birthYear': '2011',
          'situation.problemDomains': ['ggz', 'trauma'],
          acuteDanger: 'false',
          'help.history[0].what': 'Gezinscoach',
        },
      },
    })
  })

  it('treats a multi-select Teams left out as "none chosen"', () => {
    const parsed = parseCardSubmit(press(card, 'next', { 'child.pseudonym': 'K.' }))
    expect(
      parsed?.kind === 'dialogue' && parsed.event.type === 'answer' && parsed.event.values,
    ).toMatchObject({
      'situation.problemDomains': [],
    })
  })

  it('maps back, later, cancel, rows, language, notice choices, edit and submit', () => {
    const ev = (c: AdaptiveCard, id: string) => {
      const p = parseCardSubmit(press(c, id, { 'child.pseudonym': 'K.' }))
      return p?.kind === 'dialogue' ? p.event : p
    }
    expect(ev(card, 'back')).toEqual({ type: 'back' })
    expect(ev(card, 'cancel')).toEqual({ type: 'cancel' })
    // "Later" sends no inputs: Teams would otherwise block it until every required field is filled.
    expect(ev(card, 'later')).toEqual({ type: 'save', stepId: 'child', values: {} })
    expect(ev(card, 'add:help.history')).toMatchObject({
      type: 'addRow',
      path: 'help.history',
      stepId: 'child',
    })
    expect(ev(card, 'remove:help.history:0')).toMatchObject({
      type: 'removeRow',
      path: 'help.history',
      index: 0,
    })
    expect(ev(card, 'lang:en')).toEqual({ type: 'setLang', lang: 'en' })
    const notice = buildStepCard(noticeScreen, { draftVersion: 2 })
    expect(ev(notice, 'choose:G1:spoedmelding')).toEqual({
      type: 'choose',
      noticeId: 'G1',
      choice: 'spoedmelding',
    })
    const review = buildStepCard(reviewScreen, { draftVersion: 12 })
    expect(ev(review, 'edit:child')).toEqual({ type: 'edit', stepId: 'child' })
    expect(ev(review, 'submit')).toEqual({ type: 'submit' })
  })

  it('reads commands from help buttons and answers from question cards', () => {
    const help = buildHelpCard('nl')
    expect(parseCardSubmit(press(help, 'cmd:new'))).toEqual({ kind: 'command', command: { type: 'new' } })
    expect(parseCardSubmit(press(help, 'cmd:lang:en'))).toEqual({
      kind: 'command',
      command: { type: 'lang', lang: 'en' },
    })
    const q = buildQuestionCard({
      lang: 'nl',
      reference: 'RET-2026-0042',
      questionId: 'q1',
      question: 'Plan?',
    })
    expect(parseCardSubmit(press(q, 'answer', { answer: '  Ja, sinds oktober.  ' }))).toEqual({
      kind: 'answer',
      reference: 'RET-2026-0042',
      questionId: 'q1',
      answer: 'Ja, sinds oktober.',
    })
  })

  it('never lets submitted keys reach the prototype of the values', () => {
    const value = JSON.parse(
      '{"action":"next","stepId":"child","draftVersion":7,"multi":["__proto__"],"__proto__":"a,b","constructor":"x","child.pseudonym":"K."}',
    )
    const parsed = parseCardSubmit({ value })
    const values = parsed?.kind === 'dialogue' && parsed.event.type === 'answer' ? parsed.event.values : null
    expect(values).toEqual({ 'child.pseudonym': 'K.' })
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype)
  })

  it('ignores anything that is not one of its buttons', () => {
    expect(parseCardSubmit({})).toBeNull()
    expect(parseCardSubmit({ value: 'text' })).toBeNull()
    expect(parseCardSubmit({ value: { action: 'next' } })).toBeNull() // no step / version
    expect(parseCardSubmit({ value: { action: 'next', stepId: 'x', draftVersion: 'abc' } })).toBeNull()
    expect(parseCardSubmit({ value: { action: 'explode', stepId: 'x', draftVersion: 1 } })).toBeNull()
    expect(parseCardSubmit({ value: { action: 'cmd:format-disk' } })).toBeNull()
    expect(
      parseCardSubmit({ value: { action: 'remove:help.history:x', stepId: 'x', draftVersion: 1 } }),
    ).toBeNull()
  })
})

describe('follow-up cards', () => {
  it('receipt: reference, intervention, urgency and a button that asks for a personal PDF link', () => {
    const receipt = buildReceiptCard({
      lang: 'nl',
      reference: 'RET-2026-0042',
      intervention: 'RO3',
      urgency: 'spoed',
    })
    const json = JSON.stringify(receipt)
    expect(json).toContain('RET-2026-0042')
    expect(json).toContain('Regie op 3')
    expect(json).toContain('Spoed')
    expect(receipt.actions).toEqual([
      {
        type: 'Action.Submit',
        title: 'Intakeformulier openen (PDF)',
        data: { action: 'cmd:pdf', reference: 'RET-2026-0042' },
        associatedInputs: 'none',
        style: 'positive',
      },
    ])
    expect(parseCardSubmit(press(receipt, 'cmd:pdf'))).toEqual({
      kind: 'command',
      command: { type: 'pdf', reference: 'RET-2026-0042' },
    })
    expect(parseCardSubmit({ value: { action: 'cmd:pdf' } })).toBeNull()
    const link = buildPdfLinkCard(
      'en',
      'RET-2026-0042',
      'https://ret.example.test/files/t',
      '24 November 2026 10:15',
    )
    expect(link.actions).toEqual([
      {
        type: 'Action.OpenUrl',
        title: 'Open the intake form (PDF)',
        url: 'https://ret.example.test/files/t',
      },
    ])
    expect(JSON.stringify(link)).toContain('valid until 24 November 2026 10:15')
  })

  it('receipt and analysis reminder offer "upload analysis" only when it is missing', () => {
    const missing = buildReceiptCard({
      lang: 'nl',
      reference: 'RET-2026-0042',
      intervention: 'RST',
      analysisMissing: true,
    })
    expect(action(missing, 'cmd:upload')).toMatchObject({
      title: 'Analyse uploaden',
      data: { action: 'cmd:upload', reference: 'RET-2026-0042' },
      associatedInputs: 'none',
    })
    expect(JSON.stringify(missing)).toContain('analyse ontbreekt nog')
    const present = buildReceiptCard({ lang: 'nl', reference: 'RET-2026-0042', intervention: 'RST' })
    expect(present.actions?.map((a) => (a.type === 'Action.Submit' ? a.data?.action : a.type))).toEqual([
      'cmd:pdf',
    ])
    const reminder = buildReminderCard({ lang: 'en', kind: 'analysis', reference: 'RET-2026-0042' })
    expect(action(reminder, 'cmd:upload').title).toBe('Upload analysis')
    expect(parseCardSubmit(press(missing, 'cmd:upload'))).toEqual({
      kind: 'upload',
      reference: 'RET-2026-0042',
    })
    expect(parseCardSubmit({ value: { action: 'cmd:upload' } })).toBeNull()
    const link = buildUploadLinkCard(
      'en',
      'RET-2026-0042',
      'https://ret.example.test/files/upload/t',
      '10:15',
    )
    expect(link.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Upload analysis', url: 'https://ret.example.test/files/upload/t' },
    ])
    expect(JSON.stringify(link)).toContain('valid until 10:15')
  })

  it('the G1 stop card keeps the crisis lines, in both languages', () => {
    for (const [lang, lines] of [
      ['nl', ['Bel [112](tel:112)', '0800\u20112000', 'crisisdienst', 'géén melding', '0592\u2011303030']],
      ['en', ['112', '0800\u20112000', 'crisis service', 'NOT a report', '0592\u2011303030']],
    ] as const) {
      const stop = buildCrisisStopCard(lang, '0592-303030')
      const block = elements(stop).find((e) => e.type === 'Container' && e.id === 'notice-G1')
      expect(block).toMatchObject({ style: 'attention' })
      for (const line of lines) expect(JSON.stringify(block)).toContain(line)
    }
  })

  it('question card has a labelled, required answer input and a send button carrying the question id', () => {
    const q = buildQuestionCard({
      lang: 'en',
      reference: 'RET-2026-0042',
      questionId: 'q9',
      question: 'Plan?',
    })
    expect(inputs(q)).toEqual([
      expect.objectContaining({ id: 'answer', label: 'Your answer', isRequired: true }),
    ])
    expect(action(q, 'answer').data).toEqual({
      action: 'answer',
      reference: 'RET-2026-0042',
      questionId: 'q9',
    })
  })

  it('status and reminder cards speak the reader language', () => {
    expect(JSON.stringify(buildStatusCard({ lang: 'nl', reference: 'R', status: 'in_triage' }))).toContain(
      'In triage',
    )
    expect(JSON.stringify(buildStatusCard({ lang: 'en', reference: 'R', status: 'declined' }))).toContain(
      'Not for the RET',
    )
    expect(JSON.stringify(buildReminderCard({ lang: 'en', kind: 'info', reference: 'RET-1' }))).toContain(
      'RET-1',
    )
  })

  it('carry no personal data: nothing of an intake beyond reference, route and status', async () => {
    const sample = loadSample('rop') as unknown as {
      intake: { child: { pseudonym: string; birthYear: number }; referrer: { name: string; email: string } }
    }
    const personal = [
      sample.intake.child.pseudonym,
      String(sample.intake.child.birthYear),
      sample.intake.referrer.name,
      sample.intake.referrer.email,
    ].filter((s) => s && s.length > 2)
    const followUps = [
      buildReceiptCard({ lang: 'nl', reference: 'RET-2026-0042', intervention: 'ROP', urgency: 'spoed' }),
      buildStatusCard({ lang: 'nl', reference: 'RET-2026-0042', status: 'accepted', intervention: 'ROP' }),
      buildReminderCard({ lang: 'nl', kind: 'analysis', reference: 'RET-2026-0042' }),
      buildMyCasesCard(
        'nl',
        [{ reference: 'RET-2026-0042', intervention: 'ROP', status: 'accepted' }],
        false,
      ),
    ]
    for (const c of followUps) for (const p of personal) expect(JSON.stringify(c)).not.toContain(p)
  })

  it('wraps a card as a message activity with the Adaptive Card content type', () => {
    expect(buildCardActivity(buildHelpCard('nl')).attachments[0]?.contentType).toBe(
      'application/vnd.microsoft.card.adaptive',
    )
  })
})

describe('commands', () => {
  it.each([
    ['nieuwe casus', 'new'],
    ['New Case', 'new'],
    ['<at>RET-bot</at> nieuwe casus', 'new'],
    ['hervat', 'resume'],
    ['resume', 'resume'],
    ['Mijn casussen', 'list'],
    ['my cases!', 'list'],
    ['help', 'help'],
    ['stop', 'stop'],
    ['english', 'lang'],
  ])('%s → %s', (text, type) => {
    expect(parseCommand(text)?.type).toBe(type)
  })

  it('does not treat other text as a command', () => {
    expect(parseCommand('nieuwe casus over J. uit Assen')).toBeNull()
    expect(parseCommand('constructor')).toBeNull()
    expect(parseCommand('__proto__')).toBeNull()
    expect(parseCommand('toString')).toBeNull()
    expect(parseCommand('')).toBeNull()
    expect(parseCommand(undefined)).toBeNull()
  })

  it('follows the Teams locale: English for en-*, Dutch otherwise', () => {
    expect(langOfLocale('en-US')).toBe('en')
    expect(langOfLocale('nl-NL')).toBe('nl')
    expect(langOfLocale('de-DE')).toBe('nl')
    expect(langOfLocale(undefined)).toBe('nl')
  })
})

/** The texts of a card's TextBlocks. */
function texts(card: AdaptiveCard): string[] {
  return elements(card).flatMap((e) => (e.type === 'TextBlock' ? [e.text] : []))
}

/** Phone numbers in a text that are not inside a Markdown link (`[shown](tel:…)`). */
function bareNumbers(text: string): string[] {
  return text.replace(/\[[^\]]*\]\(tel:\d+\)/g, '').match(/\b(112|0\d{2,3}[-\u2011 \u00a0]\d{2,3})/g) ?? []
}

describe('phone numbers in Teams cards are tel: links that never break (issue 13 §2)', () => {
  const cards: [string, AdaptiveCard][] = [
    [
      'urgent receipt',
      buildReceiptCard({
        lang: 'nl',
        reference: 'RET-2026-0042',
        intervention: 'EXPERTTAFEL',
        urgency: 'acuut',
        acuteDanger: true,
        youthCrisisPhone: '0592-303030',
      }),
    ],
    ['G1 stop card', buildCrisisStopCard('en', '0592 303 030')],
    ['G1 notice', buildStepCard(noticeScreen, { draftVersion: 3 })],
    ['help card', buildHelpCard('nl')],
  ]
  it.each(cards)(
    '%s: every number is a Markdown tel: link with non-breaking dashes and spaces',
    (_, card) => {
      const all = texts(card).join('\n')
      expect(all).toContain('[112](tel:112)')
      expect(all).toContain('[0800\u20112000](tel:08002000)')
      for (const text of texts(card)) expect(bareNumbers(text)).toEqual([])
      // The card stays a valid Adaptive Card 1.5 of our schema.
      expect(AdaptiveCardSchema.safeParse(card).success).toBe(true)
    },
  )

  it('the configured crisis number links to its digits, shown as configured on one line', () => {
    const nl = texts(
      buildReceiptCard({
        lang: 'nl',
        reference: 'RET-2026-0042',
        intervention: 'EXPERTTAFEL',
        urgency: 'acuut',
        acuteDanger: true,
        youthCrisisPhone: '0592-303030',
      }),
    ).join('\n')
    expect(nl).toContain('[0592\u2011303030](tel:0592303030)')
    const en = texts(buildCrisisStopCard('en', '0592 303 030')).join('\n')
    expect(en).toContain('[0592\u00a0303\u00a0030](tel:0592303030)')
  })

  it('a regular receipt has no tel: link (nothing to call)', () => {
    const card = buildReceiptCard({
      lang: 'nl',
      reference: 'RET-2026-0042',
      intervention: 'RO3',
      urgency: 'regulier',
    })
    expect(JSON.stringify(card)).not.toContain('tel:')
  })
})

describe('the receipt says what happens next (issue 13 §2)', () => {
  const textOf = (card: AdaptiveCard) => JSON.stringify(card)
  it.each(['nl', 'en'] as const)(
    'a spoedmelding: a call back now, the crisis numbers, never 3 working days (%s)',
    (lang) => {
      const card = buildReceiptCard({
        lang,
        reference: 'RET-2026-0042',
        intervention: 'EXPERTTAFEL',
        urgency: 'acuut',
        acuteDanger: true,
        youthCrisisPhone: '0592-303030',
      })
      const json = textOf(card)
      expect(json).not.toMatch(/3 (werkdagen|working days)/)
      expect(json).toMatch(lang === 'nl' ? /bellen je nu terug/ : /call you back now/)
      expect(json).toContain('112')
      // numbers never break across lines: non-breaking hyphens
      expect(json).toContain('0800\u20112000')
      expect(json).toContain('0592\u2011303030')
      expect(elements(card).some((e) => e.type === 'Container' && e.id === 'receipt-crisis')).toBe(true)
    },
  )

  it('a regular receipt keeps the 3 working days and no crisis block', () => {
    const card = buildReceiptCard({
      lang: 'nl',
      reference: 'RET-2026-0042',
      intervention: 'RO3',
      urgency: 'regulier',
    })
    expect(textOf(card)).toContain('binnen 3 werkdagen')
    expect(elements(card).some((e) => e.type === 'Container' && e.id === 'receipt-crisis')).toBe(false)
  })

  it('the submitted dialogue card shows the receipt of the screen', () => {
    const card = buildStepCard(
      {
        ...submittedScreen,
        receipt: {
          next: 'De voorzitters bellen je nu terug.',
          crisis: ['Bel 112.', 'Veilig Thuis: 0800-2000.'],
        },
      },
      { draftVersion: 9 },
    )
    const json = textOf(card)
    expect(json).toContain('De voorzitters bellen je nu terug.')
    expect(json).toContain('0800\u20112000')
  })
})
