import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { newDraft, step, view } from '../../src/domain/dialogue'
import type { DialogueEvent, DraftState } from '../../src/domain/dialogue-types'
import { parseIntake, parseIntakeJson } from '../../src/domain/intake'
import { DEFAULT_SCRIPT } from '../../src/domain/script'
import { loadSamples } from '../fixtures/samples'
import { answerFrom, NOW, script } from './dialogue-helpers'

/**
 * Hostile input against the intake schema and the pure dialogue: malformed, oversized, wrongly typed and
 * unicode-heavy values never throw, always come back as field-named messages in Dutch and English, and a
 * refused answer leaves the draft exactly as it was. `FUZZ_RUNS` raises the number of runs per property.
 */

const RUNS = Number(process.env.FUZZ_RUNS || 300)
const samples = loadSamples()

/** Values a hostile or broken client sends: wrong types, huge strings, control and astral characters. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e',
    'ĳ Ł ő 👩🏽‍⚕️',
    '<script>alert(1)</script>',
    '${{7*7}}',
    '__proto__',
    'constructor',
    'NaN',
    '-0',
    '1e309',
    '9'.repeat(400),
    'x'.repeat(20_000),
    '\uD800',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 5 }),
  fc.object({ maxDepth: 2, maxKeys: 4 }),
)

/** Every dotted path of an object (leaves and branches), to pick one to break. */
function pathsOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return []
  const out: string[] = []
  for (const [key, inner] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key
    out.push(path, ...pathsOf(inner, path))
  }
  return out
}

function setAt(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.')
  let node: Record<string, unknown> = target
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>
  const last = keys.at(-1) as string
  if (value === undefined) delete node[last]
  else node[last] = value
}

function expectBilingualErrors(errors: readonly { path: string; nl: string; en: string }[]) {
  expect(errors.length).toBeGreaterThan(0)
  for (const e of errors) {
    expect(typeof e.path).toBe('string')
    expect(e.nl.trim().length).toBeGreaterThan(0)
    expect(e.en.trim().length).toBeGreaterThan(0)
    // The message names a problem, it never echoes a 20,000-character value back.
    expect(e.nl.length).toBeLessThan(2000)
    expect(e.en.length).toBeLessThan(2000)
  }
}

describe('fuzz: the intake schema', () => {
  it('never throws on arbitrary JSON values, and refuses them with bilingual messages', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), hostileValue), (input) => {
        const result = parseIntake(input)
        if (!result.ok) expectBilingualErrors(result.errors)
      }),
      { numRuns: RUNS },
    )
  })

  it('never throws on arbitrary text as a JSON body', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.json()), (text) => {
        const result = parseIntakeJson(text)
        if (!result.ok) expectBilingualErrors(result.errors)
      }),
      { numRuns: RUNS },
    )
  })

  it('a valid sample with one field broken is refused by name, or still a valid intake', () => {
    const cases = samples.map((s) => ({ intake: s.intake, paths: pathsOf(s.intake) }))
    fc.assert(
      fc.property(
        fc
          .nat({ max: cases.length - 1 })
          .chain((i) => fc.tuple(fc.constant(i), fc.constantFrom(...cases[i]!.paths), hostileValue)),
        ([i, path, value]) => {
          const intake = structuredClone(cases[i]!.intake)
          setAt(intake, path, value)
          const result = parseIntake(intake)
          if (result.ok) {
            // Accepted means canonical: parsing the output again gives the same intake.
            expect(parseIntake(JSON.parse(JSON.stringify(result.value)))).toEqual(result)
          } else {
            // A broken field may also be refused through a rule across fields (e.g. consultationOnly).
            expectBilingualErrors(result.errors)
          }
        },
      ),
      { numRuns: RUNS },
    )
  })
})

