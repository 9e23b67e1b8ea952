import { storedIdentityKey } from '../auth/identity'
import { type ChairScopes, can, chairCovers } from '../domain/access'
import { type Bilingual, label, t } from '../domain/copy'
import { ageOf, type Intake } from '../domain/intake'
import {
  actorKey,
  ageBandOf,
  applyCommand,
  type CaseEvent,
  type CaseState,
  type CaseStatus,
  type LifecycleErrorCode,
} from '../domain/lifecycle'
import { regionOf } from '../domain/region'
import type { CaseSummary } from '../domain/stalled'
import type { Actor, RoutingDecision } from '../domain/types'
import { logger } from '../logger'
import type { AuditEntry, CaseRecord, DigestRow, StoredEvent } from '../ports/case-store'
import { eventAad, intakeAad, pseudonymAad } from '../ports/cipher'
import { chairScopesOf } from './access'
import type { Deps } from './deps'

/**
 * Case use cases: file an intake, run lifecycle commands with optimistic concurrency, read a case
 * (decrypted, access-checked, audited). Personal data is encrypted before it reaches the store.
 */

/** Raised when an idempotency key is reused for a different request (HTTP 422). */
export class IdempotencyMismatchError extends Error {
  override readonly name = 'IdempotencyMismatchError'
  constructor(readonly reference: string) {
    super('idempotency key reused for a different request')
  }
}

/**
 * Raised when gate G3 fired (no consent, voluntary framework) but the intake is not an anonymous
 * consultation: without consent no identifying data may be stored (DOMAIN.md §2 G3).
 */
export class ConsentRequiredError extends Error {
  override readonly name = 'ConsentRequiredError'
}

export interface SubmitIntakeInput {
  intake: Intake
  decision: RoutingDecision
  actor: Actor
  /** Unique per submission on the actor's surface and tenant (draft id, delivery id, API header). */
  idempotencyKey: string
  requestId?: string
}

export interface SubmitIntakeResult {
  reference: string
  /** `false` when the key was seen before: nothing new was written. */
  created: boolean
  /** The case's current status. */
  status: CaseStatus
  /** What the first call answered (`reference`, `status`, `routing`): replays answer exactly this. */
  response: Record<string, unknown>
}

/** The job a new case enqueues (chairs' card, PDF, confirmation). */
export const caseSubmittedJob = (reference: string) => ({
  type: 'case.submitted' as const,
  id: `case.submitted:${reference}`,
  reference,
})

/** The job a lifecycle change enqueues (update the card in place, notify the referrer). */
export const caseChangedJob = (reference: string, version: number) => ({
  type: 'case.changed' as const,
  id: `case.changed:${reference}:${version}`,
  reference,
  version,
})

/** Withdrawn consent: erase the case (job id random, so the queue ledger keeps no reference). */
export const consentWithdrawnJob = (reference: string) => ({
  type: 'case.consent-withdrawn' as const,
  id: `case.consent-withdrawn:${crypto.randomUUID()}`,
  reference,
})

/** The calendar year in Europe/Amsterdam (a case filed on 31 December at 23:30 local time counts there). */
export function amsterdamYear(now: Date): number {
  return Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', year: 'numeric' }).format(now),
  )
}

/** Non-personal flags for cards and digests: fired gates and missing items. */
export function buildFlags(decision: RoutingDecision): string[] {
  return [...decision.gates.map((g) => g.gate), ...decision.missing.map((m) => `${m}_missing`)]
}

/** JSON with object keys sorted, so the same content always hashes the same. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** SHA-256 of a text, hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

async function writeAudit(deps: Deps, entry: Omit<AuditEntry, 'at'>): Promise<void> {
  await deps.store.audit({ at: deps.clock().toISOString(), ...entry })
}

/**
 * Files a submitted intake as a case. Idempotent: the same key (per surface and tenant) returns the same
 * reference and never creates a second case; the same key with a different intake throws
 * `IdempotencyMismatchError`. Stores the encrypted intake, the routing decision and a `submitted` event,
 * then enqueues `case.submitted` (again on a replay, in case the first enqueue was lost: the consumer
 * acts once per job id).
 */
