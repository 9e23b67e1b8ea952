import { declineDestinationOf } from '../../src/domain/decline'
import type { Intervention, Municipality, Urgency } from '../../src/domain/enums'
import { parseStoredFollowUp } from '../../src/domain/follow-up'
import type { AgeBand, CaseState, CaseStatus } from '../../src/domain/lifecycle'
import type { RoutingDecision, Surface } from '../../src/domain/types'
import type {
  AuditEntry,
  CaseListPage,
  CaseListQuery,
  CaseRecord,
  CaseStore,
  CreateCaseResult,
  DigestRow,
  IdempotencyRecord,
  NewCase,
  NewEvent,
  StoredEvent,
  UpdateResult,
} from '../../src/ports/case-store'

/** One row of `cases` as D1 returns it. */
interface CaseRow {
  id: string
  reference: string
  status: string
  suggested_intervention: string
  chosen_intervention: string | null
  municipality: string
  age_band: string
  urgency: string
  flags_json: string
  consultation: number
  referrer_key: string
  lead_key: string | null
  created_at: string
  status_since: string
  submitted_at: string | null
  triaged_at: string | null
  scheduled_for: string | null
  advised_at: string | null
  follow_up_done_at: string | null
  closed_at: string | null
  /** The follow-up answers as JSON (migration 0100); absent in rows read without the column. */
  follow_up_json?: string | null
  /** Where a declined case was sent instead (migration 0130); absent in rows read without the column. */
  decline_destination?: string | null
  version: number
  intake_enc: string
  pseudonym_enc: string | null
}

interface EventRow {
  case_id: string
  seq: number
  at: string
  actor_key: string
  surface: string
  type: string
  from_status: string | null
  to_status: string
  data_enc: string | null
}

interface IdempotencyRow {
  scope: string
  key: string
  request_hash: string
  response_json: string
  created_at: string
}

interface AuditRow {
  at: string
  actor_key: string
  surface: string
  action: string
  case_reference: string | null
  request_id: string | null
  detail: string | null
}

const DIGEST_COLUMNS = `id, reference, status, suggested_intervention, chosen_intervention, municipality,
  age_band, urgency, flags_json, consultation, referrer_key, lead_key, created_at, status_since,
  submitted_at, triaged_at, scheduled_for, advised_at, follow_up_done_at, closed_at, version, pseudonym_enc,
  follow_up_json, decline_destination`

function toState(row: Omit<CaseRow, 'intake_enc'>): CaseState {
  return {
    reference: row.reference,
    status: row.status as CaseStatus,
    referrerKey: row.referrer_key,
    suggestedIntervention: row.suggested_intervention as Intervention,
    chosenIntervention: row.chosen_intervention as Intervention | null,
    leadKey: row.lead_key,
    municipality: row.municipality as Municipality,
    ageBand: row.age_band as AgeBand,
    urgency: row.urgency as Urgency,
    flags: JSON.parse(row.flags_json) as string[],
    consultation: row.consultation === 1,
    createdAt: row.created_at,
    statusSince: row.status_since,
    submittedAt: row.submitted_at,
    triagedAt: row.triaged_at,
    scheduledFor: row.scheduled_for,
    advisedAt: row.advised_at,
    followUpDoneAt: row.follow_up_done_at,
    closedAt: row.closed_at,
    followUp: parseStoredFollowUp(row.follow_up_json ?? null),
    declinedTo: row.decline_destination ? declineDestinationOf(row.decline_destination) : null,
    version: row.version,
  }
}

function toRecord(row: CaseRow): CaseRecord {
  return { ...toState(row), id: row.id, intakeEnc: row.intake_enc, pseudonymEnc: row.pseudonym_enc }
}

function toEvent(row: EventRow): StoredEvent {
  return {
    caseId: row.case_id,
    seq: row.seq,
    at: row.at,
    actorKey: row.actor_key,
    surface: row.surface as Surface,
    type: row.type,
    from: row.from_status as CaseStatus | null,
    to: row.to_status as CaseStatus,
    dataEnc: row.data_enc,
  }
}

