/**
 * The chairs' channel card of a case (issue 11): posted once when a case is submitted, redrawn in place
 * on every change, each timeline event a line under it. Slack implements it today
 * (adapters/slack/card-publisher.ts); a Teams channel can implement the same port (issue 12).
 * Temporary platform failures are thrown as `DeliveryUnavailable` (src/ports/notifier.ts).
 */
export interface CaseChannel {
  /** Brings the case's card up to date (post once, else update) and adds the missing timeline lines. */
  syncCard(reference: string): Promise<void>
  /** A spoedmelding: the card, then an alert to everyone in the channel. */
  alertAcute(reference: string): Promise<void>
  /** Replaces the card of an erased case and forgets where it was. */
  eraseCard(reference: string): Promise<'replaced' | 'none'>
}
