import { describe, expect, it } from 'vitest'
import { INTERVENTIONS, type Intervention, REFERRER_ROLES } from '../../src/domain/enums'
import { type Intake, parseIntake } from '../../src/domain/intake'
import { analysisRequired, reasonGroups, route, toRoutingOutput } from '../../src/domain/routing'
import { DEFAULT_RULES, parseRuleSet, type RuleSet } from '../../src/domain/rules'
import type { RoutingDecision } from '../../src/domain/types'
import { loadSample, loadSamples } from '../fixtures/samples'

const NOW = new Date('2026-11-23T09:00:00Z')

type Patch = { [key: string]: unknown }

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Deep-merges a patch into a copy of `base`; arrays and scalars replace. */
function merge(base: unknown, patch: Patch): unknown {
  if (!isPlainObject(base)) return patch
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? merge(out[key], value) : value
  }
  return out
}

/**
 * A neutral intake (nothing fires: age 12, consent of both, vrijwillig, analysis present), built from
 * the Experttafel sample with its two Experttafel conditions switched off, plus patches.
 */
const NEUTRAL: Patch = { help: { monthsWithoutProgress: 0, noFittingOffer: false } }
function buildIntake(...patches: Patch[]): Intake {
  let data = merge(loadSample('experttafel').intake, NEUTRAL)
  for (const patch of patches) data = merge(data, patch)
  const parsed = parseIntake(data)
  if (!parsed.ok) throw new Error(`builder made an invalid intake: ${JSON.stringify(parsed.errors)}`)
  return parsed.value
}

const run = (intake: Intake, now = NOW, rules: RuleSet = DEFAULT_RULES) => route(intake, rules, now)
const fired = (d: RoutingDecision) => d.reasons.map((r) => r.rule)
const gatesOf = (d: RoutingDecision) => d.gates.map((g) => g.gate)

const signals = (extra: Patch = {}): Patch => ({
  situation: { safety: { signals: ['huiselijk_geweld'], structural: false, veiligThuis: 'geen', ...extra } },
})

describe('route: shared samples (clock in 2026)', () => {
  for (const sample of loadSamples()) {
    it(`${sample.name} gives its expected routing`, () => {
      const parsed = parseIntake(sample.intake)
      expect(parsed.ok).toBe(true)
      if (!parsed.ok) return
      const decision = run(parsed.value)
      expect(decision.primary).toBe(sample.expected.primary)
      expect(gatesOf(decision)).toEqual(sample.expected.gates)
      expect(decision.missing).toEqual(sample.expected.missing)
      // Scored alternatives first in score order; added ones in any order.
      const scored = decision.alternatives.filter((i) => decision.scores[i] > 0)
      expect(decision.alternatives.slice(0, scored.length)).toEqual(scored)
      const scores = scored.map((i) => decision.scores[i])
      expect(scores).toEqual([...scores].sort((a, b) => b - a))
      expect([...decision.alternatives].sort()).toEqual([...sample.expected.alternatives].sort())
      const expectedScored = sample.expected.alternatives.filter(
        (i) => decision.scores[i as Intervention] > 0,
      )
      expect(scored).toEqual(expectedScored)
    })
  }
})