function toIdempotency(row: IdempotencyRow): IdempotencyRecord {
  return {
    scope: row.scope,
    key: row.key,
    requestHash: row.request_hash,
    response: JSON.parse(row.response_json) as Record<string, unknown>,
    createdAt: row.created_at,
  }
}

/** The identity of a creation request in `cases.idempotency_key`. */
const idempotencyColumn = (scope: string, key: string) => `${scope}:${key}`

/**
 * `CaseStore` on D1. Multi-statement changes run as one `batch` (a transaction in D1): a reference is
 * counted up only when its case is written, and a lost optimistic-concurrency race writes nothing.
 */
export class D1CaseStore implements CaseStore {
  constructor(private readonly db: D1Database) {}

  async createCase(input: NewCase): Promise<CreateCaseResult> {
    const { scope, key } = input.idempotency
    const s = input.state
    const e = input.event
    const audit = input.audit
    // One round trip for a new case: the inserts, its audit row and the row read back, in one batch (one
    // transaction). A replayed key (rare: a retried submit) fails the batch on the UNIQUE idempotency
    // key — nothing is written, the counter is not advanced — and the first creation is read instead.
    let results: D1Result[]
    try {
      results = await this.db.batch([
        this.db
          .prepare(
            `INSERT INTO reference_counters (year, last) VALUES (?1, 1)
             ON CONFLICT (year) DO UPDATE SET last = last + 1`,
          )
          .bind(input.year),
        this.db
          .prepare(
            `INSERT INTO cases (id, reference, status, suggested_intervention, chosen_intervention,
               municipality, age_band, urgency, flags_json, consultation, referrer_key, lead_key,
               created_at, status_since, submitted_at, triaged_at, scheduled_for, advised_at,
               follow_up_done_at, closed_at, version, intake_enc, pseudonym_enc, idempotency_key)
             VALUES (?1, printf('RET-%d-%04d', ?2, (SELECT last FROM reference_counters WHERE year = ?2)),
               ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, 1,
               ?21, ?22, ?23)`,
          )
          .bind(
            input.id,
            input.year,
            s.status,
            s.suggestedIntervention,
            s.chosenIntervention,
            s.municipality,
            s.ageBand,
            s.urgency,
            JSON.stringify(s.flags),
            s.consultation ? 1 : 0,
            s.referrerKey,
            s.leadKey,
            s.createdAt,
            s.statusSince,
            s.submittedAt,
            s.triagedAt,
            s.scheduledFor,
            s.advisedAt,
            s.followUpDoneAt,
            s.closedAt,
            input.intakeEnc,
            input.pseudonymEnc,
            idempotencyColumn(scope, key),
          ),
        this.insertEvent(input.id, 1, e),
        this.db
          .prepare('INSERT INTO routing_decisions (case_id, at, decision_json) VALUES (?1, ?2, ?3)')
          .bind(input.id, input.routing.at, JSON.stringify(input.routing.decision)),
        this.db
          .prepare(
            `INSERT INTO idempotency_keys (scope, key, request_hash, response_json, created_at)
             VALUES (?1, ?2, ?3, json_set(?4, '$.reference', (SELECT reference FROM cases WHERE id = ?5)), ?6)`,
          )
          .bind(
            scope,
            key,
            input.idempotency.requestHash,
            JSON.stringify(input.idempotency.response),
            input.id,
            s.createdAt,
          ),
        ...(audit
          ? [
              this.db
                .prepare(
                  `INSERT INTO audit_log (at, actor_key, surface, action, case_reference, request_id, detail)
                   VALUES (?1, ?2, ?3, ?4, (SELECT reference FROM cases WHERE id = ?5), ?6, ?7)`,
                )
                .bind(
                  audit.at,
                  audit.actorKey,
                  audit.surface,
                  audit.action,
                  input.id,
                  audit.requestId,
                  audit.detail,
                ),
            ]
          : []),
        this.db.prepare('SELECT * FROM cases WHERE id = ?1').bind(input.id),
      ])
    } catch (error) {
      // A concurrent request with the same key won the race: the whole batch rolled back.
      const winner = await this.findCreated(scope, key)
      if (winner) return winner
      throw error
    }
    const row = results.at(-1)?.results[0] as CaseRow | undefined
    if (!row) throw new Error('case vanished after insert')
    return { created: true, record: toRecord(row) }
  }