export async function runSubmitIntake(deps: Deps, input: SubmitIntakeInput): Promise<SubmitIntakeResult> {
  const { intake, decision, actor } = input
  if (decision.gates.some((g) => g.gate === 'G3') && !intake.consultationOnly) {
    throw new ConsentRequiredError('consent required')
  }
  const now = deps.clock()
  const at = now.toISOString()
  const referrerKey = actorKey(actor)
  const scope = `case.create:${actor.surface}:${actor.tenant}`
  const requestHash = await sha256Hex(stableStringify({ referrerKey, intake }))

  const id = crypto.randomUUID()
  const state: Omit<CaseState, 'reference' | 'version'> = {
    status: 'submitted',
    referrerKey,
    suggestedIntervention: decision.primary,
    chosenIntervention: null,
    leadKey: null,
    municipality: intake.child.municipality,
    ageBand: ageBandOf(ageOf(intake.child.birthYear, now)),
    urgency: intake.urgency,
    flags: buildFlags(decision),
    consultation: intake.consultationOnly,
    createdAt: at,
    statusSince: at,
    submittedAt: at,
    triagedAt: null,
    scheduledFor: null,
    advisedAt: null,
    followUpDoneAt: null,
    closedAt: null,
  }
  const pseudonym = intake.consultationOnly ? null : intake.child.pseudonym
  const result = await deps.store.createCase({
    id,
    year: amsterdamYear(now),
    state,
    intakeEnc: await deps.cipher.encryptJson(intake, intakeAad(id)),
    pseudonymEnc: pseudonym === null ? null : await deps.cipher.encryptJson(pseudonym, pseudonymAad(id)),
    event: {
      type: 'submitted',
      at,
      actorKey: referrerKey,
      surface: actor.surface,
      from: null,
      to: 'submitted',
      dataEnc: null,
    },
    routing: { at, decision },
    idempotency: {
      scope,
      key: input.idempotencyKey,
      requestHash,
      response: { status: 'submitted', routing: decision },
    },
    // Written with the case (one transaction), only when it is created.
    audit: {
      at,
      actorKey: referrerKey,
      surface: actor.surface,
      action: 'create',
      requestId: input.requestId ?? null,
      detail: null,
    },
  })

  const reference = result.record.reference
  if (!result.created && result.idempotency.requestHash !== requestHash) {
    throw new IdempotencyMismatchError(reference)
  }
  if (result.created) {
    logger.info('case_submitted', { reference, intervention: decision.primary, surface: actor.surface })
  }
  await deps.queue.send(caseSubmittedJob(reference))
  return {
    reference,
    created: result.created,
    status: result.record.status,
    response: result.created
      ? { reference, status: 'submitted', routing: decision }
      : result.idempotency.response,
  }
}

export type CaseCommandFailureCode = LifecycleErrorCode | 'not_found' | 'conflict'

export type CaseCommandResult =
  | { ok: true; state: CaseState; event: CaseEvent }
  | {
      ok: false
      error: Bilingual & { code: CaseCommandFailureCode; errors?: { path: string; nl: string; en: string }[] }
      /** With `conflict`: the state someone else just wrote. */
      current?: CaseState
    }

export interface CaseCommandInput {
  reference: string
  /** A lifecycle command (`{ type: 'accept', intervention, reason }`…); validated here. */
  command: unknown
  actor: Actor
  /** The version the actor saw; a newer stored version is a `conflict`, never a silent overwrite. */
  expectedVersion?: number
  requestId?: string
}

function stateOf(record: CaseRecord): CaseState {
  const { id: _id, intakeEnc: _intake, pseudonymEnc: _pseudonym, ...state } = record
  return state
}

function failure<C extends string>(code: C, key: string, params?: Record<string, string>) {
  return {
    ok: false as const,
    error: { code, nl: t('nl', key, params), en: t('en', key, params) },
  }
}

/**
 * Runs one lifecycle command on a case: checks the actor's permit and the transition, writes the new
 * state and its event only if nobody changed the case meanwhile, audits the change and enqueues
 * `case.changed`. Free text of the command (reasons, questions, advice) is stored encrypted.
 */
