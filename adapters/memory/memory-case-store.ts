import type { CaseState } from '../../src/domain/lifecycle'
import type { RoutingDecision } from '../../src/domain/types'
import {
  type AuditEntry,
  type CaseListPage,
  type CaseListQuery,
  type CaseRecord,
  type CaseStore,
  type CreateCaseResult,
  type DigestRow,
  formatReference,
  type IdempotencyRecord,
  type NewCase,
  type NewEvent,
  type StoredEvent,
  type UpdateResult,
} from '../../src/ports/case-store'

/**
 * An in-memory `CaseStore` with the D1 store's behaviour (references, idempotency, optimistic
 * versions, append-only timeline), for service tests. Values are copied in and out, so a caller
 * cannot change stored state by mutating what it got back.
 */
export class MemoryCaseStore implements CaseStore {
  readonly cases = new Map<string, CaseRecord>()
  readonly events: StoredEvent[] = []
  readonly routing: { caseId: string; at: string; decision: RoutingDecision }[] = []
  readonly counters = new Map<number, number>()
  readonly idempotency = new Map<string, IdempotencyRecord>()
  readonly auditLog: AuditEntry[] = []
  readonly processedJobs = new Map<string, string>()
  private readonly caseByIdempotency = new Map<string, string>()

  async createCase(input: NewCase): Promise<CreateCaseResult> {
    const idemKey = `${input.idempotency.scope}\u0000${input.idempotency.key}`
    const existingId = this.caseByIdempotency.get(idemKey)
    const existing = existingId ? this.cases.get(existingId) : undefined
    const record = this.idempotency.get(idemKey)
    if (existing && record) return { created: false, record: copy(existing), idempotency: copy(record) }

    const last = (this.counters.get(input.year) ?? 0) + 1
    this.counters.set(input.year, last)
    const reference = formatReference(input.year, last)
    const stored: CaseRecord = {
      ...copy(input.state),
      id: input.id,
      reference,
      version: 1,
      intakeEnc: input.intakeEnc,
      pseudonymEnc: input.pseudonymEnc,
    }
    this.cases.set(input.id, stored)
    this.caseByIdempotency.set(idemKey, input.id)
    this.events.push({ ...copy(input.event), caseId: input.id, seq: 1 })
    this.routing.push({ caseId: input.id, ...copy(input.routing) })
    this.idempotency.set(idemKey, {
      scope: input.idempotency.scope,
      key: input.idempotency.key,
      requestHash: input.idempotency.requestHash,
      response: { ...copy(input.idempotency.response), reference },
      createdAt: input.state.createdAt,
    })
    if (input.audit) await this.audit({ ...copy(input.audit), reference })
    return { created: true, record: copy(stored) }
  }

  async getById(id: string): Promise<CaseRecord | null> {
    const found = this.cases.get(id)
    return found ? copy(found) : null
  }

  async getByReference(reference: string): Promise<CaseRecord | null> {
    for (const c of this.cases.values()) if (c.reference === reference) return copy(c)
    return null
  }

