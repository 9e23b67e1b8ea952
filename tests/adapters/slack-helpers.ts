import { readFileSync } from 'node:fs'
import type { CaseState } from '../../src/domain/lifecycle'

/** Reads a Slack payload fixture from tests/fixtures/slack. */
export function slackFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/slack/${name}`, import.meta.url), 'utf8')) as T
}

/** An interaction body as Slack sends it: form-encoded `payload=<json>`. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
}

/** A case state in triage, as the case service stores it (non-personal). */
export function caseState(overrides: Partial<CaseState> = {}): CaseState {
  return {
    reference: 'RET-2026-0042',
    status: 'submitted',
    referrerKey: 'slack:T0RETDRNT:U0REFERR01',
    suggestedIntervention: 'EXPERTTAFEL',
    chosenIntervention: null,
    leadKey: null,
    municipality: 'Assen',
    ageBand: '12-15',
    urgency: 'regulier',
    flags: [],
    consultation: false,
    createdAt: '2026-11-23T09:00:00.000Z',
    statusSince: '2026-11-23T09:00:00.000Z',
    submittedAt: '2026-11-23T09:00:00.000Z',
    triagedAt: null,
    scheduledFor: null,
    advisedAt: null,
    followUpDoneAt: null,
    closedAt: null,
    version: 1,
    ...overrides,
  }
}
