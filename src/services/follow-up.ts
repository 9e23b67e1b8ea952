import { amsterdamDate } from '../domain/calendar'
import type { Bilingual } from '../domain/copy'
import { FOLLOW_UP_INPUTS, type FollowUpInput, readFollowUpInput } from '../domain/follow-up'
import { actorKey } from '../domain/lifecycle'
import type { Actor } from '../domain/types'
import { logger } from '../logger'
import { buildAuditEntry } from './access'
import { runCaseCommand } from './cases'
import type { Deps } from './deps'

/**
 * The referrer's answer to the follow-up question from a chat surface (issue 15 §1): the Teams card and the
 * Slack modal hand over the inputs as typed; this checks who answers and what, with the domain's one reader
 * (`readFollowUpInput`, on `FollowUpFieldsSchema`), and stores the answers through the lifecycle command
 * `answerFollowUp` — as the web case page does — so they land on the case (plain enums for monitoring),
 * in the timeline (the note encrypted) and on the chairs' card (the `case.changed` job).
 * - Only the case's own referrer may answer (verified identity key); anyone else is refused and audited.
 * - A question that is no longer open (answered, closed, reopened) changes nothing: a second submit does not
 *   act twice, and the lifecycle refuses a second `answerFollowUp` as well.
 */

export type FollowUpAnswerResult =
  | { ok: true; reference: string }
  /** The question is not open for answers (unknown case, answered before, no longer advised). */
  | { ok: false; code: 'closed' }
  /** Not this person's case: refused (and audited). */
  | { ok: false; code: 'refused' }
  /** The answers need correcting: errors per input, values as typed. */
  | {
      ok: false
      code: 'invalid'
      errors: Partial<Record<FollowUpInput, Bilingual>>
      values: Record<FollowUpInput, string>
    }

/** Whether the follow-up question of a case is open: advised and not answered (nor checked) yet. */
export function isFollowUpOpen(record: { status: string; followUpDoneAt: string | null }): boolean {
  return record.status === 'advised' && record.followUpDoneAt === null
}

/** Writes the audit row of a refused follow-up answer (identity key and surface only). */
async function refuse(deps: Deps, actor: Actor, reference: string, requestId?: string): Promise<void> {
  await deps.store.audit(
    buildAuditEntry(deps.clock(), actor, 'refused', reference, {
      requestId: requestId ?? null,
      detail: 'answerFollowUp',
    }),
  )
  logger.warn('follow_up_refused', { reference, surface: actor.surface })
}

/**
 * Before a surface opens the questions (Slack's button opens a modal): `open` for the case's referrer while
 * the question is open; anyone else is refused (and audited).
 */
export async function checkFollowUp(
  deps: Deps,
  input: { reference: string; actor: Actor; requestId?: string },
): Promise<'open' | 'closed' | 'refused'> {
  const record = await deps.store.getByReference(input.reference)
  if (!record) return 'closed'
  if (record.referrerKey !== actorKey(input.actor)) {
    await refuse(deps, input.actor, input.reference, input.requestId)
    return 'refused'
  }
  return isFollowUpOpen(record) ? 'open' : 'closed'
}

/** Stores one surface's answers to the follow-up question. */
export async function runFollowUpAnswer(
  deps: Deps,
  input: { reference: string; actor: Actor; raw: Record<string, unknown>; requestId?: string },
): Promise<FollowUpAnswerResult> {
  const { reference, actor } = input
  const record = await deps.store.getByReference(reference)
  if (!record) return { ok: false, code: 'closed' }
  if (record.referrerKey !== actorKey(actor)) {
    await refuse(deps, actor, reference, input.requestId)
    return { ok: false, code: 'refused' }
  }
  if (!isFollowUpOpen(record)) return { ok: false, code: 'closed' }
  const read = readFollowUpInput(input.raw, amsterdamDate(deps.clock()))
  if (!read.ok) return { ok: false, code: 'invalid', errors: read.errors, values: read.values }
  const result = await runCaseCommand(deps, {
    reference,
    actor,
    command: { type: 'answerFollowUp', ...read.fields, note: read.note },
    expectedVersion: record.version,
    ...(input.requestId ? { requestId: input.requestId } : {}),
  })
  if (result.ok) return { ok: true, reference }
  if (result.error.code === 'not_allowed') return { ok: false, code: 'refused' }
  if (result.error.code === 'invalid_command' || result.error.code === 'reason_required') {
    // The note did not pass the lifecycle's text rules (e.g. control characters): shown under the note.
    return {
      ok: false,
      code: 'invalid',
      errors: { note: { nl: result.error.nl, en: result.error.en } },
      values: stringValues(input.raw),
    }
  }
  return { ok: false, code: 'closed' }
}

function stringValues(raw: Record<string, unknown>): Record<FollowUpInput, string> {
  return Object.fromEntries(
    FOLLOW_UP_INPUTS.map((name) => [name, typeof raw[name] === 'string' ? (raw[name] as string) : '']),
  ) as Record<FollowUpInput, string>
}
