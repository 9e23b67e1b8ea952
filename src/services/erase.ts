import { z } from 'zod'
import type { Bilingual } from '../domain/copy'
import { both } from '../domain/copy'
import type { Actor } from '../domain/types'
import { logger } from '../logger'
import { REFERENCE_PATTERN } from '../ports/case-store'
import type { DraftMaintenance, PrivacyStore } from '../ports/privacy'
import { authorize, buildAuditEntry } from './access'
import type { Deps } from './deps'

/**
 * Erasure of one case (AVG art. 17; DOMAIN.md §7): the case, its timeline, routing decisions, files
 * (rows and R2 objects), idempotency and queue-ledger rows and its submitted draft are deleted; posted
 * Slack/Teams cards are replaced by a "verwijderd" card (job `case.erased`); one audit row remains
 * (who, when, why as a code). The reference is never reused: reference counters only count up.
 */

/** Why a case is erased: a code, never free text (the audit row must stay free of personal data). */
export const ERASE_REASONS = ['consent_withdrawn', 'retention', 'request', 'error'] as const
export type EraseReason = (typeof ERASE_REASONS)[number]

export const EraseInputSchema = z.strictObject({
  reference: z.string().regex(REFERENCE_PATTERN),
  reason: z.enum(ERASE_REASONS),
})

/** The job that replaces a case's posted cards. Its id is random: the ledger keeps no reference. */
export const caseErasedJob = (reference: string) => ({
  type: 'case.erased' as const,
  id: `case.erased:${crypto.randomUUID()}`,
  reference,
})

/** What erasure needs besides the core dependencies. */
export interface EraseDeps extends Deps {
  privacy: PrivacyStore
  drafts: DraftMaintenance
}

export interface EraseCaseInput {
  reference: string
  reason: EraseReason
  actor: Actor
  requestId?: string | null
}

export type EraseCaseResult =
  | { ok: true; reference: string; files: number; draft: boolean }
  | { ok: false; code: 'not_found' | 'forbidden'; message: Bilingual }

/**
 * Erases one case. Only admins (and the system, for retention and withdrawn consent) may; a refusal
 * is audited. Objects go first, then the rows in one transaction with the audit row, then the draft,
 * then the card replacement is queued. Running it again for an erased case answers `not_found`.
 */
export async function runEraseCase(deps: EraseDeps, input: EraseCaseInput): Promise<EraseCaseResult> {
  const { reference, actor } = input
  const record = await deps.store.getByReference(reference)
  if (!record) {
    return { ok: false, code: 'not_found', message: both('privacy.erase.notFound', { reference }) }
  }
  const allowed = await authorize(deps, {
    actor,
    action: 'case.erase',
    kase: record,
    reference,
    requestId: input.requestId ?? null,
  })
  if (!allowed) return { ok: false, code: 'forbidden', message: both('privacy.errors.forbidden') }

  const objects = await deps.privacy.listFileObjects(record.id)
  await deps.privacy.deleteObjects(objects)
  const erased = await deps.privacy.eraseCaseRows(
    record.id,
    reference,
    buildAuditEntry(deps.clock(), actor, 'erase', reference, {
      requestId: input.requestId ?? null,
      detail: input.reason,
    }),
  )
  if (!erased) {
    return { ok: false, code: 'not_found', message: both('privacy.erase.notFound', { reference }) }
  }
  // A submitted draft keeps only its reference; an unfinished draft of the same person is theirs to
  // keep (a new referral), so only the draft that points at this case goes.
  const draft = await deps.drafts.expire(record.referrerKey, { reference })
  await deps.queue.send(caseErasedJob(reference))
  logger.info('case_erased', { reference, code: input.reason, count: objects.length })
  return { ok: true, reference, files: objects.length, draft }
}
