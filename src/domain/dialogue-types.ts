import type { Bilingual } from './copy'
import type { Lang } from './enums'
import type { Intake } from './intake'
import type { RoutingDecision } from './types'

/**
 * The contract between the pure intake dialogue (src/domain/dialogue.ts) and every surface
 * (web pages, Teams Adaptive Cards, Slack modals). A surface turns user input into a DialogueEvent,
 * the draft's single writer applies `step`, and the surface renders the neutral ScreenView that
 * `view` returns. The same event sequence gives the same intake on every surface.
 */

/** Where the conversation is. Step ids come from templates/intake-script.json. */
export type DraftPhase =
  | 'step' // answering a step of the script
  | 'notice' // a gate notice that needs a choice (crisis numbers, GP rule, consent)
  | 'review' // all steps done: answers, routing suggestion, gates, missing items
  | 'submitting' // submit accepted, the case is being created (idempotent on retry)
  | 'submitted' // case created: `reference` is set
  | 'cancelled'

export interface DraftState {
  /** Incremented on every accepted event: optimistic concurrency and idempotency key material. */
  version: number
  /** Unique per draft; becomes the idempotency key of the case it creates. */
  draftId: string
  lang: Lang
  phase: DraftPhase
  /** Current step id (phase 'step'), notice id (phase 'notice'), else the last step. */
  stepId: string
  /** Answers by intake field path, already validated and typed (e.g. 'child.birthYear': 2011). */
  answers: Record<string, unknown>
  /** Step ids visited, for `back`. */
  trail: string[]
  /** Notices already acknowledged (so they are not shown twice). */
  acknowledged: string[]
  startedAt: string
  updatedAt: string
  /** Set once submitted. */
  reference: string | null
}

export type DialogueEvent =
  | { type: 'start'; lang?: Lang }
  /** Raw values from a form/card, by field name; strings as typed, arrays for multi-selects. */
  | { type: 'answer'; stepId: string; values: Record<string, unknown> }
  | { type: 'back' }
  /** From the review page: go and change one step. */
  | { type: 'edit'; stepId: string }
  /** A choice on a notice screen, e.g. 'continue' | 'spoedmelding' | 'consultation' | 'stop'. */
  | { type: 'choose'; noticeId: string; choice: string }
  | { type: 'setLang'; lang: Lang }
  | { type: 'cancel' }
  | { type: 'submit' }
  /** The service reports that the case was created (moves 'submitting' → 'submitted'). */
  | { type: 'submitted'; reference: string }

export type DialogueEffect =
  /** Create the case (idempotency key = draftId). */
  | { type: 'createCase'; intake: Intake; decision: RoutingDecision; idempotencyKey: string }
  /** G1 spoedmelding: alert the chairs' channel now, urgency `acuut`. */
  | { type: 'alertAcute' }
  | { type: 'cancelled' }

export interface FieldError extends Bilingual {
  field: string
}

export interface StepResult {
  state: DraftState
  effects: DialogueEffect[]
  /** Validation problems of an `answer` event; the state is unchanged when there are any. */
  errors: FieldError[]
}

export type FieldKind =
  | 'text'
  | 'textarea'
  | 'email'
  | 'tel'
  | 'year'
  | 'integer'
  | 'date'
  | 'month'
  | 'select'
  | 'radio'
  | 'checkboxes'
  | 'boolean'
  | 'list'

export interface OptionView {
  value: string
  label: string
}

export interface FieldView {
  /** Form field name = intake path (e.g. 'child.birthYear'); list items use 'help.history[0].what'. */
  name: string
  kind: FieldKind
  label: string
  hint?: string
  required: boolean
  options?: OptionView[]
  /** Current value as the form should show it (strings; string[] for checkboxes; rows for lists). */
  value: string | string[] | Record<string, string>[] | null
  /** For kind 'list': the fields of one row. */
  itemFields?: FieldView[]
  maxItems?: number
  error?: string
}

export interface NoticeView {
  id: string
  tone: 'danger' | 'warning' | 'info'
  title: string
  body: string[]
}

export interface ActionView {
  /** 'next' | 'back' | 'later' | 'cancel' | 'submit' | 'edit:<stepId>' | 'choose:<noticeId>:<choice>' */
  id: string
  label: string
  primary?: boolean
}

export interface ReviewSection {
  stepId: string
  title: string
  rows: { label: string; value: string }[]
}

/** The neutral screen every surface renders. */
export interface ScreenView {
  phase: DraftPhase
  stepId: string
  lang: Lang
  title: string
  intro?: string
  /** "stap 3 van 9" — `current` and `total` count only the steps that apply to this intake. */
  progress: { current: number; total: number; label: string }
  fields: FieldView[]
  notices: NoticeView[]
  actions: ActionView[]
  errors: FieldError[]
  review?: { sections: ReviewSection[]; decision: RoutingDecision; summary: string[] }
  reference?: string
}
