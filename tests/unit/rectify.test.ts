import { describe, expect, it } from 'vitest'
import type { Intake } from '../../src/domain/intake'
import { RECTIFIABLE_FIELDS, rectifyIntake } from '../../src/domain/rectify'
import { loadSample } from '../fixtures/samples'

const intake = () => loadSample('experttafel').intake as Intake

describe('rectification of one intake field (issue 14 §11)', () => {
  it('sets the field, keeps every other field, and says whether it changed', () => {
    const before = intake()
    const result = rectifyIntake(before, 'referrer.phone', '+31 6 1111 2222')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.changed).toBe(true)
    expect(result.intake.referrer.phone).toBe('+31 6 1111 2222')
    expect({ ...result.intake, referrer: before.referrer }).toEqual(before)
    // The input is not mutated.
    expect(before.referrer.phone).not.toBe('+31 6 1111 2222')
    const same = rectifyIntake(before, 'question', before.question)
    expect(same).toMatchObject({ ok: true, changed: false })
  })

  it('refuses a field that drives routing or the lifecycle, and anything unknown', () => {
    for (const field of [
      'child.municipality',
      'child.birthYear',
      'urgency',
      'situation',
      'referrer',
      '__proto__.x',
    ])
      expect(rectifyIntake(intake(), field, 'x')).toEqual({ ok: false, code: 'bad_field' })
    expect(RECTIFIABLE_FIELDS).not.toContain('child.municipality')
  })

  it('validates the whole intake again: a bad e-mail, an empty required text, a phone removed in acute danger', () => {
    const email = rectifyIntake(intake(), 'referrer.email', 'geen e-mail')
    expect(email.ok).toBe(false)
    expect(!email.ok && email.code === 'invalid' && email.errors.map((e) => e.path)).toContain(
      'referrer.email',
    )
    expect(rectifyIntake(intake(), 'referrer.name', '').ok).toBe(false)
    const acute = { ...intake(), acuteDanger: true }
    const phone = rectifyIntake(acute, 'referrer.phone', null)
    expect(!phone.ok && phone.code === 'invalid' && phone.errors[0]?.path).toBe('referrer.phone')
  })
})
