import { describe, expect, it } from 'vitest'
import {
  buildCaseCard,
  buildCaseSummary,
  buildConflictMessage,
  buildThreadText,
  buildTriageModal,
} from '../../adapters/slack/cards'
import { MODAL_ACTIONS } from '../../adapters/slack/types'
import { ageOf, type Intake, parseIntake } from '../../src/domain/intake'
import { ageBandOf, type CaseEvent, type CaseState } from '../../src/domain/lifecycle'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import { loadSamples } from '../fixtures/samples'

const now = new Date('2026-11-23T10:00:00Z')

/** Distinctive personal values planted in every field a person types. */
const CANARY = {
  pseudonym: 'ĲQŦ.',
  referrerName: 'Łukasz Canary-Őrs',
  organisation: 'Canary Jeugdzorg BV',
  email: 'canary.referrer@example.nl',
  phone: '0612345678',
  question: 'CANARY-VRAAG over Ĳsbrand en zijn moeder',
  perspective: 'CANARY-PERSPECTIEF: moeder wil rust',
  historyWhat: 'CANARY-HULP gezinsbehandeling',
  provider: 'CANARY-AANBIEDER',
  why: 'CANARY-WAAROM gestopt',
  party: 'CANARY-PARTIJ school',
  partyRole: 'CANARY-ROL mentor',
  consentScope: 'CANARY-SCOPE',
}

function plant(raw: Record<string, unknown>): Intake {
  // The samples are valid intakes; the planted values keep them valid (checked by parseIntake below).
  const intake = structuredClone(raw) as unknown as Intake
  intake.referrer = {
    ...intake.referrer,
    name: CANARY.referrerName,
    organisation: CANARY.organisation,
    email: CANARY.email,
    phone: CANARY.phone,
  }
  if (intake.child.pseudonym !== null) intake.child.pseudonym = CANARY.pseudonym
  intake.question = CANARY.question
  intake.perspective = CANARY.perspective
  intake.help.history = [
    {
      what: CANARY.historyWhat,
      provider: CANARY.provider,
      from: '2025-01',
      to: '2025-09',
      result: 'gestopt',
      why: CANARY.why,
    },
  ]
  intake.help.parties = [{ organisation: CANARY.party, role: CANARY.partyRole }]
  if (intake.legal.consent.scope) intake.legal.consent.scope = CANARY.consentScope
  const parsed = parseIntake(intake)
  if (!parsed.ok) throw new Error(`sample does not parse: ${JSON.stringify(parsed.errors)}`)
  return parsed.value
}

/** The non-personal case state the case service derives from an intake (lifecycle.ts CaseState). */
function stateOf(intake: Intake, reference: string): { state: CaseState; routing: ReturnType<typeof route> } {
  const decision = route(intake, DEFAULT_RULES, now)
  const flags: string[] = decision.gates.map((g) => g.gate)
  if (decision.missing.includes('analysis')) flags.push('analysis_missing')
  const birthYear = intake.child.birthYear
  const state: CaseState = {
    reference,
    status: 'in_triage',
    referrerKey: 'slack:T0RETDRNT:U0REFERR01',
    suggestedIntervention: decision.primary,
    chosenIntervention: null,
    leadKey: 'slack:T0RETDRNT:U0CHAIR002',
    municipality: intake.child.municipality,
    ageBand: ageBandOf(typeof birthYear === 'number' ? ageOf(birthYear, now) : 30),
    urgency: intake.urgency,
    flags,
    consultation: intake.consultationOnly,
    createdAt: now.toISOString(),
    statusSince: now.toISOString(),
    submittedAt: now.toISOString(),
    triagedAt: now.toISOString(),
    scheduledFor: '2026-12-01T13:30:00.000Z',
    advisedAt: null,
    followUpDoneAt: null,
    closedAt: null,
    version: 4,
  }
  return { state, routing: decision }
}

function personalValues(intake: Intake): string[] {
  const values = [...Object.values(CANARY), intake.referrer.name, intake.referrer.email]
  if (intake.child.pseudonym) values.push(intake.child.pseudonym)
  if (intake.legal.consent.date) values.push(intake.legal.consent.date)
  if (typeof intake.child.birthYear === 'number') values.push(String(intake.child.birthYear))
  return values
}

describe('no personal data in any channel post or card', () => {
  const samples = loadSamples()

  it('covers every shared sample', () => {
    expect(samples.length).toBeGreaterThanOrEqual(6)
  })

  for (const sample of samples) {
    it(`renders ${sample.name} without pseudonym, names, birth year or free text`, () => {
      const intake = plant(sample.intake)
      const { state, routing } = stateOf(intake, 'RET-2026-0042')
      const summary = buildCaseSummary(state, routing)
      const rendered: unknown[] = []
      for (const lang of ['nl', 'en'] as const) {
        rendered.push(buildCaseCard(summary, lang), buildConflictMessage(summary, lang))
        for (const status of [
          'submitted',
          'accepted',
          'scheduled',
          'advised',
          'closed',
          'declined',
        ] as const) {
          rendered.push(buildCaseCard({ ...summary, status }, lang))
        }
        for (const action of MODAL_ACTIONS) rendered.push(buildTriageModal(action, summary, lang))
        // Timeline events carry free text in `data`: the thread line must not.
        const events: CaseEvent[] = [
          { type: 'accept', data: { intervention: 'ROP', rerouted: true, reason: CANARY.question } },
          {
            type: 'requestInfo',
            data: { items: ['analysis', CANARY.pseudonym], question: CANARY.perspective },
          },
          { type: 'recordOutcome', data: { advice: CANARY.why } },
          { type: 'decline', data: { reason: CANARY.historyWhat, alternative: CANARY.provider } },
          { type: 'reopen', data: { reason: CANARY.party } },
          { type: 'schedule', data: { at: '2026-12-01T13:30:00.000Z', note: CANARY.partyRole } },
        ].map((e) => ({
          ...e,
          type: e.type as CaseEvent['type'],
          at: now.toISOString(),
          actorKey: 'slack:T0RETDRNT:U0CHAIR001',
          surface: 'slack',
          from: 'in_triage',
          to: 'accepted',
        }))
        for (const event of events) rendered.push(buildThreadText(event, lang))
      }
      const json = JSON.stringify(rendered)
      for (const value of personalValues(intake)) expect(json, value).not.toContain(value)
      expect(json).toContain('RET-2026-0042')
    })
  }
})
