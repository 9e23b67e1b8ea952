import { describe, expect, it } from 'vitest'
import { FollowUpFieldsSchema, readFollowUpInput } from '../../src/domain/follow-up'
import { buildChairsReminderNotice, buildFollowUpNotice } from '../../src/domain/notices'

/** The follow-up answers as every surface reads them (issue 15 §1): one reader on the one schema. */
describe('readFollowUpInput', () => {
  const complete = {
    adviceFollowed: 'partly',
    careStarted: 'yes',
    careStartedAt: '2026-11-02',
    goalsReached: 'yes',
    stoppedEarly: 'no',
    usefulness: '4',
    note: '  Gaat weer naar school.  ',
  }

  it('turns the strings of a form, card or modal into the schema fields', () => {
    const read = readFollowUpInput(complete, '2026-12-07')
    expect(read).toEqual({
      ok: true,
      fields: {
        adviceFollowed: 'partly',
        careStarted: true,
        careStartedAt: '2026-11-02',
        goalsReached: 'yes',
        stoppedEarly: false,
        usefulness: 4,
      },
      note: 'Gaat weer naar school.',
    })
    if (read.ok) expect(FollowUpFieldsSchema.safeParse(read.fields).success).toBe(true)
  })

  it('drops the date when care did not start, and leaves optional answers empty', () => {
    const read = readFollowUpInput({ ...complete, careStarted: 'no', goalsReached: '', note: '' })
    expect(read).toMatchObject({
      ok: true,
      fields: { careStarted: false, careStartedAt: null, goalsReached: null },
      note: null,
    })
  })

  it('reads one-element lists (a select) and booleans as given', () => {
    const read = readFollowUpInput({
      ...complete,
      adviceFollowed: ['no'],
      careStarted: false,
      stoppedEarly: true,
    })
    expect(read).toMatchObject({
      ok: true,
      fields: { adviceFollowed: 'no', careStarted: false, stoppedEarly: true },
    })
  })

  it.each([
    [
      'a required answer missing',
      { adviceFollowed: '' },
      'adviceFollowed',
      "Kies een antwoord bij 'Is het advies opgevolgd?'.",
    ],
    [
      'an answer that is not an option',
      { adviceFollowed: 'maybe' },
      'adviceFollowed',
      "Kies een antwoord bij 'Is het advies opgevolgd?'.",
    ],
    [
      'usefulness out of range',
      { usefulness: '7' },
      'usefulness',
      "Kies een antwoord bij 'Hoe nuttig was het RET?'.",
    ],
    [
      'usefulness not a whole number',
      { usefulness: '3.5' },
      'usefulness',
      "Kies een antwoord bij 'Hoe nuttig was het RET?'.",
    ],
    [
      'care started without a date',
      { careStartedAt: '' },
      'careStartedAt',
      'Vul de datum in waarop de zorg startte.',
    ],
    [
      'care started on a day that does not exist',
      { careStartedAt: '2026-02-30' },
      'careStartedAt',
      'Vul een geldige datum in (jjjj-mm-dd).',
    ],
    [
      'care started after today',
      { careStartedAt: '2026-12-08' },
      'careStartedAt',
      'De startdatum ligt in de toekomst. Vul de datum in waarop de zorg echt startte.',
    ],
    [
      'a note that is too long',
      { note: 'x'.repeat(5001) },
      'note',
      'De toelichting is te lang (maximaal 5000 tekens).',
    ],
  ])('refuses %s, in Dutch and English, with the values as typed', (_name, change, field, nl) => {
    const read = readFollowUpInput({ ...complete, ...change }, '2026-12-07')
    expect(read.ok).toBe(false)
    if (read.ok) return
    expect(Object.keys(read.errors)).toEqual([field])
    expect(read.errors[field as keyof typeof read.errors]?.nl).toBe(nl)
    expect(read.errors[field as keyof typeof read.errors]?.en).toMatch(/[A-Z]/)
    expect(read.errors[field as keyof typeof read.errors]?.en).not.toBe(nl)
    expect(read.values.usefulness).toBe(String((change as Record<string, string>).usefulness ?? '4'))
  })

  it('reports every missing required answer at once', () => {
    const read = readFollowUpInput({})
    expect(read.ok).toBe(false)
    if (!read.ok)
      expect(Object.keys(read.errors).sort()).toEqual([
        'adviceFollowed',
        'careStarted',
        'stoppedEarly',
        'usefulness',
      ])
  })
})

describe('follow-up notices', () => {
  it('numbers the question 1 and its reminders from 2', () => {
    expect(buildFollowUpNotice('RET-2026-0042')).toEqual({
      kind: 'followUp',
      reference: 'RET-2026-0042',
      number: 1,
    })
    expect(buildFollowUpNotice('RET-2026-0042', 3).number).toBe(3)
    expect(buildFollowUpNotice('RET-2026-0042', 0).number).toBe(1)
  })

  it('escalates an unanswered follow-up to the chairs with its own text', () => {
    const base = { reference: 'RET-2026-0042', kind: 'escalation' as const, days: 0, step: null, due: null }
    expect(buildChairsReminderNotice({ ...base, rule: 'follow_up_overdue' }, 3).text.nl).toBe(
      'Casus RET-2026-0042: de verwijzer heeft de nazorgvragen na 3 berichten nog niet beantwoord.',
    )
    expect(buildChairsReminderNotice({ ...base, rule: 'info_overdue' }, 2).text.nl).toContain(
      'gevraagde informatie',
    )
  })
})
