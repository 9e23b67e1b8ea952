import type { KnownBlock, PlainTextElement } from '@slack/types'
import type { CaseStatus } from '../../src/domain/lifecycle'

export {
  type CaseCardSummary,
  INFO_ITEMS,
  type InfoItem,
  MODAL_ACTIONS,
  type ModalAction,
  TRIAGE_ACTIONS,
  type TriageAction,
} from '../../src/domain/case-card'
export type { CaseStatus }

/**
 * One Block Kit block, as `@slack/types` defines it: the builders' output is checked by the compiler
 * against Slack's own types (block and element kinds, required fields), not a loose record.
 */
export type SlackBlock = KnownBlock

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
