import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type Condition, pathsOf } from '../../src/domain/conditions'
import { GATES, INTERVENTIONS } from '../../src/domain/enums'
import {
  DEFAULT_RULES,
  DERIVED_PATHS,
  intakePathExists,
  loadRuleSet,
  parseRuleSet,
  type RuleSet,
} from '../../src/domain/rules'

const RULES_FILE = new URL('../../templates/routing-rules.json', import.meta.url)

function copy(): Record<string, unknown> & RuleSet {
  return JSON.parse(readFileSync(RULES_FILE, 'utf8'))
}

function errorsOf(input: unknown): string[] {
  const result = parseRuleSet(input)
  if (result.ok) return []
  for (const e of result.errors) {
    expect(e.nl.length, e.path).toBeGreaterThan(5)
    expect(e.en.length, e.path).toBeGreaterThan(5)
  }
  return result.errors.map((e) => `${e.path}: ${e.en}`)
}

describe('the default ruleset (templates/routing-rules.json)', () => {
  it('parses', () => {
    expect(errorsOf(copy())).toEqual([])
    expect(DEFAULT_RULES.rules.length).toBeGreaterThan(15)
  })

  it('reads only fields that exist in the intake shape (or derived values allowed in that section)', () => {
    const sections: [keyof typeof DERIVED_PATHS, { when: Condition; field?: string }[]][] = [
      ['rules', DEFAULT_RULES.rules],
      ['overrides', DEFAULT_RULES.overrides],
      ['additions', DEFAULT_RULES.additions],
      ['analysisTriggers', DEFAULT_RULES.analysisTriggers],
      ['gates', DEFAULT_RULES.gates],
    ]
    let checked = 0
    for (const [section, items] of sections) {
      for (const item of items) {
        const paths = [...pathsOf(item.when), ...(item.field ? [item.field] : [])]
        for (const path of paths) {
          checked++
          const ok = path.startsWith('$')
            ? (DERIVED_PATHS[section] as readonly string[]).includes(path)
            : intakePathExists(path)
          expect(ok, `${section}: ${path}`).toBe(true)
        }
      }
    }
    expect(checked).toBeGreaterThan(50)
  })

  it('knows which paths exist', () => {
    expect(intakePathExists('situation.placement.needed')).toBe(true)
    expect(intakePathExists('help.history.0.result')).toBe(true)
    expect(intakePathExists('help.missingExpertise')).toBe(true)
    expect(intakePathExists('situation.placment.needed')).toBe(false)
    expect(intakePathExists('situation.placement.needed.x')).toBe(false)
    expect(intakePathExists('toString')).toBe(false)
  })

  it('gives every intervention at least one rule, and every gate a text in both languages', () => {
    for (const i of INTERVENTIONS)
      expect(
        DEFAULT_RULES.rules.some((r) => r.intervention === i),
        i,
      ).toBe(true)
    for (const g of GATES)
      expect(
        DEFAULT_RULES.gates.some((x) => x.gate === g),
        g,
      ).toBe(true)
    for (const g of DEFAULT_RULES.gates) {
      expect(g.nl).not.toEqual(g.en)
    }
  })

  it('says in the G4 text that a GP is not the referrer and points to the local team', () => {
    const g4 = DEFAULT_RULES.gates.find((g) => g.gate === 'G4')!
    expect(g4.nl).toMatch(/huisarts/i)
    expect(g4.nl).toMatch(/lokale team/)
    expect(g4.en).toMatch(/GP/)
    expect(g4.en).toMatch(/local team/)
  })

  it('has the G5 triggers of DOMAIN.md §2 and marks the analysis missing', () => {
    expect(DEFAULT_RULES.analysisTriggers.map((t) => t.id)).toEqual([
      'placement',
      'multiple_problems',
      'repeated_requests',
      'protocols_failing',
      'school_stuck',
      'no_progress',
      'closed_care',
    ])
    expect(DEFAULT_RULES.gates.find((g) => g.gate === 'G5')!.missing).toEqual(['analysis'])
  })
})

