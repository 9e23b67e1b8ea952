import { z } from 'zod'
import { buildErasedNotice } from '../domain/notices'
import { logger } from '../logger'
import { REFERENCE_PATTERN } from '../ports/case-store'
import { SYSTEM_ACTOR } from '../services/access'
import { runEraseCase } from '../services/erase'
import type { JobContext } from './handlers'

/**
 * `case.erased`: after an erasure, every card that was posted about the case is replaced by a
 * "verwijderd" notice — the chairs' channel card (`CaseChannel.eraseCard`) and every message the
 * Notifier remembers sending about it (the referrer's receipt, status and question cards, updated in
 * place) — and the rows that remembered where they are go too. A card that cannot be updated for good
 * (deleted channel, gone conversation) is logged and forgotten.
 */

export const CaseErasedJobSchema = z.strictObject({
  type: z.literal('case.erased'),
  id: z.string().min(1).max(300),
  reference: z.string().regex(REFERENCE_PATTERN),
})
export type CaseErasedJob = z.output<typeof CaseErasedJobSchema>

declare module './messages' {
  interface JobTypes {
    'case.erased': CaseErasedJob
    'case.consent-withdrawn': ConsentWithdrawnJob
  }
}

/** Withdrawn consent (a `withdraw` command with `consentWithdrawn`): erase the case. */
export const ConsentWithdrawnJobSchema = z.strictObject({
  type: z.literal('case.consent-withdrawn'),
  id: z.string().min(1).max(300),
  reference: z.string().regex(REFERENCE_PATTERN),
})
export type ConsentWithdrawnJob = z.output<typeof ConsentWithdrawnJobSchema>

/** Replaces the chairs' card of an erased case. */
export async function handleChannelErased(job: CaseErasedJob, { ports }: JobContext): Promise<void> {
  await ports.channel.eraseCard(job.reference)
}

/** Replaces what was sent to people about an erased case. */
export async function handleSentErased(job: CaseErasedJob, { ports }: JobContext): Promise<void> {
  const replaced = await ports.notifier.replaceSent(job.reference, buildErasedNotice(job.reference))
  logger.info('erased_notices_replaced', { reference: job.reference, count: replaced })
}

/** Withdrawn consent: erase the case. Not found means an earlier delivery already erased it. */
export async function handleConsentWithdrawn(job: ConsentWithdrawnJob, { ports }: JobContext): Promise<void> {
  await runEraseCase(ports.privacy, {
    reference: job.reference,
    reason: 'consent_withdrawn',
    actor: { ...SYSTEM_ACTOR, userId: 'consent' },
  })
}
