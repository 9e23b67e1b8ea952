import { newDraft, step } from '../../src/domain/dialogue'
import type { DialogueEvent, DraftState, StepResult } from '../../src/domain/dialogue-types'
import type { Lang } from '../../src/domain/enums'
import { DEFAULT_RULES, type RuleSet } from '../../src/domain/rules'
import { DEFAULT_SCRIPT, type IntakeScript } from '../../src/domain/script'
import { type DraftStore, passesGuard } from '../../src/ports/draft-store'

/** What a draft transition asks the store to do with the stored draft. */
export type DraftWrite = 'put' | 'delete' | 'none'

const ENDED = new Set(['submitted', 'cancelled'])

/**
 * The pure part of the single writer: the next draft for one event, and what to store.
 * - No draft yet, or `start` after a submitted/cancelled one: a new draft (new id) is begun first.
 * - A cancelled draft is erased (no personal data kept for a referral nobody sends).
 * - A submitted draft keeps only its reference (and whether it was urgent): the case holds the answers from then on.
 * `region`: the script and routing rules of the deployment's region pack (default: Drenthe's, the shared ones).
 */
export function buildDraftTransition(
  current: DraftState | null,
  event: DialogueEvent,
  now: Date,
  newDraftId: () => string,
  region: { script: IntakeScript; rules: RuleSet } = { script: DEFAULT_SCRIPT, rules: DEFAULT_RULES },
): { result: StepResult; write: DraftWrite } {
  const fresh = current === null || (event.type === 'start' && ENDED.has(current.phase))
  if (fresh) {
    const lang: Lang =
      (event.type === 'start' || event.type === 'setLang' ? event.lang : undefined) ?? current?.lang ?? 'nl'
    const begun = newDraft(newDraftId(), lang, now, region.script)
    if (event.type === 'start') return { result: { state: begun, effects: [], errors: [] }, write: 'put' }
    const result = step(begun, event, region.script, now, region.rules)
    return { result, write: result.state.phase === 'cancelled' ? 'delete' : 'put' }
  }
  const result = step(current, event, region.script, now, region.rules)
  if (result.state === current) return { result, write: 'none' }
  if (result.state.phase === 'cancelled') return { result, write: 'delete' }
  if (result.state.phase === 'submitted') {
    // Kept: whether it was a spoedmelding and its urgency (not personal), so the receipt on a reload still says
    // what happens next (a call back now; issue 13 §2).
    const kept = Object.fromEntries(
      ['acuteDanger', 'urgency']
        .filter((k) => result.state.answers[k] !== undefined)
        .map((k) => [k, result.state.answers[k]]),
    )
    const minimal: DraftState = { ...result.state, answers: kept, pending: null }
    return { result: { ...result, state: minimal }, write: 'put' }
  }
  return { result, write: 'put' }
}

/**
 * An in-memory DraftStore with the Durable Object's semantics (one event at a time per key, the same
 * transitions), for tests of surfaces in plain Node. States are copied in and out like RPC would.
 */
export function buildMemoryDraftStore(newDraftId: () => string = () => crypto.randomUUID()): DraftStore {
  const drafts = new Map<string, DraftState>()
  const queues = new Map<string, Promise<unknown>>()
  const serial = <T>(key: string, work: () => T): Promise<T> => {
    const run = (queues.get(key) ?? Promise.resolve()).then(work, work)
    queues.set(key, run)
    return run
  }
  const transition = (key: string, event: DialogueEvent, nowIso: string): StepResult => {
    const { result, write } = buildDraftTransition(
      drafts.get(key) ?? null,
      event,
      new Date(nowIso),
      newDraftId,
    )
    if (write === 'delete') drafts.delete(key)
    else if (write === 'put') drafts.set(key, structuredClone(result.state))
    return structuredClone(result)
  }
  return {
    load: (key) => serial(key, () => structuredClone(drafts.get(key) ?? null)),
    apply: (key, event, nowIso) => serial(key, () => transition(key, event, nowIso)),
    applyIf: (key, event, nowIso, guard) =>
      serial(key, () => {
        const current = drafts.get(key) ?? null
        if (!passesGuard(current, guard)) return { applied: false, state: structuredClone(current) }
        const before = current && { phase: current.phase, stepId: current.stepId, lang: current.lang }
        return { applied: true, result: transition(key, event, nowIso), before }
      }),
    reset: (key) =>
      serial(key, () => {
        drafts.delete(key)
      }),
  }
}