describe('parseRuleSet', () => {
  it('accepts JSON text', () => {
    const result = parseRuleSet(readFileSync(RULES_FILE, 'utf8'))
    expect(result.ok).toBe(true)
  })

  it('rejects text that is not JSON', () => {
    expect(errorsOf('{ "rules": ')[0]).toMatch(/^rules: .*JSON/)
  })

  it('names an unknown field in a condition', () => {
    const data = copy()
    data.rules[4]!.when = { path: 'situation.placment.needed', eq: true }
    expect(errorsOf(data)).toEqual([
      'rules[4].when.path: rules[4].when.path: unknown field "situation.placment.needed" in the routing rules.',
    ])
  })

  it('names an unknown reason field', () => {
    const data = copy()
    data.rules[0]!.field = 'situation.safety.struktural'
    expect(errorsOf(data)[0]).toMatch(/^rules\[0\]\.field: .*situation\.safety\.struktural/)
  })

  it('rejects a value the field cannot hold', () => {
    const data = copy()
    data.gates[3]!.when = { path: 'legal.framework', eq: 'vrijwilig' }
    expect(errorsOf(data)[0]).toMatch(/"vrijwilig" is not a possible value of "legal\.framework"/)
    const list = copy()
    list.rules[12]!.when = { path: 'situation.problemDomains', includesAll: ['ggz', 'lbv'] }
    expect(errorsOf(list)[0]).toMatch(/"lbv" is not a possible value/)
    const bool = copy()
    bool.rules[4]!.when = { path: 'situation.placement.needed', eq: 'yes' }
    expect(errorsOf(bool)[0]).toMatch(/"yes" is not a possible value/)
  })

  it('accepts null for a nullable field', () => {
    const data = copy()
    data.rules[11]!.when = { not: { path: 'help.missingExpertise', eq: null } }
    expect(errorsOf(data)).toEqual([])
  })

  it('rejects number tests on non-numbers and list tests on non-lists', () => {
    const data = copy()
    data.rules[4]!.when = { path: 'situation.placement.needed', gte: 1 }
    data.rules[5]!.when = { path: 'school.attendance', lengthGte: 1 }
    const errors = errorsOf(data)
    expect(errors[0]).toMatch(/not a number/)
    expect(errors[1]).toMatch(/not a list/)
  })

  it('allows derived values only where they are known', () => {
    const data = copy()
    data.rules[0]!.when = { path: '$primary', eq: 'ROP' }
    data.additions[0]!.when = { path: '$age', gte: 18 }
    data.gates[0]!.when = { path: '$unknown', eq: true }
    const errors = errorsOf(data)
    expect(errors).toHaveLength(2)
    expect(errors[0]).toMatch(/^rules\[0\]\.when\.path: .*"\$primary" is not a derived value/)
    expect(errors[1]).toMatch(/^gates\[0\]\.when\.path: .*"\$unknown"/)
  })

  it('requires every intervention once in the precedence', () => {
    const data = copy()
    data.precedence = ['MDA++', 'ROP', 'RST', 'RO3', 'RO3']
    expect(errorsOf(data)[0]).toMatch(/^precedence: .*exactly once/)
    const short = copy()
    short.precedence = ['MDA++']
    expect(errorsOf(short)[0]).toMatch(/^precedence/)
  })

  it('rejects duplicate rule ids, unknown interventions, unknown keys and bad conditions', () => {
    const dup = copy()
    dup.rules[1]!.id = dup.rules[0]!.id
    expect(errorsOf(dup)[0]).toMatch(/^rules\[1\]\.id: .*occurs more than once/)
    const intervention = copy() as unknown as { rules: Record<string, unknown>[] }
    intervention.rules[0]!.intervention = 'MDA+'
    expect(errorsOf(intervention)[0]).toMatch(/^rules\[0\]\.intervention/)
    const extra = copy() as unknown as Record<string, unknown>
    extra.weights = {}
    expect(errorsOf(extra)[0]).toMatch(/^weights/)
    const cond = copy() as unknown as { rules: Record<string, unknown>[] }
    cond.rules[0]!.when = { path: 'acuteDanger', equals: true }
    expect(errorsOf(cond)[0]).toMatch(/^rules\[0\]\.when/)
  })

  it('loadRuleSet throws one readable error listing the problems', () => {
    const data = copy()
    data.rules[4]!.when = { path: 'situation.nope', eq: true }
    expect(() => loadRuleSet(data)).toThrow(
      /Invalid routing rules:\nrules\[4\]\.when\.path: .*situation\.nope/,
    )
  })
})