describe('route: every rule fires alone, with its weight and named field', () => {
  // [rule id, intervention, weight (DOMAIN.md §3), field, patch, other rules that necessarily fire too]
  const table: [string, Intervention, number, string, Patch, string[]][] = [
    ['mda_structural', 'MDA++', 3, 'situation.safety.structural', signals({ structural: true }), []],
    ['mda_veilig_thuis', 'MDA++', 1, 'situation.safety.veiligThuis', signals({ veiligThuis: 'advies' }), []],
    [
      'mda_many_domains',
      'MDA++',
      1,
      'situation.problemDomains',
      merge(signals(), { situation: { problemDomains: ['justitie', 'onderwijs', 'schulden'] } }) as Patch,
      [],
    ],
    [
      'mda_help_exhausted',
      'MDA++',
      1,
      'help.monthsWithoutProgress',
      { ...signals(), help: { monthsWithoutProgress: 3 } },
      ['et_no_progress'],
    ],
    [
      'rop_placement_needed',
      'ROP',
      3,
      'situation.placement.needed',
      { situation: { placement: { needed: true } } },
      [],
    ],
    [
      'rop_closed_care',
      'ROP',
      3,
      'situation.placement.closedCareRequested',
      { situation: { placement: { closedCareRequested: true } } },
      [],
    ],
    [
      'rop_placement_threatened',
      'ROP',
      2,
      'situation.placement.threatened',
      { situation: { placement: { threatened: true } } },
      [],
    ],
    [
      'rop_waiting_list',
      'ROP',
      1,
      'situation.placement.onWaitingList',
      { situation: { placement: { onWaitingList: true } } },
      [],
    ],
    [
      'rop_repeated_moves',
      'ROP',
      1,
      'situation.placement.movesLast12Months',
      { situation: { placement: { movesLast12Months: 2 } } },
      [],
    ],
    [
      'rop_rejected',
      'ROP',
      1,
      'situation.placement.rejectedByProviders',
      { situation: { placement: { rejectedByProviders: 1 } } },
      [],
    ],
    [
      'rop_breakdown',
      'ROP',
      1,
      'situation.placement.breakdown',
      { situation: { placement: { breakdown: true } } },
      [],
    ],
    [
      'rst_missing_expertise',
      'RST',
      3,
      'help.missingExpertise',
      { help: { missingExpertise: 'anders' } },
      [],
    ],
    [
      'rst_ggz_lvb',
      'RST',
      1,
      'situation.problemDomains',
      { situation: { problemDomains: ['lvb', 'ggz'] } },
      [],
    ],
    [
      'ro3_no_direction',
      'RO3',
      2,
      'help.caseDirector',
      {
        help: {
          caseDirector: false,
          parties: [
            { organisation: 'A', role: 'a' },
            { organisation: 'B', role: 'b' },
            { organisation: 'C', role: 'c' },
          ],
        },
      },
      [],
    ],
    [
      'ro3_school_care',
      'RO3',
      1,
      'school.attendance',
      { school: { attendance: 'verzuim' }, situation: { problemDomains: ['trauma'] } },
      [],
    ],
    [
      'ro3_school_municipal',
      'RO3',
      1,
      'school.attendance',
      { school: { attendance: 'thuiszitter' }, situation: { problemDomains: ['ouder_problematiek'] } },
      [],
    ],
    [
      'et_no_progress',
      'EXPERTTAFEL',
      1,
      'help.monthsWithoutProgress',
      { help: { monthsWithoutProgress: 3 } },
      [],
    ],
    [
      'et_protocols_failing',
      'EXPERTTAFEL',
      1,
      'help.protocolsFailing',
      { help: { protocolsFailing: true } },
      [],
    ],
    [
      'et_professionals_disagree',
      'EXPERTTAFEL',
      1,
      'help.professionalsDisagree',
      { help: { professionalsDisagree: true } },
      [],
    ],
    ['et_no_fitting_offer', 'EXPERTTAFEL', 1, 'help.noFittingOffer', { help: { noFittingOffer: true } }, []],
    [
      'et_repeated_requests',
      'EXPERTTAFEL',
      1,
      'help.repeatedRequests',
      { help: { repeatedRequests: true } },
      [],
    ],
    ['et_transition_18', 'EXPERTTAFEL', 1, 'child.birthYear', { child: { birthYear: 2009 } }, []],
  ]

  it('covers every rule of the default ruleset', () => {
    expect(table.map(([id]) => id).sort()).toEqual(DEFAULT_RULES.rules.map((r) => r.id).sort())
  })

  it('starts from a neutral intake where nothing fires', () => {
    const d = run(buildIntake())
    expect(d.reasons).toEqual([])
    expect(Object.values(d.scores)).toEqual([0, 0, 0, 0, 0])
    expect(d.primary).toBe('EXPERTTAFEL')
    expect(d.gates).toEqual([])
  })

  for (const [id, intervention, weight, field, patch, also] of table) {
    it(`${id}: ${intervention} +${weight}, names ${field}`, () => {
      const d = run(buildIntake(patch))
      expect(fired(d).sort()).toEqual([id, ...also].sort())
      const reason = d.reasons.find((r) => r.rule === id)!
      expect(reason).toMatchObject({ intervention, weight, field })
      expect(reason.nl.length).toBeGreaterThan(10)
      expect(reason.en.length).toBeGreaterThan(10)
      expect(reason.nl).not.toMatch(/\{/)
      expect(reason.en).not.toMatch(/\{/)
      const expected = Object.fromEntries(INTERVENTIONS.map((i) => [i, 0])) as Record<Intervention, number>
      for (const r of d.reasons) expected[r.intervention] += r.weight
      expect(d.scores).toEqual(expected)
      expect(d.scores[intervention]).toBeGreaterThanOrEqual(weight)
    })
  }

  it.each<[string, Patch]>([
    ['structural without a signal', { situation: { safety: { structural: true, veiligThuis: 'melding' } } }],
    ['3 domains without a signal', { situation: { problemDomains: ['justitie', 'onderwijs', 'schulden'] } }],
    [
      '2 domains with a signal',
      merge(signals(), { situation: { problemDomains: ['justitie', 'onderwijs'] } }) as Patch,
    ],
    ['2 months without progress', { help: { monthsWithoutProgress: 2 } }],
    ['1 move', { situation: { placement: { movesLast12Months: 1 } } }],
    ['ggz without lvb', { situation: { problemDomains: ['ggz'] } }],
    [
      '2 parties, no director',
      {
        help: {
          caseDirector: false,
          parties: [
            { organisation: 'A', role: 'a' },
            { organisation: 'B', role: 'b' },
          ],
        },
      },
    ],
    [
      '3 parties with a director',
      {
        help: {
          caseDirector: true,
          parties: [
            { organisation: 'A', role: 'a' },
            { organisation: 'B', role: 'b' },
            { organisation: 'C', role: 'c' },
          ],
        },
      },
    ],
    [
      'regular attendance with care',
      { school: { attendance: 'regulier' }, situation: { problemDomains: ['autisme'] } },
    ],
    [
      'absent without a listed domain',
      { school: { attendance: 'verzuim' }, situation: { problemDomains: ['justitie'] } },
    ],
    ['age 16', { child: { birthYear: 2010 } }],
    ['age 23', { child: { birthYear: 2003 } }],
  ])('does not fire on a near miss: %s', (_name, patch) => {
    expect(run(buildIntake(patch)).reasons).toEqual([])
  })

  it('fills values into reason texts', () => {
    const d = run(buildIntake({ help: { monthsWithoutProgress: 7 } }))
    expect(d.reasons[0]!.nl).toContain('7 maanden')
    expect(d.reasons[0]!.en).toContain('7 months')
  })
})

describe('route: age 16/17/22/23 with an injected clock', () => {
  it.each([
    [2010, '2026-06-01T00:00:00Z', 16, false],
    [2009, '2026-06-01T00:00:00Z', 17, true],
    [2004, '2026-06-01T00:00:00Z', 22, true],
    [2003, '2026-06-01T00:00:00Z', 23, false],
    [2010, '2027-01-01T00:00:00Z', 17, true],
    [2004, '2027-01-01T00:00:00Z', 23, false],
    [2009, '2025-12-31T23:59:59Z', 16, false],
  ])('born %i, now %s: age %i, transition rule fires: %s', (birthYear, now, age, fires) => {
    const d = run(buildIntake({ child: { birthYear } }), new Date(now))
    expect(fired(d).includes('et_transition_18')).toBe(fires)
    if (fires) expect(d.reasons[0]!.nl).toContain(`${age} jaar`)
  })
})

describe('route: gates', () => {
  it('G1 fires on acute danger only', () => {
    expect(gatesOf(run(buildIntake({ acuteDanger: true })))).toEqual(['G1'])
    expect(gatesOf(run(buildIntake({ acuteDanger: false })))).toEqual([])
  })

  it('G1 text names 112, Veilig Thuis 0800-2000 and the crisis service', () => {
    const g1 = run(buildIntake({ acuteDanger: true })).gates[0]!
    for (const text of [g1.nl, g1.en]) {
      expect(text).toContain('112')
      expect(text).toContain('0800-2000')
    }
    expect(g1.nl).toMatch(/crisisdienst/)
    expect(g1.en).toMatch(/crisis service/)
  })

  it.each<[string, Patch, boolean]>([
    ['structural, no contact', signals({ structural: true, veiligThuis: 'geen' }), true],
    ['structural, advice only', signals({ structural: true, veiligThuis: 'advies' }), true],
    ['structural, reported', signals({ structural: true, veiligThuis: 'melding' }), false],
    ['acute, not structural, no contact', { ...signals(), acuteDanger: true }, true],
    ['acute, reported', { ...signals({ veiligThuis: 'melding' }), acuteDanger: true }, false],
    ['signal, neither structural nor acute', signals({ veiligThuis: 'geen' }), false],
    ['structural flag without a signal', { situation: { safety: { structural: true } } }, false],
  ])('G2: %s → fires %s', (_name, patch, fires) => {
    expect(gatesOf(run(buildIntake(patch))).includes('G2')).toBe(fires)
  })

  it('G2 tells the referrer to report to Veilig Thuis first', () => {
    const g2 = run(buildIntake(signals({ structural: true }))).gates.find((g) => g.gate === 'G2')!
    expect(g2.nl).toMatch(/meldcode/)
    expect(g2.nl).toMatch(/Veilig Thuis/)
    expect(g2.en).toMatch(/report/)
  })

  // Born in 2015 → 11 in 2026; 2014 → 12; 2011 → 15; 2010 → 16.
  it.each<[number, boolean, boolean, boolean]>([
    [2015, true, false, true],
    [2015, false, true, false],
    [2015, true, true, false],
    [2014, false, true, true],
    [2014, true, false, true],
    [2014, true, true, false],
    [2011, false, true, true],
    [2011, true, false, true],
    [2011, true, true, false],
    [2010, false, true, true],
    [2010, true, false, false],
    [2010, true, true, false],
  ])('G3: born %i, consent child %s, parents %s → fires %s', (birthYear, child, parents, fires) => {
    const d = run(buildIntake({ child: { birthYear }, legal: { consent: { child, parents } } }))
    expect(gatesOf(d).includes('G3')).toBe(fires)
  })

  it.each([
    ['vrijwillig', true],
    ['ots', false],
    ['voogdij', false],
    ['jeugdreclassering', false],
    ['machtiging_uhp', false],
    ['gesloten', false],
  ])('G3 without consent, framework %s → fires %s', (framework, fires) => {
    const d = run(buildIntake({ legal: { framework, consent: { child: false, parents: false } } }))
    expect(gatesOf(d).includes('G3')).toBe(fires)
  })

  it('G3 fires for an anonymous consultation even with consent and a legal basis', () => {
    const d = run(
      buildIntake({ consultationOnly: true, child: { pseudonym: null }, legal: { framework: 'ots' } }),
    )
    expect(gatesOf(d)).toEqual(['G3'])
    expect(d.gates[0]!.nl).toMatch(/[Aa]nonieme consultatie/)
  })

  it('G3 uses the injected clock for the age (15 in 2026, 16 in 2027)', () => {
    const intake = buildIntake({
      child: { birthYear: 2011 },
      legal: { consent: { child: true, parents: false } },
    })
    expect(gatesOf(run(intake, new Date('2026-12-31T12:00:00Z')))).toEqual(['G3'])
    expect(gatesOf(run(intake, new Date('2027-01-01T12:00:00Z')))).toEqual([])
  })

  it.each(REFERRER_ROLES.map((role) => [role, role === 'huisarts']))(
    'G4: role %s → fires %s',
    (role, fires) => {
      const d = run(buildIntake({ referrer: { role } }))
      expect(gatesOf(d).includes('G4')).toBe(fires)
      if (fires) expect(d.gates.find((g) => g.gate === 'G4')!.nl).toMatch(/lokale team/)
    },
  )

  it.each<[string, Patch]>([
    ['placement needed', { situation: { placement: { needed: true } } }],
    ['placement threatened', { situation: { placement: { threatened: true } } }],
    ['3 problem domains', { situation: { problemDomains: ['justitie', 'onderwijs', 'schulden'] } }],
    ['repeated requests', { help: { repeatedRequests: true } }],
    ['protocols failing', { help: { protocolsFailing: true } }],
    ['verzuim', { school: { attendance: 'verzuim' } }],
    ['thuiszitter', { school: { attendance: 'thuiszitter' } }],
    ['3 months without progress', { help: { monthsWithoutProgress: 3 } }],
    ['closed care requested', { situation: { placement: { closedCareRequested: true } } }],
  ])('G5: trigger %s without an analysis → G5 and missing analysis', (_name, patch) => {
    const without = run(buildIntake(patch, { analysis: { present: false } }))
    expect(gatesOf(without)).toEqual(['G5'])
    expect(without.missing).toEqual(['analysis'])
    expect(analysisRequired(buildIntake(patch), DEFAULT_RULES, NOW)).toBe(true)
    const withAnalysis = run(buildIntake(patch, { analysis: { present: true } }))
    expect(gatesOf(withAnalysis)).toEqual([])
    expect(withAnalysis.missing).toEqual([])
  })

  it.each<[string, Patch]>([
    ['no trigger', {}],
    ['2 problem domains', { situation: { problemDomains: ['justitie', 'onderwijs'] } }],
    ['2 months', { help: { monthsWithoutProgress: 2 } }],
    ['not at school', { school: { attendance: 'geen_school' } }],
    ['waiting list only', { situation: { placement: { onWaitingList: true } } }],
  ])('G5 does not fire without a trigger (%s), even without an analysis', (_name, patch) => {
    const d = run(buildIntake(patch, { analysis: { present: false } }))
    expect(gatesOf(d)).toEqual([])
    expect(d.missing).toEqual([])
    expect(analysisRequired(buildIntake(patch), DEFAULT_RULES, NOW)).toBe(false)
  })

  it('lists gates in the order G1..G5', () => {
    const d = run(
      buildIntake(signals({ structural: true }), {
        acuteDanger: true,
        consultationOnly: true,
        child: { pseudonym: null },
        referrer: { role: 'huisarts' },
        situation: { placement: { needed: true } },
        analysis: { present: false },
      }),
    )
    expect(gatesOf(d)).toEqual(['G1', 'G2', 'G3', 'G4', 'G5'])
    expect(d.missing).toEqual(['analysis'])
    for (const g of d.gates) {
      expect(g.nl.length).toBeGreaterThan(20)
      expect(g.en.length).toBeGreaterThan(20)
    }
  })
})

describe('route: ties, defaults and overrides', () => {
  // Each patch scores exactly 3 for one intervention and nothing else, also in any combination.
  const three: Record<Intervention, Patch> = {
    'MDA++': signals({ structural: true }),
    ROP: { situation: { placement: { needed: true } } },
    RST: { help: { missingExpertise: 'ggz_lvb' } },
    RO3: {
      school: { attendance: 'verzuim' },
      situation: { problemDomains: ['autisme'] },
      help: {
        caseDirector: false,
        parties: [
          { organisation: 'A', role: 'a' },
          { organisation: 'B', role: 'b' },
          { organisation: 'C', role: 'c' },
        ],
      },
    },
    EXPERTTAFEL: { help: { professionalsDisagree: true, noFittingOffer: true, repeatedRequests: true } },
  }
  const precedence: Intervention[] = ['MDA++', 'ROP', 'RST', 'RO3', 'EXPERTTAFEL']

  it('uses the precedence MDA++ > ROP > RST > RO3 > EXPERTTAFEL', () => {
    expect(DEFAULT_RULES.precedence).toEqual(precedence)
  })

  for (const [i, a] of precedence.entries()) {
    for (const b of precedence.slice(i + 1)) {
      it(`a tie between ${a} and ${b} goes to ${a}`, () => {
        const d = run(buildIntake(three[a], three[b]))
        expect(d.scores[a]).toBe(3)
        expect(d.scores[b]).toBe(3)
        expect(d.primary).toBe(a)
        expect(d.alternatives[0]).toBe(b)
        // Order of the patches does not matter.
        expect(run(buildIntake(three[b], three[a])).primary).toBe(a)
      })
    }
  }

  it('orders scored alternatives by score, then precedence', () => {
    // ROP 3+1, RST 3, EXPERTTAFEL 3, RO3 2
    const d = run(
      buildIntake(three.EXPERTTAFEL, three.RST, {
        situation: { placement: { needed: true, breakdown: true } },
        help: {
          caseDirector: false,
          parties: [
            { organisation: 'A', role: 'a' },
            { organisation: 'B', role: 'b' },
            { organisation: 'C', role: 'c' },
          ],
        },
      }),
    )
    expect(d.scores).toMatchObject({ ROP: 4, RST: 3, EXPERTTAFEL: 3, RO3: 2 })
    expect(d.primary).toBe('ROP')
    expect(d.alternatives).toEqual(['RST', 'EXPERTTAFEL', 'RO3'])
  })

  it('a higher score beats precedence', () => {
    const d = run(buildIntake(three.EXPERTTAFEL, three['MDA++'], { help: { protocolsFailing: true } }))
    // protocolsFailing with a signal: MDA++ +1 (help exhausted), EXPERTTAFEL +1
    expect(d.scores).toMatchObject({ 'MDA++': 4, EXPERTTAFEL: 4 })
    expect(d.primary).toBe('MDA++')
    const e = run(buildIntake(three.EXPERTTAFEL, three.RST, { help: { protocolsFailing: true } }))
    expect(e.scores).toMatchObject({ RST: 3, EXPERTTAFEL: 4 })
    expect(e.primary).toBe('EXPERTTAFEL')
    expect(e.alternatives).toEqual(['RST'])
  })

  it('with every score 0 the primary is EXPERTTAFEL, with no alternatives or reasons', () => {
    const d = run(buildIntake())
    expect(d).toMatchObject({ primary: 'EXPERTTAFEL', alternatives: [], reasons: [], gates: [], missing: [] })
  })

  it('an anonymous consultation always routes to EXPERTTAFEL and says why', () => {
    const d = run(buildIntake(three.ROP, three.RST, { consultationOnly: true, child: { pseudonym: null } }))
    expect(d.scores.ROP).toBe(3)
    expect(d.primary).toBe('EXPERTTAFEL')
    expect(d.alternatives).not.toContain('EXPERTTAFEL')
    expect(d.alternatives.slice(0, 2)).toEqual(['ROP', 'RST'])
    expect(d.reasons.find((r) => r.rule === 'consultation_only')).toMatchObject({
      field: 'consultationOnly',
      intervention: 'EXPERTTAFEL',
    })
  })
})

describe('route: additions', () => {
  it('a safety signal adds MDA++ when it is not primary', () => {
    const d = run(buildIntake(signals(), { situation: { placement: { needed: true } } }))
    expect(d.primary).toBe('ROP')
    expect(d.scores['MDA++']).toBe(0)
    expect([...d.alternatives].sort()).toEqual(['EXPERTTAFEL', 'MDA++', 'RST'])
  })

  it('a safety signal does not add MDA++ when MDA++ is primary', () => {
    const d = run(buildIntake(signals({ structural: true })))
    expect(d.primary).toBe('MDA++')
    expect(d.alternatives).toEqual([])
  })

  it('ROP primary adds RST and EXPERTTAFEL', () => {
    const d = run(buildIntake({ situation: { placement: { threatened: true } } }))
    expect(d.primary).toBe('ROP')
    expect([...d.alternatives].sort()).toEqual(['EXPERTTAFEL', 'RST'])
  })

  it('RO3 primary adds EXPERTTAFEL', () => {
    const d = run(buildIntake({ school: { attendance: 'verzuim' }, situation: { problemDomains: ['ggz'] } }))
    expect(d.primary).toBe('RO3')
    expect(d.alternatives).toEqual(['EXPERTTAFEL'])
  })

  it('RST or EXPERTTAFEL primary adds nothing', () => {
    expect(run(buildIntake({ help: { missingExpertise: 'autisme' } })).alternatives).toEqual([])
    expect(run(buildIntake({ help: { noFittingOffer: true } })).alternatives).toEqual([])
  })

  it('a closed-care request adds EXPERTTAFEL even when ROP is not primary', () => {
    const d = run(
      buildIntake(signals({ structural: true, veiligThuis: 'melding' }), {
        situation: { placement: { closedCareRequested: true } },
      }),
    )
    expect(d.scores).toMatchObject({ 'MDA++': 4, ROP: 3 })
    expect(d.primary).toBe('MDA++')
    expect(d.alternatives).toEqual(['ROP', 'EXPERTTAFEL'])
  })

  it('never adds the primary, never twice', () => {
    const d = run(
      buildIntake({
        situation: { placement: { closedCareRequested: true } },
        help: {
          monthsWithoutProgress: 4,
          protocolsFailing: true,
          professionalsDisagree: true,
          noFittingOffer: true,
        },
      }),
    )
    expect(d.primary).toBe('EXPERTTAFEL')
    expect(d.alternatives).toEqual(['ROP'])
    const e = run(
      buildIntake({
        situation: { placement: { needed: true, closedCareRequested: true } },
        help: { noFittingOffer: true },
      }),
    )
    expect(e.primary).toBe('ROP')
    expect(e.alternatives).toEqual(['EXPERTTAFEL', 'RST'])
  })
})

describe('route: the ruleset is data', () => {
  const copy = (): Record<string, unknown> =>
    structuredClone(DEFAULT_RULES) as unknown as Record<string, unknown>

  it('a region can change a weight without touching code', () => {
    const data = copy() as { rules: { id: string; weight: number }[] }
    data.rules.find((r) => r.id === 'et_professionals_disagree')!.weight = 10
    const parsed = parseRuleSet(data)
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    const intake = buildIntake({
      situation: { placement: { needed: true } },
      help: { professionalsDisagree: true },
    })
    expect(run(intake).primary).toBe('ROP')
    expect(run(intake, NOW, parsed.value).primary).toBe('EXPERTTAFEL')
  })

  it('a region can change precedence and the default', () => {
    const data = copy() as { precedence: string[]; default: string }
    data.precedence = ['EXPERTTAFEL', 'RO3', 'RST', 'ROP', 'MDA++']
    data.default = 'RO3'
    const parsed = parseRuleSet(data)
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
    const tie = buildIntake({
      situation: { placement: { needed: true } },
      help: { missingExpertise: 'anders' },
    })
    expect(run(tie, NOW, parsed.value).primary).toBe('RST')
    expect(run(buildIntake(), NOW, parsed.value).primary).toBe('RO3')
  })
})

describe('toRoutingOutput', () => {
  it('gives exactly the public shape of DOMAIN.md §4', () => {
    const d = run(buildIntake({ situation: { placement: { needed: true } }, analysis: { present: false } }))
    const out = toRoutingOutput(d)
    expect(Object.keys(out)).toEqual(['primary', 'alternatives', 'reasons', 'gates', 'missing', 'scores'])
    expect(out.primary).toBe('ROP')
    expect(out.reasons).toEqual([
      {
        rule: 'rop_placement_needed',
        field: 'situation.placement.needed',
        intervention: 'ROP',
        weight: d.reasons[0]!.weight,
        nl: 'Er is een plaatsing buiten huis nodig.',
        en: 'An out-of-home placement is needed.',
      },
    ])
    expect(out.reasons[0]!.weight).toBeGreaterThan(0)
    expect(out.scores).toEqual({ EXPERTTAFEL: 0, RO3: 0, ROP: d.reasons[0]!.weight, 'MDA++': 0, RST: 0 })
    expect(out.gates.map((g) => Object.keys(g))).toEqual([['gate', 'nl', 'en']])
    expect(out.missing).toEqual(['analysis'])
  })

  it.each(loadSamples())('$name: every score is the sum of the weights of its reasons', ({ intake }) => {
    const parsed = parseIntake(intake)
    if (!parsed.ok) throw new Error('sample does not parse')
    const out = toRoutingOutput(run(parsed.value))
    for (const i of INTERVENTIONS)
      expect(out.scores[i], i).toBe(
        out.reasons.filter((r) => r.intervention === i).reduce((sum, r) => sum + r.weight, 0),
      )
  })
})

describe('reasonGroups', () => {
  it('groups every reason under the intervention it scored for, the primary first', () => {
    const d = run(
      buildIntake(
        { situation: { placement: { needed: true } } },
        { help: { missingExpertise: 'ggz_lvb', monthsWithoutProgress: 12, professionalsDisagree: true } },
      ),
    )
    const groups = reasonGroups(d)
    expect(groups[0]!.intervention).toBe(d.primary)
    expect(groups.flatMap((g) => g.reasons)).toHaveLength(d.reasons.length)
    for (const g of groups) {
      expect(g.reasons.every((r) => r.intervention === g.intervention)).toBe(true)
      expect(g.score).toBe(d.scores[g.intervention])
    }
    expect(new Set(groups.map((g) => g.intervention)).size).toBe(groups.length)
    expect(groups.length).toBeGreaterThan(1)
  })
})
