import type { StalledCutoffs } from '../domain/case-list'
import type { Intervention, Urgency } from '../domain/enums'
import type { CaseState, CaseStatus } from '../domain/lifecycle'
import type { RoutingDecision, Surface } from '../domain/types'

/**
 * Storage of cases, their append-only timeline, routing decisions, idempotency keys, the audit log and
 * the queue consumer's ledger. Implemented by `adapters/storage/d1-case-store.ts` and, with the same
 * behaviour, by `adapters/memory/memory-case-store.ts` for service tests.
 *
 * The store never sees plaintext personal data: every `*Enc` value is already encrypted by the service.
 */
export interface CaseStore {
  /**
   * Creates a case, its first event (seq 1), its routing decision and its idempotency record in one
   * transaction, assigning the next reference `RET-<year>-<nnnn>` (never reused). With a known
   * `scope`+`key` nothing is written and the existing case comes back with `created: false`.
   */
  createCase(input: NewCase): Promise<CreateCaseResult>
  getById(id: string): Promise<CaseRecord | null>
  getByReference(reference: string): Promise<CaseRecord | null>
  /** Cases filed by one referrer identity, newest first. */
  listByReferrer(referrerKey: string, options?: { limit?: number }): Promise<CaseRecord[]>
  /** Every case (not drafts) as a digest row: state plus the encrypted pseudonym, never the intake. */
  listForDigest(options?: { statuses?: readonly CaseStatus[] }): Promise<DigestRow[]>
  /**
   * Writes `next` and appends `event` (seq = `expectedVersion + 1`) if and only if the stored version is
   * still `expectedVersion`; otherwise nothing is written and the current record comes back.
   */
  updateWithVersion(
    id: string,
    expectedVersion: number,
    next: CaseState,
    event: NewEvent,
  ): Promise<UpdateResult>
  /**
   * Rectification (issue 14 §11): replaces the encrypted intake and pseudonym and appends `event`
   * (seq = `expectedVersion + 1`), under the same optimistic version check as `updateWithVersion`.
   */
  replaceIntake(
    id: string,
    expectedVersion: number,
    values: { intakeEnc: string; pseudonymEnc: string | null },
    event: NewEvent,
  ): Promise<UpdateResult>
  /**
   * Moves cases from an old identity key to its pseudonym (issue 14 §4): `referrer_key` and `lead_key`
   * equal to `from` become `to`. Returns the number of cases changed.
   */
  renameIdentity(from: string, to: string): Promise<number>
  /** The timeline of a case, oldest first. */
  listEvents(caseId: string): Promise<StoredEvent[]>
  /** Adds a (re)routing decision; the first one is stored by `createCase`. */
  recordRouting(caseId: string, at: string, decision: RoutingDecision): Promise<void>
  /** Routing decisions of a case, oldest first. */
  listRouting(caseId: string): Promise<{ at: string; decision: RoutingDecision }[]>
  /** An idempotency record (for inbound deliveries other than case creation, too). */
  getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null>
  /** Stores an idempotency record; `false` when the scope+key already existed (nothing changed). */
  putIdempotency(record: IdempotencyRecord): Promise<boolean>
  /** Appends one audit row (append-only). */
  audit(entry: AuditEntry): Promise<void>
  /** Audit rows, oldest first (for admins and tests). */
  listAudit(filter?: { reference?: string; limit?: number }): Promise<AuditEntry[]>
  /**
   * Which of these ledger ids the queue consumer already handled (idempotent consumer): one read for all
   * handlers of a job.
   */
  processedJobIds(jobIds: readonly string[]): Promise<Set<string>>
  /** Records a handled job id; `false` when it was already recorded. */
  markJobProcessed(jobId: string, at: string): Promise<boolean>
  /**
   * One page of the web console's case list (never drafts), filtered in the database and ordered by
   * waiting time (`statusSince`, then reference). Keyset pagination: `after` is the last row of the
   * previous page, so the work grows with the page, not the table (indexes: migrations/0060).
   */
  listCasePage(query: CaseListQuery): Promise<CaseListPage>
}

