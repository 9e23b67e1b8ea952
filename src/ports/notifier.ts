import type { ErasedNotice, Notice } from '../domain/notices'

/**
 * The one way a use case tells a person something outside a dialogue (issue 11): `notify(recipient,
 * notice)`. The implementation (adapters/notify) picks the recipient's surface from their identity key
 * (`surface:tenant:user`), renders the neutral notice for it and sends it:
 * - Teams: a proactive card through the conversation reference stored on first contact;
 * - Slack: a direct message from the app (allowed workspaces only);
 * - web: not delivered (the person sees the case in "Mijn casussen"); the result says so.
 * A temporary platform failure (network, rate limit, 5xx) is thrown as `DeliveryUnavailable`: the job
 * turns it into a retry. A permanent refusal is returned as `failed` and never thrown.
 */

/** Who receives a notice. */
export type Recipient =
  /** A person, by identity key (`slack:T…:U…`, `teams:<tenant>:<user>`, `web:access:…`). */
  | { kind: 'person'; key: string }
  /** The chairs' triage channel. */
  | { kind: 'chairs' }
  /** A configured shared channel, by recipient key (`slack-channel:C…`): no pseudonyms. */
  | { kind: 'channel'; key: string }

export type NotifyResult =
  | { status: 'sent' }
  /** This send key was delivered before (nothing sent now). */
  | { status: 'already_sent' }
  /** The surface has no message for this kind of notice (e.g. Slack confirms a submit in its dialogue). */
  | { status: 'skipped' }
  /** The recipient cannot be reached on their surface (no stored conversation, web, unknown key). */
  | { status: 'unreachable'; reason: 'no_conversation' | 'not_allowed' | 'no_channel' | 'web' | 'unknown' }
  /** The platform refused for good (e.g. a deleted channel); `code` names why, never personal data. */
  | { status: 'failed'; code: string }

export interface NotifyOptions {
  /**
   * Deliver at most once per key and remember where it went, so the message can later be replaced
   * (`replaceSent`). Keys name the case reference whole (`receipt:<ref>`, `changed:<ref>:<v>`).
   */
  sendKey?: string
}

export interface Notifier {
  notify(recipient: Recipient, notice: Notice, options?: NotifyOptions): Promise<NotifyResult>
  /**
   * Replaces every remembered message about a case (sent with a send key) by the erased notice and
   * forgets where they were. Returns how many were replaced.
   */
  replaceSent(reference: string, notice: ErasedNotice): Promise<number>
}

/** A platform failure that may pass: retry later. Carries a code, never personal data. */
export class DeliveryUnavailable extends Error {
  override readonly name = 'DeliveryUnavailable'
  constructor(readonly code: string) {
    super(code)
  }
}
