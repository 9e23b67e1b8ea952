import { z } from 'zod'
import { t } from '../domain/copy'
import { type ViewOptions, view } from '../domain/dialogue'
import type { DialogueEvent, DraftState, FieldError, ScreenView, StepResult } from '../domain/dialogue-types'
import { regionOf } from '../domain/region'
import type { Actor } from '../domain/types'
import { logger } from '../logger'
import { REFERENCE_PATTERN } from '../ports/case-store'
import type { ApplyGuard, DraftStore } from '../ports/draft-store'
import { ConsentRequiredError, runSubmitIntake } from './cases'
import type { Deps } from './deps'

/** One turn of the intake conversation, for any surface (web, Teams, Slack). */
export interface DialogueTurnInput {
  /** Conversation key `{surface}:{tenant}:{user}` (see `draftKey`). */
  key: string
  actor: Actor
  event: DialogueEvent
  requestId?: string
  /**
   * Apply only when the draft passes this guard, checked by the draft's single writer in the same call
   * (no `load` before it). A refused turn changes nothing and answers the draft as it is (`refused`).
   */
  guard?: ApplyGuard
}

/** What a surface renders after a turn. `state`/`view` are null when the draft is gone (cancelled). */
export interface DialogueTurn {
  view: ScreenView | null
  state: DraftState | null
  /** The case reference when this turn (or an earlier one) submitted the draft. */
  reference: string | null
  /** Set when the turn's guard refused the event: nothing changed; `state`/`view` are the draft as it is. */
  refused?: true
  /** With a guard: the draft's phase, step and language before the event (null: there was none). */
  before?: Pick<DraftState, 'phase' | 'stepId' | 'lang'> | null
}

/** Alert the chairs at once about a spoedmelding (G1, urgency `acuut`): reference only, no personal data. */
export const CaseAcuteJobSchema = z.strictObject({
  type: z.literal('case.acute'),
  id: z.string().min(1).max(300),
  reference: z.string().regex(REFERENCE_PATTERN),
})
export type CaseAcuteJob = z.output<typeof CaseAcuteJobSchema>

declare module '../jobs/messages' {
  interface JobTypes {
    'case.acute': CaseAcuteJob
  }
}

/** The `case.acute` job of a case (one per case: the id is the idempotency key). */
export const caseAcuteJob = (reference: string): CaseAcuteJob => ({
  type: 'case.acute',
  id: `case.acute:${reference}`,
  reference,
})

/** What a screen shows from configuration: the regional youth crisis number. */
function viewOptions(deps: { config?: Pick<Deps['config'], 'YOUTH_CRISIS_PHONE'> | undefined }): ViewOptions {
  const phone = deps.config?.YOUTH_CRISIS_PHONE
  return phone ? { youthCrisisPhone: phone } : {}
}

function problem(key: string): FieldError {
  return { field: '', nl: t('nl', key), en: t('en', key) }
}

function withProblem(screen: ScreenView, error: FieldError): ScreenView {
  return { ...screen, errors: [...screen.errors, error] }
}

/** The current screen of a conversation without changing it (null when there is no draft). */
export async function runLoadDialogue(
  deps: Pick<Deps, 'clock'> & { config?: Pick<Deps['config'], 'YOUTH_CRISIS_PHONE' | 'REGION'> },
  drafts: DraftStore,
  key: string,
): Promise<DialogueTurn> {
  const state = await drafts.load(key)
  if (!state) return { view: null, state: null, reference: null }
  const region = regionOf(deps.config ?? {})
  return {
    view: view(state, region.script, deps.clock(), region.rules, undefined, viewOptions(deps)),
    state,
    reference: state.reference,
  }
}

/**
 * Applies one event through the draft's single writer, then carries out its effects:
 * `createCase` files the case (idempotency key = draft id, so a repeated submit never makes a second
 * case) and reports `submitted` back to the draft; `alertAcute` enqueues `case.acute` for the chairs.
 * A refused answer comes back with the input as typed and each field's error, so nothing is lost.
 * When filing fails the draft stays in `submitting` and the view says so; submitting again retries.
 */
export async function runDialogueEvent(
  deps: Deps,
  drafts: DraftStore,
  input: DialogueTurnInput,
): Promise<DialogueTurn> {
  const { key, actor, event } = input
  const now = deps.clock()
  let result: StepResult
  let before: DialogueTurn['before']
  if (input.guard) {
    const guarded = await drafts.applyIf(key, event, now.toISOString(), input.guard)
    if (!guarded.applied) {
      const current = guarded.state
      const region = regionOf(deps.config)
      return {
        view: current && view(current, region.script, now, region.rules, undefined, viewOptions(deps)),
        state: current,
        reference: current?.reference ?? null,
        refused: true,
      }
    }
    result = guarded.result
    before = guarded.before
  } else {
    result = await drafts.apply(key, event, now.toISOString())
  }
  let state = result.state
  let failure: FieldError | null = null

  const create = result.effects.find((e) => e.type === 'createCase')
  if (create) {
    try {
      const filed = await runSubmitIntake(deps, {
        intake: create.intake,
        decision: create.decision,
        actor,
        idempotencyKey: create.idempotencyKey,
        ...(input.requestId ? { requestId: input.requestId } : {}),
      })
      if (result.effects.some((e) => e.type === 'alertAcute')) {
        await deps.queue.send(caseAcuteJob(filed.reference))
      }
      state = (await drafts.apply(key, { type: 'submitted', reference: filed.reference }, now.toISOString()))
        .state
    } catch (error) {
      const name = error instanceof Error ? error.name : 'unknown'
      logger.error('dialogue_submit_failed', {
        requestId: input.requestId,
        surface: actor.surface,
        error: name,
      })
      failure = problem(error instanceof ConsentRequiredError ? 'web.errors.consent' : 'web.errors.server')
    }
  }

  const withBefore = before === undefined ? {} : { before }
  if (state.phase === 'cancelled') return { view: null, state: null, reference: null, ...withBefore }
  const refused =
    result.errors.length > 0 && (event.type === 'answer' || event.type === 'save')
      ? { values: event.values, errors: result.errors }
      : undefined
  const region = regionOf(deps.config)
  let screen = view(state, region.script, now, region.rules, refused, viewOptions(deps))
  if (!refused && result.errors.length > 0)
    screen = { ...screen, errors: [...screen.errors, ...result.errors] }
  if (failure) screen = withProblem(screen, failure)
  return { view: screen, state, reference: state.reference, ...withBefore }
}