  async listByReferrer(referrerKey: string, options?: { limit?: number }): Promise<CaseRecord[]> {
    return [...this.cases.values()]
      .filter((c) => c.referrerKey === referrerKey)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.reference.localeCompare(a.reference))
      .slice(0, options?.limit ?? 100)
      .map(copy)
  }

  async listForDigest(options?: { statuses?: readonly CaseState['status'][] }): Promise<DigestRow[]> {
    return [...this.cases.values()]
      .filter((c) => c.status !== 'draft')
      .filter((c) => !options?.statuses || options.statuses.includes(c.status))
      .sort((a, b) => a.reference.localeCompare(b.reference))
      .map(({ intakeEnc: _omit, ...row }) => copy(row))
  }

  async updateWithVersion(
    id: string,
    expectedVersion: number,
    next: CaseState,
    event: NewEvent,
  ): Promise<UpdateResult> {
    const current = this.cases.get(id)
    if (!current || current.version !== expectedVersion) {
      return { ok: false, current: current ? copy(current) : null }
    }
    const version = expectedVersion + 1
    const updated: CaseRecord = {
      ...copy(next),
      id,
      reference: current.reference,
      version,
      intakeEnc: current.intakeEnc,
      pseudonymEnc: current.pseudonymEnc,
    }
    this.cases.set(id, updated)
    this.events.push({ ...copy(event), caseId: id, seq: version })
    return { ok: true, record: copy(updated) }
  }

  async replaceIntake(
    id: string,
    expectedVersion: number,
    values: { intakeEnc: string; pseudonymEnc: string | null },
    event: NewEvent,
  ): Promise<UpdateResult> {
    const current = this.cases.get(id)
    if (!current || current.version !== expectedVersion) {
      return { ok: false, current: current ? copy(current) : null }
    }
    const version = expectedVersion + 1
    const updated: CaseRecord = { ...copy(current), version, ...values }
    this.cases.set(id, updated)
    this.events.push({ ...copy(event), caseId: id, seq: version })
    return { ok: true, record: copy(updated) }
  }

  async renameIdentity(from: string, to: string): Promise<number> {
    let changed = 0
    for (const [id, record] of this.cases) {
      const referrerKey = record.referrerKey === from ? to : record.referrerKey
      const leadKey = record.leadKey === from ? to : record.leadKey
      if (referrerKey === record.referrerKey && leadKey === record.leadKey) continue
      this.cases.set(id, { ...record, referrerKey, leadKey })
      changed++
    }
    return changed
  }

  async listEvents(caseId: string): Promise<StoredEvent[]> {
    return this.events.filter((e) => e.caseId === caseId).map(copy)
  }

  async recordRouting(caseId: string, at: string, decision: RoutingDecision): Promise<void> {
    this.routing.push({ caseId, at, decision: copy(decision) })
  }

  async listRouting(caseId: string): Promise<{ at: string; decision: RoutingDecision }[]> {
    return this.routing
      .filter((r) => r.caseId === caseId)
      .map(({ at, decision }) => ({ at, decision: copy(decision) }))
  }

  async getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null> {
    const found = this.idempotency.get(`${scope}\u0000${key}`)
    return found ? copy(found) : null
  }

  async putIdempotency(record: IdempotencyRecord): Promise<boolean> {
    const k = `${record.scope}\u0000${record.key}`
    if (this.idempotency.has(k)) return false
    this.idempotency.set(k, copy(record))
    return true
  }

  async audit(entry: AuditEntry): Promise<void> {
    this.auditLog.push(copy(entry))
  }

  async listAudit(filter?: { reference?: string; limit?: number }): Promise<AuditEntry[]> {
    return this.auditLog
      .filter((a) => filter?.reference === undefined || a.reference === filter.reference)
      .slice(0, filter?.limit ?? 1000)
      .map(copy)
  }

  async processedJobIds(jobIds: readonly string[]): Promise<Set<string>> {
    return new Set(jobIds.filter((id) => this.processedJobs.has(id)))
  }

  async markJobProcessed(jobId: string, at: string): Promise<boolean> {
    if (this.processedJobs.has(jobId)) return false
    this.processedJobs.set(jobId, at)
    return true
  }

  async listCasePage(query: CaseListQuery): Promise<CaseListPage> {
    const s = query.stalled
    const stalled = (c: CaseRecord) => {
      if (!s) return true
      switch (c.status) {
        case 'submitted':
        case 'in_triage':
          return c.statusSince < s.triage
        case 'info_requested':
          return c.statusSince < s.info
        case 'accepted':
        case 'scheduled':
          if (c.scheduledFor === null) return c.statusSince < s.scheduling
          return c.scheduledFor.length === 10
            ? c.scheduledFor < s.outcomeDate
            : Date.parse(c.scheduledFor) < Date.parse(s.outcome)
        case 'advised':
          return c.followUpDoneAt === null && (c.advisedAt ?? c.statusSince) < s.followUp
        default:
          return false
      }
    }
    const desc = query.order === 'recent'
    const key = (c: { statusSince: string; reference: string }) => [c.statusSince, c.reference] as const
    const compare = (a: readonly [string, string], b: readonly [string, string]) =>
      a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0
    const after = query.after
    const matching = [...this.cases.values()]
      .filter((c) => c.status !== 'draft')
      .filter((c) => query.referrerKey === undefined || c.referrerKey === query.referrerKey)
      .filter((c) => !query.municipalities || query.municipalities.includes(c.municipality))
      .filter((c) => !query.statuses || query.statuses.includes(c.status))
      .filter(
        (c) =>
          !query.intervention || (c.chosenIntervention ?? c.suggestedIntervention) === query.intervention,
      )
      .filter((c) => !query.urgency || c.urgency === query.urgency)
      .filter(stalled)
      .filter((c) => !after || compare(key(c), key(after)) * (desc ? -1 : 1) > 0)
      .sort((a, b) => compare(key(a), key(b)) * (desc ? -1 : 1))
    const limit = Math.max(1, Math.min(query.limit, 200))
    const rows = matching.slice(0, limit).map(({ intakeEnc: _omit, ...row }) => copy(row))
    const last = rows.at(-1)
    return {
      rows,
      next:
        matching.length > limit && last ? { statusSince: last.statusSince, reference: last.reference } : null,
    }
  }
}

function copy<T>(value: T): T {
  return structuredClone(value)
}