/** Events a hostile surface could send, aimed at the draft's current step about half the time. */
function eventFor(state: DraftState): fc.Arbitrary<DialogueEvent> {
  const stepIds = fc.oneof(
    fc.constant(state.stepId),
    fc.constantFrom(...DEFAULT_SCRIPT.steps.map((s) => s.id)),
    fc.string(),
  )
  const fields = DEFAULT_SCRIPT.steps.flatMap((s) => s.fields.map((f) => f.path))
  const values = fc.dictionary(fc.oneof(fc.constantFrom(...fields), fc.string()), hostileValue, {
    maxKeys: 6,
  })
  return fc.oneof(
    fc.record({ type: fc.constant('answer' as const), stepId: stepIds, values }),
    fc.record({ type: fc.constant('save' as const), stepId: stepIds, values }),
    fc.record({
      type: fc.constant('addRow' as const),
      stepId: stepIds,
      path: fc.oneof(fc.constantFrom('help.history', 'help.parties'), fc.string()),
    }),
    fc.record({
      type: fc.constant('removeRow' as const),
      stepId: stepIds,
      path: fc.oneof(fc.constantFrom('help.history', 'help.parties'), fc.string()),
      index: fc.integer({ min: -3, max: 50 }),
    }),
    fc.constant({ type: 'back' as const }),
    fc.record({ type: fc.constant('edit' as const), stepId: stepIds }),
    fc.record({ type: fc.constant('choose' as const), noticeId: fc.string(), choice: fc.string() }),
    fc.record({ type: fc.constant('setLang' as const), lang: fc.constantFrom('nl', 'en', 'de') as never }),
    fc.record({ type: fc.constant('submitted' as const), reference: fc.string() }),
    fc.constant({ type: 'nonsense' } as unknown as DialogueEvent),
  ) as fc.Arbitrary<DialogueEvent>
}

describe('fuzz: the dialogue step', () => {
  const start = newDraft('draft-fuzz', 'nl', NOW)
  const midway = answerFrom(start, samples[0]!.intake, (s) => s.stepId === 'situation')

  it('never throws; refused input keeps only what was typed; the view always renders', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(start, midway).chain((s) => fc.tuple(fc.constant(s), eventFor(s))),
        ([state, event]) => {
          const before = JSON.stringify(state)
          const result = step(state, event, script, NOW)
          // The step is pure: the old state is never mutated.
          expect(JSON.stringify(state)).toBe(before)
          if (result.errors.length > 0) {
            // refused: only the typed input is kept (for a reload), nothing accepted
            expect(result.state.answers).toEqual(state.answers)
            expect(result.state.version).toBe(state.version)
            expect(result.state.phase).toBe(state.phase)
            expect(result.effects).toEqual([])
            for (const e of result.errors) {
              expect(e.nl.trim()).not.toBe('')
              expect(e.en.trim()).not.toBe('')
            }
          }
          if (result.state !== state && result.errors.length === 0)
            expect(result.state.version).toBe(state.version + 1)
          else expect(result.state.version).toBe(state.version)
          expect(['step', 'notice', 'review', 'submitting', 'submitted', 'cancelled']).toContain(
            result.state.phase,
          )
          const screen = view(result.state, script, NOW, undefined, {
            values: event.type === 'answer' ? event.values : {},
            errors: result.errors,
          })
          expect(screen.title.length).toBeGreaterThan(0)
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('a sequence of hostile events never throws and never reaches submit without a valid intake', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 12 }),
        (seeds) => {
          let state = start
          for (const seed of seeds) {
            const [event] = fc.sample(eventFor(state), { seed, numRuns: 1 })
            const result = step(state, event as DialogueEvent, script, NOW)
            for (const effect of result.effects) {
              if (effect.type === 'createCase') expect(parseIntake(effect.intake).ok).toBe(true)
            }
            state = result.state
          }
          expect(state.version).toBeLessThanOrEqual(seeds.length)
        },
      ),
      { numRuns: Math.max(20, Math.round(RUNS / 5)) },
    )
  })
})
