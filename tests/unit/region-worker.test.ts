import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { parseCaseListParams } from '../../src/domain/case-list'
import { interventionName, t, useCopyOverrides } from '../../src/domain/copy'
import { newDraft, step } from '../../src/domain/dialogue'
import { buildDigest } from '../../src/domain/digest'
import { buildMonitoring, parseMonitoringQuery } from '../../src/domain/monitoring'
import { buildMonitoringExport } from '../../src/domain/monitoring-render'
import { buildRegion, loadRegion, regionOf, youthCrisisPhoneOf } from '../../src/domain/region'
import { DEFAULT_RULES } from '../../src/domain/rules'
import { DEFAULT_SCRIPT } from '../../src/domain/script'
import { DEFAULT_STALLED_RULES } from '../../src/domain/stalled'
import ijssellandRules from '../../templates/regions/ijsselland/routing-rules.json'
import { caseSummary } from '../fixtures/case-summary'

/**
 * Issue 16 §1–2: the Worker resolves its region pack from `REGION` in one place (`regionOf`), and every part
 * that depends on the region (intake, dialogue, copy, digest, monitoring, filters) follows what it returns.
 */

const NOW = new Date('2026-12-04T10:00:00Z')

afterEach(() => {
  // Back to the shared copy for the other tests of this file.
  regionOf({ REGION: 'drenthe' })
})

describe('the REGION setting', () => {
  it('defaults to Drenthe and accepts every pack in the repository', () => {
    expect(loadConfig({}).REGION).toBe('drenthe')
    expect(loadConfig({ REGION: 'ijsselland' }).REGION).toBe('ijsselland')
  })

  it('refuses an unknown region at start-up with the known ones, never a silent fallback', () => {
    expect(() => loadConfig({ REGION: 'atlantis' })).toThrow(
      'Invalid configuration: REGION: unknown region "atlantis" (known: drenthe, ijsselland)',
    )
    expect(() => regionOf({ REGION: 'atlantis' })).toThrow('Unknown region "atlantis"')
  })

  it('resolves Drenthe to exactly the shared script, rules and stalled rules', () => {
    const region = regionOf({})
    expect(region.pack.id).toBe('drenthe')
    expect(region.script).toBe(DEFAULT_SCRIPT)
    expect(region.rules).toEqual(DEFAULT_RULES)
    expect(region.stalled).toEqual(DEFAULT_STALLED_RULES)
    expect(regionOf({ REGION: 'drenthe' })).toBe(region)
  })

  it('resolves a pack once per process (the same object every time)', () => {
    expect(regionOf({ REGION: 'ijsselland' })).toBe(loadRegion('ijsselland'))
    expect(regionOf({ REGION: 'ijsselland' })).toBe(regionOf({ REGION: 'ijsselland' }))
  })
})

describe('copy overrides of the pack in force', () => {
  it("shows IJsselland's names once its region is resolved, and the shared ones again for Drenthe", () => {
    regionOf({ REGION: 'ijsselland' })
    expect(t('nl', 'app.name')).toBe('RET-intake IJsselland')
    expect(interventionName('nl', 'EXPERTTAFEL')).toBe('Expertconsultatie (EXPERTTAFEL)')
    expect(interventionName('en', 'EXPERTTAFEL')).toBe('Expert consultation (EXPERTTAFEL)')
    regionOf({ REGION: 'drenthe' })
    expect(interventionName('nl', 'EXPERTTAFEL')).toBe('Experttafel (EXPERTTAFEL)')
    expect(t('nl', 'app.name')).not.toContain('IJsselland')
  })

  it("takes the interventions' names from the pack itself; a copy override still wins", () => {
    const ij = loadRegion('ijsselland')
    const pack = structuredClone(ij.pack)
    pack.interventions[0] = { ...pack.interventions[0]!, nl: 'Consult', en: 'Consultation' }
    pack.copy = { nl: {}, en: {} }
    const built = buildRegion(pack, ijssellandRules)
    expect(built.ok).toBe(true)
    if (!built.ok) return
    expect(built.value.copy.nl['enum.intervention.EXPERTTAFEL']).toBe('Consult')
    expect(built.value.copy.en['enum.intervention.EXPERTTAFEL']).toBe('Consultation')
    expect(ij.copy.nl['enum.intervention.EXPERTTAFEL']).toBe('Expertconsultatie')
  })

  it('falls back to the shared copy for a key the pack does not override', () => {
    useCopyOverrides({ nl: { 'app.name': 'X' }, en: {} })
    expect(t('nl', 'app.name')).toBe('X')
    expect(t('en', 'app.name')).not.toBe('X')
  })
})

