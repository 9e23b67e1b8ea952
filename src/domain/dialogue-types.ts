import type { Bilingual } from './copy'
import type { ReceiptText } from './crisis'
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

/** 'regular' intake, or the short 'spoed' intake chosen on the G1 notice (acute danger). */
export type DraftFlow = 'regular' | 'spoed'

/**
 * Raw, not yet validated input of the current step, kept by 'save' (later) and by list row actions so
 * nothing typed is lost. Values exactly as the surface sent them (strings, string[] for checkboxes).
 */
export interface PendingInput {
  stepId: string
  values: Record<string, string | string[]>
  /** Rows shown per list field (e.g. 'help.history': 2). */
  rows: Record<string, number>
}

export interface DraftState {
  /** Incremented on every event that changes the state (never on no-ops, stale or invalid events). */
  version: number
  /** Unique per draft; becomes the idempotency key of the case it creates. */
  draftId: string
  lang: Lang
  phase: DraftPhase
  /** Current step id (phase 'step'), notice id (phase 'notice'), else the last step. */
  stepId: string
  /** Answers by intake field path, already validated and typed (e.g. 'child.birthYear': 2011). */
  answers: Record<string, unknown>
  /** Step ids answered at least once, in the order first answered. */
  trail: string[]
  /** Notices acknowledged with 'continue' (so they are not shown twice). */
  acknowledged: string[]
  flow: DraftFlow
  /** Phase 'notice': the step whose answer raised the notice (where `back` returns to). */
  from: string | null
  /** Set by `edit` from the review: after the edited step, go straight back to the review. */
  returnToReview: boolean
  /** Typed but not yet accepted input of the current step (see PendingInput). */
  pending: PendingInput | null
  startedAt: string
  updatedAt: string
  /** Set once submitted. */
  reference: string | null
}

export type DialogueEvent =
  | { type: 'start'; lang?: Lang }
  /**
   * Raw values from a form/card, by field name (= intake path); strings as typed, arrays for
   * multi-selects. List rows as 'help.history[0].what' (or 'help.history': [{ what: … }]); a row with
   * every field empty is ignored, so a surface may always show one empty row. Keys that are not fields
   * of the step are ignored.
   */
  | { type: 'answer'; stepId: string; values: Record<string, unknown> }
  /** "Save and continue later": keep the typed input of the current step without validating it. */
  | { type: 'save'; stepId: string; values: Record<string, unknown> }
  /** Add an empty row to a list field (action 'add:<path>'); `values` = the form as typed so far. */
  | { type: 'addRow'; stepId: string; path: string; values?: Record<string, unknown> }
  /** Remove row `index` of a list field (action 'remove:<path>:<index>'). */
  | { type: 'removeRow'; stepId: string; path: string; index: number; values?: Record<string, unknown> }
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
  | { type: 'alertAcute'; idempotencyKey: string }
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
  /**
   * Required once a condition on another answer of this same screen holds (consent date and scope after
   * "ja", weeks absent for a thuiszitter): a surface shows it as required-when-it-applies, never as optional.
   */
  requiredWhenApplies?: boolean
  options?: OptionView[]
  /** Current value as the form should show it (strings; string[] for checkboxes; rows for lists). */
  value: string | string[] | Record<string, string>[] | null
  /** For kind 'list': the fields of one row. */
  itemFields?: FieldView[]
  maxItems?: number
  /** For kind 'list': 'add:<path>' and one 'remove:<path>:<index>' per row. */
  actions?: ActionView[]
  error?: string
}

export interface NoticeView {
  id: string
  tone: 'danger' | 'warning' | 'info'
  title: string
  body: string[]
}

export interface ActionView {
  /**
   * 'next' | 'back' | 'later' | 'cancel' | 'submit' | 'edit:<stepId>' | 'choose:<noticeId>:<choice>'
   * | 'add:<listPath>' | 'remove:<listPath>:<index>'. `eventFromAction` in dialogue.ts turns one into an event.
   */
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
  /** On the review: the answers per step, the routing suggestion and its summary lines. */
  review?: { sections: ReviewSection[]; decision: RoutingDecision | null; summary: string[] }
  reference?: string
  /** Once submitted: what happens next and, for an urgent report, where to call (src/domain/crisis.ts). */
  receipt?: ReceiptText
}

/**
 * What the user just sent when an `answer` was refused: pass it to `view` so the screen shows the input
 * as typed (nothing is lost) with each field's error next to it.
 */
export interface ViewInput {
  values: Record<string, unknown>
  errors: FieldError[]
}
