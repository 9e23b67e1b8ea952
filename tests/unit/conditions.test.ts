import { describe, expect, it } from 'vitest'
import { type Condition, ConditionSchema, evaluate, getPath, pathsOf } from '../../src/domain/conditions'

const ctx = {
  $age: 17,
  situation: {
    problemDomains: ['ggz', 'lvb'],
    safety: { signals: [] as string[] },
    placement: { needed: true },
  },
  help: { missingExpertise: null as string | null, parties: [{}, {}, {}] },
  school: { attendance: 'thuiszitter' },
}

describe('conditions', () => {
  it.each<[Condition, boolean]>([
    [{ path: 'situation.placement.needed', eq: true }, true],
    [{ path: 'situation.placement.needed', ne: true }, false],
    [{ path: 'school.attendance', in: ['verzuim', 'thuiszitter'] }, true],
    [{ path: '$age', gte: 17 }, true],
    [{ path: '$age', lte: 16 }, false],
    [{ path: 'situation.safety.signals', nonEmpty: true }, false],
    [{ path: 'help.parties', lengthGte: 3 }, true],
    [{ path: 'situation.problemDomains', includesAll: ['ggz', 'lvb'] }, true],
    [{ path: 'situation.problemDomains', includesAny: ['autisme', 'trauma'] }, false],
    [{ path: 'help.missingExpertise', notNull: true }, false],
    [{ path: 'no.such.path', gte: 0 }, false],
    [
      {
        all: [
          { path: '$age', gte: 17 },
          { path: '$age', lte: 22 },
        ],
      },
      true,
    ],
    [
      {
        any: [
          { path: '$age', gte: 30 },
          { path: 'school.attendance', eq: 'thuiszitter' },
        ],
      },
      true,
    ],
    [{ not: { path: '$age', gte: 17 } }, false],
  ])('%j → %s', (condition, expected) => {
    expect(ConditionSchema.safeParse(condition).success).toBe(true)
    expect(evaluate(condition, ctx)).toBe(expected)
  })

  it('rejects malformed conditions', () => {
    expect(ConditionSchema.safeParse({ path: 'a', gte: 'x' }).success).toBe(false)
    expect(ConditionSchema.safeParse({ path: 'a', eq: 1, extra: 2 }).success).toBe(false)
    expect(ConditionSchema.safeParse({ all: [] }).success).toBe(false)
  })

  it('reads paths and lists them', () => {
    expect(getPath(ctx, 'school.attendance')).toBe('thuiszitter')
    expect(getPath(ctx, 'school.attendance.x')).toBeUndefined()
    expect(pathsOf({ all: [{ path: 'a', eq: 1 }, { not: { path: 'b', eq: 2 } }] })).toEqual(['a', 'b'])
  })
})