export async function runCaseCommand(deps: Deps, input: CaseCommandInput): Promise<CaseCommandResult> {
  const { actor, reference } = input
  const record = await deps.store.getByReference(reference)
  if (!record) return failure('not_found', 'lifecycle.errors.notFound', { reference })
  const audit = (action: AuditEntry['action'], detail: string) =>
    writeAudit(deps, {
      actorKey: actorKey(actor),
      surface: actor.surface,
      action,
      reference,
      requestId: input.requestId ?? null,
      detail,
    })

  const current = stateOf(record)
  if (input.expectedVersion !== undefined && input.expectedVersion !== record.version) {
    return { ...failure('conflict', 'lifecycle.errors.conflict'), current }
  }
  // The region pack decides which interventions exist here: a chair cannot accept one the pack does not offer.
  const region = regionOf(deps.config)
  const cmd = input.command as { type?: unknown; intervention?: unknown } | null
  if (
    typeof cmd === 'object' &&
    cmd !== null &&
    cmd.type === 'accept' &&
    typeof cmd.intervention === 'string' &&
    !(region.interventions as readonly string[]).includes(cmd.intervention)
  ) {
    const text = (lang: 'nl' | 'en') =>
      t(lang, 'lifecycle.errors.interventionNotInRegion', {
        options: region.interventions.map((i) => label(lang, 'intervention', i)).join(', '),
      })
    return { ok: false, error: { code: 'invalid_command', nl: text('nl'), en: text('en') } }
  }
  // A chair acts as chair only within their region (CHAIR_SCOPES); elsewhere their chair role does not count.
  const inRegion = chairCovers(actor, record.municipality, chairScopesOf(deps.config))
  const effective = inRegion ? actor : { ...actor, roles: actor.roles.filter((role) => role !== 'chair') }
  const applied = applyCommand(
    current,
    await pseudonymiseLeadKey(deps, input.command),
    effective,
    deps.clock(),
  )
  const commandType =
    typeof input.command === 'object' && input.command !== null && 'type' in input.command
      ? String(input.command.type).slice(0, 40)
      : 'unknown'
  if (!applied.ok) {
    if (applied.error.code === 'not_allowed') await audit('refused', commandType)
    return { ok: false, error: applied.error }
  }
  const { next, event } = applied
  const hasData = Object.values(event.data).some((v) => v !== null && v !== undefined)
  const updated = await deps.store.updateWithVersion(record.id, record.version, next, {
    type: event.type,
    at: event.at,
    actorKey: event.actorKey,
    surface: event.surface,
    from: event.from,
    to: event.to,
    dataEnc: hasData ? await deps.cipher.encryptJson(event.data, eventAad(record.id, next.version)) : null,
  })
  if (!updated.ok) {
    const latest = updated.current ? stateOf(updated.current) : undefined
    return { ...failure('conflict', 'lifecycle.errors.conflict'), ...(latest ? { current: latest } : {}) }
  }
  await audit('change', event.type)
  logger.info('case_changed', { reference, status: next.status, phase: event.type })
  await deps.queue.send(caseChangedJob(reference, updated.record.version))
  // Withdrawn consent means the data may no longer be kept: the erasure follows on the queue.
  if (event.type === 'withdraw' && event.data.consentWithdrawn === true) {
    await deps.queue.send(consentWithdrawnJob(reference))
  }
  return { ok: true, state: stateOf(updated.record), event }
}

/** A timeline event with its free-text data decrypted. */
export interface TimelineEvent extends Omit<StoredEvent, 'dataEnc' | 'caseId'> {
  data: Record<string, unknown> | null
}

/** A case as a person with access sees it. */
export interface CaseView {
  state: CaseState
  intake: Intake
  pseudonym: string | null
  /** The latest routing suggestion. */
  routing: RoutingDecision | null
  timeline: TimelineEvent[]
}

export type GetCaseResult =
  | { ok: true; case: CaseView }
  | { ok: false; error: Bilingual & { code: 'not_found' | 'forbidden' } }

/** Who may open the full case: its referrer, its lead, a chair, an admin (DESIGN.md §6). */
export function maySeeCase(
  state: Pick<CaseState, 'referrerKey' | 'leadKey' | 'municipality'>,
  actor: Actor,
  scopes?: ChairScopes,
): boolean {
  // The one policy of every surface (src/domain/access.ts); chairs see the cases of their region.
  return can(actor, 'case.view', state, scopes)
}

