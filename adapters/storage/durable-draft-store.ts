import type { DialogueEvent, DraftState, StepResult } from '../../src/domain/dialogue-types'
import type { ApplyGuard, DraftStore, GuardedStepResult } from '../../src/ports/draft-store'
import type { DraftObject } from './draft-object'

/** The DraftStore port on the `DRAFTS` Durable Object namespace. */
export function buildDurableDraftStore(namespace: DurableObjectNamespace<DraftObject>): DraftStore {
  const stub = (key: string) => namespace.get(namespace.idFromName(key))
  return {
    load: async (key: string) => (await stub(key).load(key)) as DraftState | null,
    apply: async (key: string, event: DialogueEvent, nowIso: string) =>
      (await stub(key).apply(key, event, nowIso)) as StepResult,
    applyIf: async (key: string, event: DialogueEvent, nowIso: string, guard: ApplyGuard) =>
      (await stub(key).applyIf(key, event, nowIso, guard)) as GuardedStepResult,
    reset: async (key: string) => {
      await stub(key).reset(key)
    },
  }
}