/** A stored case: the lifecycle state plus its id and encrypted personal data. */
export interface CaseRecord extends CaseState {
  id: string
  /** The whole canonical intake, encrypted with AAD `case:<id>:intake`. */
  intakeEnc: string
  /** The child's pseudonym, encrypted with AAD `case:<id>:pseudonym` (null for a consultation). */
  pseudonymEnc: string | null
}

/** A digest row: everything of the case except the encrypted intake. */
export type DigestRow = Omit<CaseRecord, 'intakeEnc'>

/** Input of `createCase`. */
export interface NewCase {
  id: string
  /** The year of the reference (Europe/Amsterdam calendar year of submission). */
  year: number
  state: Omit<CaseState, 'reference' | 'version'>
  intakeEnc: string
  pseudonymEnc: string | null
  /** The first timeline event (`submitted`). */
  event: NewEvent
  routing: { at: string; decision: RoutingDecision }
  /** `response` is stored with the reference added, so a replay can answer exactly as the first time. */
  idempotency: {
    scope: string
    key: string
    requestHash: string
    response: Record<string, unknown>
  }
  /**
   * The audit row of the creation (its reference is the new case's), written in the same transaction
   * as the case and only when the case is created (not on a replay).
   */
  audit?: Omit<AuditEntry, 'reference'>
}

export type CreateCaseResult =
  | { created: true; record: CaseRecord }
  | { created: false; record: CaseRecord; idempotency: IdempotencyRecord }

export type UpdateResult = { ok: true; record: CaseRecord } | { ok: false; current: CaseRecord | null }

/** An event to append: `dataEnc` holds the event's free-text data, encrypted with `eventAad`. */
export interface NewEvent {
  type: string
  at: string
  actorKey: string
  surface: Surface
  from: CaseStatus | null
  to: CaseStatus
  dataEnc: string | null
}

export interface StoredEvent extends NewEvent {
  caseId: string
  seq: number
}

export interface IdempotencyRecord {
  scope: string
  key: string
  requestHash: string
  response: Record<string, unknown>
  createdAt: string
}

/** What an audit row may say: identity keys, references and non-personal detail only. */
export type AuditAction = 'view' | 'download' | 'change' | 'create' | 'export' | 'erase' | 'refused'

export interface AuditEntry {
  at: string
  actorKey: string
  surface: Surface
  action: AuditAction
  reference: string | null
  requestId: string | null
  /** Non-personal detail, e.g. a command name or `conflict`. */
  detail: string | null
}

/** Thrown by a store on a broken invariant it cannot report as a result (a bug, not user input). */
export class StoreError extends Error {
  override readonly name = 'StoreError'
}

/** `RET-<year>-<nnnn>`: four digits, growing to five after 9999 (the D1 store formats it the same way). */
export function formatReference(year: number, n: number): string {
  return `RET-${year}-${String(n).padStart(4, '0')}`
}

/** Whether a text has the shape of a case reference. */
export const REFERENCE_PATTERN = /^RET-\d{4}-\d{4,6}$/

/** A page of the case list: what to filter on, in which order, from where. */
export interface CaseListQuery {
  /** Only the cases this referrer filed. */
  referrerKey?: string
  /** Only these municipalities (a chair's scope); absent means every municipality. */
  municipalities?: readonly string[]
  /** Only these statuses; absent means every status except draft. */
  statuses?: readonly CaseStatus[]
  /** The chosen intervention, or the suggested one while none was chosen. */
  intervention?: Intervention
  urgency?: Urgency
  /** Only stalled cases (DOMAIN.md §6) as of the cutoffs. */
  stalled?: StalledCutoffs
  /** `waiting`: longest in the current status first; `recent`: most recently changed first. */
  order: 'waiting' | 'recent'
  /** The last row of the previous page. */
  after?: { statusSince: string; reference: string }
  limit: number
}

export interface CaseListPage {
  rows: DigestRow[]
  /** Where the next page starts, or null on the last page. */
  next: { statusSince: string; reference: string } | null
}
