import type { CaseStatus } from '../domain/lifecycle'
import type { AuditEntry } from './case-store'

/**
 * Storage operations of erasure, retention and key rotation (src/services/erase.ts, retention.ts,
 * key-rotation.ts). Implemented on D1 + R2 + the draft Durable Objects by
 * `adapters/storage/d1-privacy-store.ts`. Like the case store it never sees plaintext.
 */
export interface PrivacyStore {
  /** The R2 object keys of a case's files (PDFs, attachments). */
  listFileObjects(caseId: string): Promise<string[]>
  /** Deletes R2 objects (missing ones are fine). */
  deleteObjects(r2Keys: readonly string[]): Promise<void>
  /**
   * Deletes a case and everything that names it (events, routing decisions, file rows, idempotency
   * records, queue ledger rows) and appends `audit`, in one transaction. `false` when the case was gone.
   */
  eraseCaseRows(caseId: string, reference: string, audit: AuditEntry): Promise<boolean>
  /** Cases in `status` whose clock (closedAt, else statusSince) is before `beforeIso`, oldest first. */
  listExpired(status: CaseStatus, beforeIso: string, limit: number): Promise<string[]>
  /** Registered draft conversation keys after `after` (key order), for rotation and retention. */
  listDraftKeys(after: string, limit: number): Promise<string[]>
  /** Deletes rate-limit windows that started before `beforeSeconds`. */
  pruneRateLimits(beforeSeconds: number): Promise<number>
  /**
   * Values to rewrite, a batch at a time: case keys not wrapped under `activeKid`, and data still
   * encrypted directly under a master key (written before per-case keys; moved to the case key).
   */
  listStaleCiphertexts(activeKid: string, limit: number): Promise<StaleCiphertext[]>
  /** Writes a re-encrypted value if the stored one is still `previous` (compare-and-set). */
  replaceCiphertext(value: StaleCiphertext, next: string): Promise<boolean>
  /**
   * Counts values wrapped directly by a master key, per key id (for reports and tests): the case keys,
   * plus data not yet moved to its case key. Data under a case key (`v2.`) has no master key id.
   */
  countByKeyId(): Promise<Record<string, number>>
}

/** Where an encrypted value lives. `aad` is the AAD it was encrypted with. */
export interface StaleCiphertext {
  table: 'case_keys' | 'cases' | 'case_events' | 'case_files'
  column: 'intake_enc' | 'pseudonym_enc' | 'data_enc' | 'key_enc' | 'name_enc'
  /** The row id (`case_keys.case_id`, `cases.id`, `case_events.id`, `case_files.id`). */
  rowId: string
  aad: string
  /** The AAD to write the value with, when it changes (file keys and names move under the case). */
  nextAad?: string
  previous: string
}

/** Maintenance calls on draft Durable Objects. */
export interface DraftMaintenance {
  /** Re-encrypts a draft under the active key of `keyring` (default: the Worker's own keys). */
  rekey(key: string, keyring?: string): Promise<'rekeyed' | 'current' | 'missing'>
  /** Erases a draft changed before `beforeIso`, or the submitted draft of `reference`. */
  expire(key: string, options: { beforeIso?: string; reference?: string }): Promise<boolean>
}