describe('the youth crisis number', () => {
  it('takes the deployment setting over the pack, the pack over none', () => {
    const pack = { ...loadRegion('ijsselland').pack, youthCrisisPhone: '038-1234567' }
    expect(youthCrisisPhoneOf('0592-123456', pack)).toBe('0592-123456')
    expect(youthCrisisPhoneOf('', pack)).toBe('038-1234567')
    expect(youthCrisisPhoneOf('', loadRegion('drenthe').pack)).toBe('')
    // Drenthe's pack has none: the setting behaves exactly as before.
    expect(loadConfig({}).YOUTH_CRISIS_PHONE).toBe('')
    expect(loadConfig({ YOUTH_CRISIS_PHONE: '0592-123456' }).YOUTH_CRISIS_PHONE).toBe('0592-123456')
  })
})

describe("the dialogue on a pack's script", () => {
  const ijsselland = loadRegion('ijsselland')
  const answerChild = (municipality: string) => {
    let state = newDraft('d-1', 'nl', NOW, ijsselland.script)
    state = { ...state, stepId: 'child', flow: 'regular' }
    return step(
      state,
      {
        type: 'answer',
        stepId: 'child',
        values: { 'child.pseudonym': 'J.', 'child.birthYear': '2012', 'child.municipality': municipality },
      },
      ijsselland.script,
      NOW,
      ijsselland.rules,
    )
  }

  it("offers the pack's municipalities and accepts Zwolle", () => {
    const field = ijsselland.script.steps
      .flatMap((s) => s.fields)
      .find((f) => f.path === 'child.municipality')
    expect(field?.options).toEqual(ijsselland.pack.municipalities)
    expect(ijsselland.script.municipalities).toEqual(ijsselland.pack.municipalities)
    expect(answerChild('Zwolle').errors).toEqual([])
  })

  it('refuses a Drenthe municipality with a message that says it lies outside the region', () => {
    const errors = answerChild('Assen').errors
    expect(errors.map((e) => e.field)).toEqual(['child.municipality'])
    expect(errors[0]?.nl).toContain('Assen hoort niet bij deze regio')
    expect(errors[0]?.en).toContain('Assen is not part of this region')
  })

  it('refuses anything else as an ordinary wrong choice', () => {
    expect(answerChild('Atlantis').errors[0]?.nl).toContain('kies een van de mogelijkheden')
  })
})

describe('digest, monitoring and filters on the pack', () => {
  const ijsselland = loadRegion('ijsselland')
  const cases = [
    caseSummary({
      reference: 'RET-2026-0001',
      status: 'submitted',
      statusSince: '2026-11-02T09:00:00Z',
      intervention: 'EXPERTTAFEL',
      municipality: 'Zwolle' as never,
    }),
  ]

  it("counts the digest by the pack's intervention and municipalities only", () => {
    const digest = buildDigest(cases, NOW, {
      rules: ijsselland.stalled,
      interventions: ijsselland.interventions,
      municipalities: ijsselland.municipalities,
    })
    expect(Object.keys(digest.counts.byIntervention)).toEqual(['EXPERTTAFEL'])
    expect(Object.keys(digest.counts.byMunicipality)).toEqual(ijsselland.pack.municipalities)
    expect(digest.counts.byMunicipality['Zwolle' as never]).toBe(1)
    expect(Object.keys(digest.leadTimes)).toEqual(['EXPERTTAFEL'])
  })

  it("breaks monitoring down by the pack's lists and takes its filters", () => {
    const query = parseMonitoringQuery(
      { from: '2026-10-01', to: '2026-12-04', municipality: 'Zwolle', intervention: 'EXPERTTAFEL' },
      ijsselland,
    )
    expect(query.ok).toBe(true)
    if (!query.ok) return
    const model = buildMonitoring(cases as never, query.value, NOW, ijsselland.stalled, ijsselland)
    expect(model.submitted).toBe(1)
    expect(Object.keys(model.leadTimes.byIntervention)).toEqual(['EXPERTTAFEL'])
    expect(buildMonitoringExport(model).some((r) => r.group === 'Assen')).toBe(false)
    expect(buildMonitoringExport(model).some((r) => r.group === 'Zwolle')).toBe(true)
    // Drenthe's filters are not IJsselland's.
    expect(
      parseMonitoringQuery({ from: '2026-10-01', to: '2026-12-04', municipality: 'Assen' }, ijsselland).ok,
    ).toBe(false)
    expect(
      parseMonitoringQuery({ from: '2026-10-01', to: '2026-12-04', intervention: 'RST' }, ijsselland).ok,
    ).toBe(false)
  })

  it("keeps only the pack's values in the case list filters", () => {
    expect(
      parseCaseListParams({ municipality: 'Zwolle', intervention: 'EXPERTTAFEL' }, ijsselland),
    ).toMatchObject({
      municipality: 'Zwolle',
      intervention: 'EXPERTTAFEL',
    })
    const drenthe = parseCaseListParams({ municipality: 'Assen', intervention: 'RST' }, ijsselland)
    expect(drenthe.municipality).toBeUndefined()
    expect(drenthe.intervention).toBeUndefined()
    // Without a region: Drenthe's lists, as before.
    expect(parseCaseListParams({ municipality: 'Assen' }).municipality).toBe('Assen')
  })
})
