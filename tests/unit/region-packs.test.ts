import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { t } from '../../src/domain/copy'
import { INTERVENTIONS, MUNICIPALITIES } from '../../src/domain/enums'
import { IntakeSchema } from '../../src/domain/intake'
import {
  buildRegion,
  DEFAULT_REGION,
  intakeSchemaFor,
  loadRegion,
  parseIntakeForRegion,
  REGION_IDS,
} from '../../src/domain/region'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import { DEFAULT_STALLED_RULES } from '../../src/domain/stalled'
import { loadSample, loadSamples } from '../fixtures/samples'

const NOW = new Date('2026-12-04T10:00:00Z')
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'))
const IJSSELLAND = [
  'Dalfsen',
  'Deventer',
  'Hardenberg',
  'Kampen',
  'Olst-Wijhe',
  'Ommen',
  'Raalte',
  'Staphorst',
  'Steenwijkerland',
  'Zwartewaterland',
  'Zwolle',
]

/** A Drenthe sample moved to a municipality of another region. */
function inMunicipality(name: string, municipality: string) {
  const intake = structuredClone(loadSample(name).intake) as { child: { municipality: string } }
  intake.child.municipality = municipality
  return intake
}

describe('region packs', () => {
  for (const id of readdirSync('templates/regions')) {
    it(`templates/regions/${id}: pack and routing rules valid, registered, id = folder, rules file as named`, () => {
      const pack = readJson(`templates/regions/${id}/pack.json`)
      const rules = readJson(`templates/regions/${id}/${pack.routingRules}`)
      const result = buildRegion(pack, rules)
      if (!result.ok) throw new Error(result.errors.map((e) => e.en).join('\n'))
      expect(result.value.pack.id).toBe(id)
      expect(REGION_IDS).toContain(id)
      // The registry bundles the same rules the pack names.
      expect(loadRegion(id).rules).toEqual(rules)
    })
  }

  it('Drenthe is the default and is exactly the shared templates', () => {
    expect(DEFAULT_REGION).toBe('drenthe')
    const drenthe = loadRegion('drenthe')
    expect(drenthe.pack.municipalities).toEqual([...MUNICIPALITIES])
    expect(drenthe.interventions).toEqual([...INTERVENTIONS])
    expect(drenthe.pack.tieBreak).toEqual(DEFAULT_RULES.precedence)
    expect(drenthe.rules).toEqual(DEFAULT_RULES)
    expect(drenthe.stalled).toEqual(DEFAULT_STALLED_RULES)
    expect(intakeSchemaFor(drenthe.pack)).toBe(IntakeSchema)
    for (const i of drenthe.pack.interventions) {
      expect(i.nl).toBe(t('nl', `enum.intervention.${i.code}`))
      expect(i.en).toBe(t('en', `enum.intervention.${i.code}`))
    }
    expect(drenthe.pack.copy).toEqual({ nl: {}, en: {} })
  })

  it('Drenthe routes every shared sample as the default rules do', () => {
    const drenthe = loadRegion('drenthe')
    for (const sample of loadSamples()) {
      const parsed = parseIntakeForRegion(sample.intake, drenthe.pack)
      if (!parsed.ok) continue
      expect(route(parsed.value, drenthe.rules, NOW)).toEqual(route(parsed.value, DEFAULT_RULES, NOW))
    }
  })

  it('IJsselland: its eleven municipalities, one intervention, its own limits and names', () => {
    const ij = loadRegion('ijsselland')
    expect(ij.pack.municipalities).toEqual(IJSSELLAND)
    expect(ij.interventions).toEqual(['EXPERTTAFEL'])
    expect(ij.rules.precedence).toEqual(['EXPERTTAFEL'])
    expect(ij.stalled.rules.triage_overdue.limit).toBe(5)
    expect(ij.stalled.rules.info_overdue.limit).toBe(DEFAULT_STALLED_RULES.rules.info_overdue.limit)
    expect(ij.pack.copy.nl['enum.intervention.EXPERTTAFEL']).toBe('Expertconsultatie')
  })

  it('IJsselland accepts a Zwolle intake and refuses an Assen one, naming the field', () => {
    const ij = loadRegion('ijsselland').pack
    expect(parseIntakeForRegion(inMunicipality('mda', 'Zwolle'), ij).ok).toBe(true)
    const assen = parseIntakeForRegion(inMunicipality('mda', 'Assen'), ij)
    expect(assen.ok).toBe(false)
    if (!assen.ok) expect(assen.errors.map((e) => e.path)).toEqual(['child.municipality'])
    // Drenthe the other way round.
    expect(parseIntakeForRegion(inMunicipality('mda', 'Zwolle'), loadRegion('drenthe').pack).ok).toBe(false)
    // The region schema keeps the canonical cross-field rules (acute danger needs a phone number).
    const acute = inMunicipality('mda', 'Zwolle') as unknown as {
      acuteDanger: boolean
      referrer: { phone: unknown }
    }
    acute.acuteDanger = true
    acute.referrer.phone = null
    const refused = parseIntakeForRegion(acute, ij)
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.errors.map((e) => e.path)).toContain('referrer.phone')
  })

  it('IJsselland routes every case to its one intervention; the gates still apply', () => {
    const ij = loadRegion('ijsselland')
    for (const name of ['mda', 'rop', 'rst', 'ro3', 'experttafel', 'consultation']) {
      const parsed = parseIntakeForRegion(inMunicipality(name, 'Zwolle'), ij.pack)
      if (!parsed.ok) throw new Error(`${name}: ${parsed.errors.map((e) => e.en).join('; ')}`)
      const decision = route(parsed.value, ij.rules, NOW)
      expect(decision.primary).toBe('EXPERTTAFEL')
      expect(decision.alternatives).toEqual([])
      // Same gates as Drenthe's rules give for the same intake.
      expect(decision.gates.map((g) => g.gate)).toEqual(
        route(parsed.value, DEFAULT_RULES, NOW).gates.map((g) => g.gate),
      )
    }
  })

  it('refuses a bad pack with the field named', () => {
    const pack = readJson('templates/regions/ijsselland/pack.json')
    const rules = readJson('templates/regions/ijsselland/routing-rules.json')
    const errorsOf = (p: unknown, r: unknown = rules) => {
      const result = buildRegion(p, r)
      return result.ok ? [] : result.errors.map((e) => e.en)
    }
    expect(errorsOf({ ...pack, tieBreak: ['EXPERTTAFEL', 'RO3'] })[0]).toMatch(
      /^tieBreak: name every intervention/,
    )
    expect(errorsOf({ ...pack, municipalities: ['Zwolle', 'Zwolle'] })[0]).toMatch(/^municipalities: .*twice/)
    expect(errorsOf({ ...pack, copy: { nl: { 'enum.intervention.NOPE': 'x' }, en: {} } })[0]).toMatch(
      /^copy\.nl\.enum\.intervention\.NOPE: not a copy key/,
    )
    expect(errorsOf({ ...pack, interventions: [{ ...pack.interventions[0], code: 'NEW' }] })[0]).toMatch(
      /^interventions\.0\.code/,
    )
    expect(errorsOf({ ...pack, crisisNumbers: [] })[0]).toMatch(/^crisisNumbers/)
    // Routing rules that name an intervention the region does not have.
    const ro3 = structuredClone(rules)
    ro3.rules[0].intervention = 'RO3'
    expect(errorsOf(pack, ro3)[0]).toMatch(
      /^rules\[0\]\.intervention: RO3 is not an intervention of this region/,
    )
  })
})
