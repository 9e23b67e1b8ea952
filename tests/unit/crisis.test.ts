import { describe, expect, it } from 'vitest'
import {
  crisisLines,
  keepPhonesTogether,
  linkPhones,
  noticeLine,
  phoneParts,
  receiptText,
  youthCrisisLine,
} from '../../src/domain/crisis'
import { step, view } from '../../src/domain/dialogue'
import type { DraftState } from '../../src/domain/dialogue-types'
import type { Lang } from '../../src/domain/enums'
import { loadSample } from '../fixtures/samples'
import { answerFrom, draft, NOW, run, screen, script } from './dialogue-helpers'

const ro3 = loadSample('ro3').intake

/** A spoedmelding walked to the submitted phase. */
function submittedSpoed(lang: Lang): DraftState {
  let state = run(
    step(
      draft(lang),
      { type: 'answer', stepId: 'start', values: { acuteDanger: 'ja', consultationOnly: 'nee' } },
      script,
      NOW,
    ).state,
    {
      type: 'choose',
      noticeId: 'G1',
      choice: 'spoedmelding',
    },
  ).state
  state = answerFrom(
    state,
    { ...ro3, referrer: { ...(ro3.referrer as object), phone: '06-12345678' } },
    (s) => s.stepId === 'question',
  )
  state = step(
    state,
    { type: 'answer', stepId: 'question', values: { question: 'Kan vannacht niet thuis slapen.' } },
    script,
    NOW,
  ).state
  state = step(state, { type: 'submit' }, script, NOW).state
  return step(state, { type: 'submitted', reference: 'RET-2026-0042' }, script, NOW).state
}

describe('urgent receipt (issue 13 §2)', () => {
  it.each(['nl', 'en'] as const)(
    'a spoedmelding promises a call back now, never "3 working days" (%s)',
    (lang) => {
      const r = receiptText(lang, { acuteDanger: true, urgency: 'acuut', youthCrisisPhone: '0592-303030' })
      expect(r.next).toMatch(lang === 'nl' ? /bellen je nu terug/ : /call you back now/)
      expect(r.next).not.toMatch(/3 (werkdagen|working days)/)
      const all = r.crisis.join(' ')
      expect(all).toContain('112')
      expect(all).toContain('0800-2000')
      expect(all).toContain('0592-303030')
    },
  )

  it('acuut urgency without G1 promises today, not a call back, and repeats the numbers', () => {
    const r = receiptText('nl', { acuteDanger: false, urgency: 'acuut' })
    expect(r.next).toMatch(/vandaag/)
    expect(r.next).not.toMatch(/terug/)
    expect(r.crisis).toHaveLength(3)
  })

  it('a regular report keeps the 3 working days and shows no crisis numbers', () => {
    const r = receiptText('nl', { acuteDanger: false, urgency: 'regulier' })
    expect(r.next).toMatch(/3 werkdagen/)
    expect(r.crisis).toEqual([])
  })

  it('without a configured number the crisis line points to the own crisis procedure', () => {
    expect(youthCrisisLine('nl', '')).toMatch(/crisisprocedure van je eigen organisatie/)
    expect(youthCrisisLine('en', ' 088-1234567 ')).toBe(
      'Regional youth crisis service: call 088-1234567 (day and night).',
    )
    expect(crisisLines('en', null)[2]).toMatch(/own organisation's crisis procedure/)
    expect(noticeLine('nl', 'dialogue.notices.G1.crisis', {}, '0592-303030')).toContain('0592-303030')
    expect(noticeLine('nl', 'dialogue.notices.G1.call112', {}, '0592-303030')).toContain('112')
  })

  it.each(['nl', 'en'] as const)(
    'the submitted screen of a spoedmelding carries the call-back receipt (%s)',
    (lang) => {
      const state = submittedSpoed(lang)
      expect(state.phase).toBe('submitted')
      const v = view(state, script, NOW, undefined, undefined, { youthCrisisPhone: '0592-303030' })
      expect(v.receipt?.next).toMatch(lang === 'nl' ? /bellen je nu terug/ : /call you back now/)
      expect(v.receipt?.crisis.join(' ')).toContain('0592-303030')
      expect(JSON.stringify(v)).not.toMatch(/3 (werkdagen|working days)/)
    },
  )

  it('the G1 notice shows the configured crisis number', () => {
    const state = step(
      draft('nl'),
      { type: 'answer', stepId: 'start', values: { acuteDanger: 'ja', consultationOnly: 'nee' } },
      script,
      NOW,
    ).state
    expect(
      view(state, script, NOW, undefined, undefined, {
        youthCrisisPhone: '0592-303030',
      }).notices[0]!.body.join(' '),
    ).toContain('bel 0592-303030')
    expect(screen(state).notices[0]!.body.join(' ')).toMatch(/crisisprocedure/)
  })
})

describe('phone numbers (tel: links, never broken)', () => {
  it('finds 112, 0800-2000 and regional numbers, not references or dates', () => {
    const parts = phoneParts('Bel 112 of 0800-2000 of 0592 123 456. Casus RET-2026-0042 van 2026-11-20.')
    expect(parts.filter((p) => 'tel' in p)).toEqual([
      { text: '112', tel: 'tel:112' },
      { text: '0800-2000', tel: 'tel:08002000' },
      { text: '0592 123 456', tel: 'tel:0592123456' },
    ])
    expect(parts.map((p) => p.text).join('')).toBe(
      'Bel 112 of 0800-2000 of 0592 123 456. Casus RET-2026-0042 van 2026-11-20.',
    )
  })

  it('keeps a number on one line with non-breaking hyphens and spaces', () => {
    expect(keepPhonesTogether('Veilig Thuis: 0800-2000, crisis 0592 123 456.')).toBe(
      'Veilig Thuis: 0800\u20112000, crisis 0592\u00a0123\u00a0456.',
    )
    expect(keepPhonesTogether('RET-2026-0042')).toBe('RET-2026-0042')
  })

  it('writes each number as a link in the given markup, shown kept together, the rest untouched', () => {
    const md = (shown: string, tel: string) => `[${shown}](${tel})`
    expect(linkPhones('Bel 112 of 0800-2000 of 0592 123 456. Casus RET-2026-0042.', md)).toBe(
      'Bel [112](tel:112) of [0800\u20112000](tel:08002000) of [0592\u00a0123\u00a0456](tel:0592123456). Casus RET-2026-0042.',
    )
    expect(linkPhones('Geen nummer hier.', md)).toBe('Geen nummer hier.')
  })
})