/** Reads a case in full (decrypted) after checking access; every view and refusal is audited. */
export async function getCase(
  deps: Deps,
  reference: string,
  actor: Actor,
  options: { requestId?: string } = {},
): Promise<GetCaseResult> {
  const record = await deps.store.getByReference(reference)
  if (!record) return failure('not_found', 'lifecycle.errors.notFound', { reference })
  const allowed = maySeeCase(record, actor, chairScopesOf(deps.config))
  await writeAudit(deps, {
    actorKey: actorKey(actor),
    surface: actor.surface,
    action: allowed ? 'view' : 'refused',
    reference,
    requestId: options.requestId ?? null,
    detail: allowed ? null : 'view',
  })
  if (!allowed) return failure('forbidden', 'lifecycle.errors.forbidden')

  const [events, routing] = await Promise.all([
    deps.store.listEvents(record.id),
    deps.store.listRouting(record.id),
  ])
  const timeline = await Promise.all(
    events.map(async ({ dataEnc, caseId: _caseId, ...event }) => ({
      ...event,
      data:
        dataEnc === null
          ? null
          : await deps.cipher.decryptJson<Record<string, unknown>>(dataEnc, eventAad(record.id, event.seq)),
    })),
  )
  return {
    ok: true,
    case: {
      state: stateOf(record),
      intake: await deps.cipher.decryptJson<Intake>(record.intakeEnc, intakeAad(record.id)),
      pseudonym: await decryptPseudonym(deps, record),
      routing: routing.at(-1)?.decision ?? null,
      timeline,
    },
  }
}

async function decryptPseudonym(
  deps: Deps,
  record: Pick<CaseRecord, 'id' | 'pseudonymEnc'>,
): Promise<string | null> {
  return record.pseudonymEnc === null
    ? null
    : deps.cipher.decryptJson<string>(record.pseudonymEnc, pseudonymAad(record.id))
}

/** A case in a list: state and pseudonym, no intake. */
export type CaseListItem = CaseState & { pseudonym: string | null }

/** The cases the actor filed, newest first (their own: no audit row per list). */
export async function listMyCases(deps: Deps, actor: Actor): Promise<CaseListItem[]> {
  const records = await deps.store.listByReferrer(actorKey(actor))
  return Promise.all(
    records.map(async (record) => ({ ...stateOf(record), pseudonym: await decryptPseudonym(deps, record) })),
  )
}

/**
 * Case summaries in the digest's input shape (DOMAIN.md §6): reference and pseudonym only, no other
 * personal data. `owner` is the lead's identity key.
 */
export async function listCaseSummaries(
  deps: Deps,
  options: { statuses?: readonly CaseStatus[] } = {},
): Promise<CaseSummary[]> {
  const rows = await deps.store.listForDigest(options)
  return Promise.all(
    rows.map(async (row) => ({
      ...summaryFieldsOf(row),
      pseudonym: await decryptPseudonym(deps, row),
      owner: row.leadKey,
    })),
  )
}

/** The fields of a case summary a digest row carries as they are (the digest's and monitoring's shared part). */
export function summaryFieldsOf(row: DigestRow): Omit<CaseSummary, 'pseudonym' | 'owner'> {
  return {
    reference: row.reference,
    status: row.status,
    statusSince: row.statusSince,
    submittedAt: row.submittedAt,
    triagedAt: row.triagedAt,
    scheduledFor: row.scheduledFor,
    advisedAt: row.advisedAt,
    followUpDoneAt: row.followUpDoneAt,
    intervention: row.chosenIntervention ?? row.suggestedIntervention,
    municipality: row.municipality,
  }
}

export { decryptEvent } from './events'

/**
 * A lead key a chair typed (`assignLead`) as it is stored (issue 14 §4): a Teams or Slack platform id
 * becomes its keyed pseudonym, like every other stored identity. Anything else passes unchanged (the
 * lifecycle validates it).
 */
async function pseudonymiseLeadKey(deps: Pick<Deps, 'config'>, command: unknown): Promise<unknown> {
  if (typeof command !== 'object' || command === null) return command
  const c = command as { type?: unknown; leadKey?: unknown }
  if (c.type !== 'assignLead' || typeof c.leadKey !== 'string') return command
  return { ...c, leadKey: await storedIdentityKey(deps.config, c.leadKey.trim()) }
}
