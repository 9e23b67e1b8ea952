import type { DialogueEvent, DraftPhase, DraftState, StepResult } from '../domain/dialogue-types'

/**
 * Conditions `applyIf` checks inside the draft's single writer, in the same call as the event: a surface
 * that would otherwise load the draft first (to refuse a step without a draft, or a button of an older
 * card) needs one round trip instead of two, and nothing can change between the check and the event.
 */
export interface ApplyGuard {
  /** Only when there is a draft (in any phase); without one nothing is started. */
  existing?: true
  /** Only while the draft is in one of these phases. */
  phases?: readonly DraftPhase[]
  /** Only at this version (the version a card or page was rendered from). */
  version?: number
}

/** What `applyIf` answers: the event's result and the draft before it, or the draft as it is (refused). */
export type GuardedStepResult =
  | { applied: true; result: StepResult; before: Pick<DraftState, 'phase' | 'stepId' | 'lang'> | null }
  | { applied: false; state: DraftState | null }

/** Whether a draft passes a guard (the same rule for every DraftStore). */
export function passesGuard(state: DraftState | null, guard: ApplyGuard): boolean {
  if (guard.existing && state === null) return false
  if (guard.phases && (state === null || !guard.phases.includes(state.phase))) return false
  if (guard.version !== undefined && state?.version !== guard.version) return false
  return true
}

/**
 * The drafts of intake conversations, one per conversation key `{surface}:{tenant}:{user}`.
 * The implementation is the single writer of a draft (a Durable Object in production): events for one
 * key are applied one at a time, so double clicks and retried deliveries cannot fork a draft.
 * Services use this port, never the Durable Object directly.
 */
export interface DraftStore {
  /** The current draft, or null when there is none (never started, cancelled or reset). */
  load(key: string): Promise<DraftState | null>
  /**
   * Applies one dialogue event at `nowIso` and persists the result. Without a draft (or after a
   * submitted one) a `start` event begins a new draft; other events on a missing draft start one first.
   * A cancelled draft is erased.
   */
  apply(key: string, event: DialogueEvent, nowIso: string): Promise<StepResult>
  /** `apply`, only when the draft passes `guard` (checked by the single writer); otherwise nothing changes. */
  applyIf(key: string, event: DialogueEvent, nowIso: string, guard: ApplyGuard): Promise<GuardedStepResult>
  /** Erases the draft of a key. */
  reset(key: string): Promise<void>
}

/** The conversation key of an identity (same shape as the lifecycle's actor key). */
export function draftKey(identity: { surface: string; tenant: string; userId: string }): string {
  return `${identity.surface}:${identity.tenant}:${identity.userId}`
}
