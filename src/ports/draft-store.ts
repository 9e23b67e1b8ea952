import type { DialogueEvent, DraftState, StepResult } from '../domain/dialogue-types'

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
  /** Erases the draft of a key. */
  reset(key: string): Promise<void>
}

/** The conversation key of an identity (same shape as the lifecycle's actor key). */
export function draftKey(identity: { surface: string; tenant: string; userId: string }): string {
  return `${identity.surface}:${identity.tenant}:${identity.userId}`
}
