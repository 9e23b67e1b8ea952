import type { PlainTextElement } from '@slack/types'
import type { Bilingual } from '../../src/domain/copy'
import type { Gate, Intervention, Municipality, Urgency } from '../../src/domain/enums'
import type { CaseStatus } from '../../src/domain/lifecycle'

export type { CaseStatus }

/** What a chair can do from the card. `details` is not a transition: it issues a personal link. */
export const TRIAGE_ACTIONS = [
  'accept',
  'reroute',
  'request_info',
  'assign_lead',
  'schedule',
  'record_outcome',
  'decline',
  'close',
  'reopen',
  'details',
] as const
export type TriageAction = (typeof TRIAGE_ACTIONS)[number]

/** Actions that need input first and therefore open a modal. */
export const MODAL_ACTIONS = [
  'reroute',
  'request_info',
  'assign_lead',
  'schedule',
  'record_outcome',
  'decline',
  'reopen',
] as const satisfies readonly TriageAction[]
export type ModalAction = (typeof MODAL_ACTIONS)[number]

/** Items a chair can ask the referrer for (`request_info`). */
export const INFO_ITEMS = [
  'analysis',
  'consent',
  'safety',
  'help_history',
  'school',
  'perspective',
  'other',
] as const
export type InfoItem = (typeof INFO_ITEMS)[number]

/**
 * Everything the case card may show, and nothing more (DOMAIN.md §7): no name, birth date, BSN,
 * pseudonym or free text. Build it with `buildCaseSummary`, which is the one place personal data is dropped.
 */
export interface CaseCardSummary {
  reference: string
  status: CaseStatus
  /** Optimistic-concurrency version; every button carries it so a stale click is detected. */
  version: number
  suggested: Intervention
  /** Confirmed or rerouted intervention; null until the chair accepts. */
  chosen: Intervention | null
  alternatives: Intervention[]
  /** Short routing reasons (template text that names a field, never a value typed by a person). */
  reasons: Bilingual[]
  municipality: Municipality | null
  /** e.g. "12–15" (lifecycle age bands, shown with an en dash); null when unknown. */
  ageBand: string | null
  urgency: Urgency
  analysisMissing: boolean
  consultationOnly: boolean
  gates: Gate[]
  /** Intake items the chair will ask for (routing `missing`). */
  missing: string[]
  /** Slack user id of the case lead, shown as a mention. */
  leadSlackUserId: string | null
  /** The surface of a lead assigned outside Slack (shown without a name), else null. */
  leadOtherSurface: string | null
  /** ISO date-time of the table. */
  scheduledFor: string | null
}

/**
 * One Block Kit block or element, kept structural so the builders stay pure and serialisable. (Typing the
 * builders as `@slack/types` `KnownBlock` / elements is a separate pass over cards.ts and intake-modal.ts;
 * the Web API calls cast at the one place they hand blocks to the WebClient.)
 */
export type SlackBlock = Record<string, unknown>

/** A message for chat.postMessage / chat.update / chat.postEphemeral. */
export interface SlackMessage {
  /** Notification and screen-reader text: carries no personal data either. */
  text: string
  blocks: SlackBlock[]
}

/** A modal view for views.open / views.push / views.update. */
export interface SlackModalView {
  type: 'modal'
  callback_id: string
  title: PlainTextElement
  submit?: PlainTextElement
  close?: PlainTextElement
  private_metadata: string
  blocks: SlackBlock[]
  notify_on_close?: boolean
  clear_on_close?: boolean
}

/** A `response_action: errors` answer to a view_submission: error text by block id. */
export interface SlackModalErrors {
  response_action: 'errors'
  errors: Record<string, string>
}

/** The modal-closing and view-changing answers the listeners give a view_submission (Bolt's ack). */
export type SlackViewAnswer =
  | SlackModalErrors
  | { response_action: 'update' | 'push'; view: SlackModalView }
  | { response_action: 'clear' }
