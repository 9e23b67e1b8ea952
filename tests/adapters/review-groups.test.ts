import { describe, expect, it } from 'vitest'
import { buildIntakeModal } from '../../adapters/slack/intake-modal'
import { buildStepCard } from '../../adapters/teams/cards'
import { newDraft, view } from '../../src/domain/dialogue'
import type { ScreenView } from '../../src/domain/dialogue-types'
import type { Lang } from '../../src/domain/enums'
import { buildReviewSuggestion } from '../../src/domain/review-groups'
import { DEFAULT_SCRIPT } from '../../src/domain/script'
import { loadSample } from '../fixtures/samples'
import { answerFrom, NOW } from '../unit/dialogue-helpers'

/** The real review screen of a sample intake whose reasons score for more than one intervention. */
function reviewOf(name: string, lang: Lang): ScreenView {
  const base = structuredClone(loadSample(name).intake) as Record<string, Record<string, unknown>>
  // also scores for the Experttafel (no progress, protocols failing) and RST (ggz with lvb)
  const intake = {
    ...base,
    language: lang,
    help: { ...base.help, monthsWithoutProgress: 6, protocolsFailing: true },
    situation: { ...base.situation, problemDomains: ['ggz', 'lvb'] },
  }
  const state = answerFrom(newDraft('d-1', lang, NOW), intake)
  expect(state.phase).toBe('review')
  return view(state, DEFAULT_SCRIPT, NOW)
}

describe('the review groups reasons under the intervention they scored for (issue 13 §11)', () => {
  it('builds one group per scoring intervention, titled with its code and score', () => {
    const screen = reviewOf('rop', 'nl')
    const decision = screen.review!.decision!
    const suggestion = buildReviewSuggestion(screen.review!, 'nl')
    const scoring = Object.entries(decision.scores).filter(([, s]) => s > 0)
    expect(suggestion.groups.length).toBeGreaterThan(1)
    expect(suggestion.groups.length).toBe(scoring.length)
    const rop = suggestion.groups.find((g) => g.intervention === 'ROP')!
    expect(rop.title).toBe(`Voor Regie op plaatsing (ROP) (score ${decision.scores.ROP})`)
    // every reason sits under the intervention it scored for, with its weight
    for (const reason of decision.reasons) {
      const group = suggestion.groups.find((g) => g.intervention === reason.intervention)!
      expect(group.reasons).toContain(`+${reason.weight}: ${reason.nl}`)
    }
    // the summary lines that are reasons are not repeated below the groups
    for (const line of suggestion.others) expect(decision.reasons.map((r) => r.nl)).not.toContain(line)
  })

  it.each(['nl', 'en'] as const)(
    'Slack: a section per intervention, never one list under the primary (%s)',
    (lang) => {
      const screen = reviewOf('rop', lang)
      const decision = screen.review!.decision!
      const texts = buildIntakeModal(screen).blocks.map((b) => JSON.stringify(b))
      for (const reason of decision.reasons) {
        const holder = texts.find((t) => t.includes(JSON.stringify(reason[lang]).slice(1, -1)))
        expect(holder, reason[lang]).toBeDefined()
        expect(holder).toContain(`${reason.intervention})`)
      }
    },
  )

  it.each(['nl', 'en'] as const)('Teams: a container per intervention with its code (%s)', (lang) => {
    const screen = reviewOf('rop', lang)
    const decision = screen.review!.decision!
    const card = buildStepCard(screen, { draftVersion: 3 })
    const json = JSON.stringify(card)
    expect(json).toContain(lang === 'nl' ? 'Regie op plaatsing (ROP)' : '(Regie op plaatsing, ROP)')
    const containers = JSON.stringify(card.body)
    for (const reason of decision.reasons) {
      const id = `reasons-${reason.intervention.replace(/\W/g, '')}`
      const at = containers.indexOf(`"id":"${id}"`)
      expect(at, id).toBeGreaterThan(-1)
      const next = containers.indexOf('"id":"reasons-', at + 1)
      const slice = containers.slice(at, next === -1 ? undefined : next)
      expect(slice).toContain(JSON.stringify(reason[lang]).slice(1, -1))
    }
  })
})