  private async findCreated(scope: string, key: string): Promise<CreateCaseResult | null> {
    const [idem, row] = await this.db.batch([
      this.db.prepare('SELECT * FROM idempotency_keys WHERE scope = ?1 AND key = ?2').bind(scope, key),
      this.db.prepare('SELECT * FROM cases WHERE idempotency_key = ?1').bind(idempotencyColumn(scope, key)),
    ])
    const idemRow = idem?.results[0] as IdempotencyRow | undefined
    const caseRow = row?.results[0] as CaseRow | undefined
    if (!idemRow || !caseRow) return null
    return { created: false, record: toRecord(caseRow), idempotency: toIdempotency(idemRow) }
  }

  private insertEvent(caseId: string, seq: number, e: NewEvent): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO case_events (case_id, seq, at, actor_key, surface, type, from_status, to_status, data_enc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`,
      )
      .bind(caseId, seq, e.at, e.actorKey, e.surface, e.type, e.from, e.to, e.dataEnc)
  }

  async getById(id: string): Promise<CaseRecord | null> {
    const row = await this.db.prepare('SELECT * FROM cases WHERE id = ?1').bind(id).first<CaseRow>()
    return row ? toRecord(row) : null
  }

  async getByReference(reference: string): Promise<CaseRecord | null> {
    const row = await this.db
      .prepare('SELECT * FROM cases WHERE reference = ?1')
      .bind(reference)
      .first<CaseRow>()
    return row ? toRecord(row) : null
  }

  async listByReferrer(referrerKey: string, options?: { limit?: number }): Promise<CaseRecord[]> {
    const { results } = await this.db
      .prepare(
        'SELECT * FROM cases WHERE referrer_key = ?1 ORDER BY created_at DESC, reference DESC LIMIT ?2',
      )
      .bind(referrerKey, options?.limit ?? 100)
      .all<CaseRow>()
    return results.map(toRecord)
  }

  async listForDigest(options?: { statuses?: readonly CaseStatus[] }): Promise<DigestRow[]> {
    const statuses = options?.statuses
    const where = statuses
      ? `status IN (${statuses.map((_, i) => `?${i + 1}`).join(', ') || "''"})`
      : "status <> 'draft'"
    const { results } = await this.db
      .prepare(`SELECT ${DIGEST_COLUMNS} FROM cases WHERE ${where} ORDER BY reference`)
      .bind(...(statuses ?? []))
      .all<Omit<CaseRow, 'intake_enc'>>()
    return results.map((row) => ({ ...toState(row), id: row.id, pseudonymEnc: row.pseudonym_enc }))
  }

  async updateWithVersion(
    id: string,
    expectedVersion: number,
    next: CaseState,
    event: NewEvent,
  ): Promise<UpdateResult> {
    try {
      // The UPDATE runs first; the event insert then aborts the transaction unless its seq equals the
      // new version (trigger) and is not taken yet (UNIQUE), i.e. unless this change won.
      await this.db.batch([
        this.db
          .prepare(
            `UPDATE cases SET status = ?3, chosen_intervention = ?4, lead_key = ?5, status_since = ?6,
               submitted_at = ?7, triaged_at = ?8, scheduled_for = ?9, advised_at = ?10,
               follow_up_done_at = ?11, closed_at = ?12, flags_json = ?13, urgency = ?14,
               follow_up_json = ?15, decline_destination = ?16, version = version + 1
             WHERE id = ?1 AND version = ?2`,
          )
          .bind(
            id,
            expectedVersion,
            next.status,
            next.chosenIntervention,
            next.leadKey,
            next.statusSince,
            next.submittedAt,
            next.triagedAt,
            next.scheduledFor,
            next.advisedAt,
            next.followUpDoneAt,
            next.closedAt,
            JSON.stringify(next.flags),
            next.urgency,
            next.followUp ? JSON.stringify(next.followUp) : null,
            next.declinedTo ?? null,
          ),
        this.insertEvent(id, expectedVersion + 1, event),
      ])
    } catch (error) {
      const current = await this.getById(id)
      if (current === null || current.version !== expectedVersion) return { ok: false, current }
      throw error
    }
    const record = await this.getById(id)
    if (!record) return { ok: false, current: null }
    return { ok: true, record }
  }

  async replaceIntake(
    id: string,
    expectedVersion: number,
    values: { intakeEnc: string; pseudonymEnc: string | null },
    event: NewEvent,
  ): Promise<UpdateResult> {
    try {
      // As in updateWithVersion: the event insert aborts the batch unless this change won the version.
      await this.db.batch([
        this.db
          .prepare(
            `UPDATE cases SET intake_enc = ?3, pseudonym_enc = ?4, version = version + 1
             WHERE id = ?1 AND version = ?2`,
          )
          .bind(id, expectedVersion, values.intakeEnc, values.pseudonymEnc),
        this.insertEvent(id, expectedVersion + 1, event),
      ])
    } catch (error) {
      const current = await this.getById(id)
      if (current === null || current.version !== expectedVersion) return { ok: false, current }
      throw error
    }
    const record = await this.getById(id)
    if (!record) return { ok: false, current: null }
    return { ok: true, record }
  }

  async renameIdentity(from: string, to: string): Promise<number> {
    const [referrer, lead] = await this.db.batch([
      this.db.prepare('UPDATE cases SET referrer_key = ?2 WHERE referrer_key = ?1').bind(from, to),
      this.db.prepare('UPDATE cases SET lead_key = ?2 WHERE lead_key = ?1').bind(from, to),
    ])
    return (referrer?.meta.changes ?? 0) + (lead?.meta.changes ?? 0)
  }

  async listEvents(caseId: string): Promise<StoredEvent[]> {
    const { results } = await this.db
      .prepare('SELECT * FROM case_events WHERE case_id = ?1 ORDER BY seq')
      .bind(caseId)
      .all<EventRow>()
    return results.map(toEvent)
  }

  async recordRouting(caseId: string, at: string, decision: RoutingDecision): Promise<void> {
    await this.db
      .prepare('INSERT INTO routing_decisions (case_id, at, decision_json) VALUES (?1, ?2, ?3)')
      .bind(caseId, at, JSON.stringify(decision))
      .run()
  }

  async listRouting(caseId: string): Promise<{ at: string; decision: RoutingDecision }[]> {
    const { results } = await this.db
      .prepare('SELECT at, decision_json FROM routing_decisions WHERE case_id = ?1 ORDER BY id')
      .bind(caseId)
      .all<{ at: string; decision_json: string }>()
    return results.map((r) => ({ at: r.at, decision: JSON.parse(r.decision_json) as RoutingDecision }))
  }

  async getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null> {
    const row = await this.db
      .prepare('SELECT * FROM idempotency_keys WHERE scope = ?1 AND key = ?2')
      .bind(scope, key)
      .first<IdempotencyRow>()
    return row ? toIdempotency(row) : null
  }

  async putIdempotency(record: IdempotencyRecord): Promise<boolean> {
    const result = await this.db
      .prepare(
        `INSERT INTO idempotency_keys (scope, key, request_hash, response_json, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (scope, key) DO NOTHING`,
      )
      .bind(record.scope, record.key, record.requestHash, JSON.stringify(record.response), record.createdAt)
      .run()
    return result.meta.changes === 1
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO audit_log (at, actor_key, surface, action, case_reference, request_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
      )
      .bind(
        entry.at,
        entry.actorKey,
        entry.surface,
        entry.action,
        entry.reference,
        entry.requestId,
        entry.detail,
      )
      .run()
  }

  async listAudit(filter?: { reference?: string; limit?: number }): Promise<AuditEntry[]> {
    const limit = filter?.limit ?? 1000
    const statement =
      filter?.reference === undefined
        ? this.db.prepare('SELECT * FROM audit_log ORDER BY id LIMIT ?1').bind(limit)
        : this.db
            .prepare('SELECT * FROM audit_log WHERE case_reference = ?1 ORDER BY id LIMIT ?2')
            .bind(filter.reference, limit)
    const { results } = await statement.all<AuditRow>()
    return results.map((r) => ({
      at: r.at,
      actorKey: r.actor_key,
      surface: r.surface as Surface,
      action: r.action as AuditEntry['action'],
      reference: r.case_reference,
      requestId: r.request_id,
      detail: r.detail,
    }))
  }

  async processedJobIds(jobIds: readonly string[]): Promise<Set<string>> {
    if (jobIds.length === 0) return new Set()
    const { results } = await this.db
      .prepare(
        `SELECT job_id FROM processed_jobs WHERE job_id IN (${jobIds.map((_, i) => `?${i + 1}`).join(', ')})`,
      )
      .bind(...jobIds)
      .all<{ job_id: string }>()
    return new Set(results.map((r) => r.job_id))
  }

  async markJobProcessed(jobId: string, at: string): Promise<boolean> {
    const result = await this.db
      .prepare('INSERT INTO processed_jobs (job_id, at) VALUES (?1, ?2) ON CONFLICT (job_id) DO NOTHING')
      .bind(jobId, at)
      .run()
    return result.meta.changes === 1
  }

  async listCasePage(query: CaseListQuery): Promise<CaseListPage> {
    const where: string[] = ["status <> 'draft'"]
    const params: (string | number)[] = []
    const list = (values: readonly string[]) => {
      params.push(...values)
      return values.map(() => '?').join(', ') || "''"
    }
    if (query.referrerKey !== undefined) {
      where.push('referrer_key = ?')
      params.push(query.referrerKey)
    }
    if (query.municipalities) where.push(`municipality IN (${list(query.municipalities)})`)
    if (query.statuses) where.push(`status IN (${list(query.statuses)})`)
    if (query.intervention) {
      where.push('COALESCE(chosen_intervention, suggested_intervention) = ?')
      params.push(query.intervention)
    }
    if (query.urgency) {
      where.push('urgency = ?')
      params.push(query.urgency)
    }
    const s = query.stalled
    if (s) {
      // The clocks of DOMAIN.md §6 as bounds on indexed timestamps (ISO 8601 UTC strings sort by time).
      where.push(`((status IN ('submitted', 'in_triage') AND status_since < ?)
        OR (status = 'info_requested' AND status_since < ?)
        OR (status IN ('accepted', 'scheduled') AND scheduled_for IS NULL AND status_since < ?)
        OR (status IN ('accepted', 'scheduled') AND scheduled_for IS NOT NULL AND CASE
              WHEN length(scheduled_for) = 10 THEN scheduled_for < ?
              ELSE julianday(scheduled_for) < julianday(?) END)
        OR (status = 'advised' AND follow_up_done_at IS NULL AND COALESCE(advised_at, status_since) < ?))`)
      params.push(s.triage, s.info, s.scheduling, s.outcomeDate, s.outcome, s.followUp)
    }
    const desc = query.order === 'recent'
    if (query.after) {
      where.push(`(status_since, reference) ${desc ? '<' : '>'} (?, ?)`)
      params.push(query.after.statusSince, query.after.reference)
    }
    const direction = desc ? 'DESC' : 'ASC'
    const limit = Math.max(1, Math.min(query.limit, 200))
    const { results } = await this.db
      .prepare(
        `SELECT ${DIGEST_COLUMNS} FROM cases WHERE ${where.join(' AND ')}
         ORDER BY status_since ${direction}, reference ${direction} LIMIT ?`,
      )
      .bind(...params, limit + 1)
      .all<Omit<CaseRow, 'intake_enc'>>()
    const rows = results
      .slice(0, limit)
      .map((row) => ({ ...toState(row), id: row.id, pseudonymEnc: row.pseudonym_enc }))
    const last = rows.at(-1)
    return {
      rows,
      next:
        results.length > limit && last ? { statusSince: last.statusSince, reference: last.reference } : null,
    }
  }
}
