import type { Bilingual } from '../domain/copy'
import { both } from '../domain/copy'
import type { Intake, ValidationError } from '../domain/intake'
import {
  RECTIFIABLE_FIELDS,
  RectifyInputSchema,
  rectifiableFieldsMessage,
  rectifyBodyMessage,
  rectifyIntake,
} from '../domain/rectify'
import type { Actor } from '../domain/types'
import { logger } from '../logger'
import { eventAad, intakeAad, pseudonymAad } from '../ports/cipher'
import { authorize, buildAuditEntry } from './access'
import { caseChangedJob } from './cases'
import type { Deps } from './deps'

/**
 * Rectification of one personal field (AVG art. 16; issue 14 §11). A chair of the case's region or an
 * admin corrects a field of the intake (`RECTIFIABLE_FIELDS`); the whole intake is validated again, the
 * change is a `rectify` event on the timeline (its data names the field, encrypted like all event data)
 * and an audit row `change` / `rectify:<field>` — never the old or the new value. The PDF is rendered
 * again (job `case.changed`).
 */

export interface RectifyInput {
  reference: string
  field: string
  value: string | null
  /** Why the field is corrected (required; kept encrypted in the timeline event). */
  reason: string
  actor: Actor
  requestId?: string | null
}

export type RectifyResult =
  | { ok: true; reference: string; field: string; changed: boolean; version: number }
  | {
      ok: false
      code: 'not_found' | 'forbidden' | 'bad_field' | 'invalid' | 'conflict'
      message: Bilingual
      errors?: ValidationError[]
    }

export async function runRectifyField(deps: Deps, input: RectifyInput): Promise<RectifyResult> {
  const { reference, field, actor } = input
  const requestId = input.requestId ?? null
  const record = await deps.store.getByReference(reference)
  if (!record) return { ok: false, code: 'not_found', message: both('privacy.erase.notFound', { reference }) }
  if (!(await authorize(deps, { actor, action: 'case.rectify', kase: record, reference, requestId }))) {
    return { ok: false, code: 'forbidden', message: both('privacy.errors.forbidden') }
  }
  const intake = await deps.cipher.decryptJson<Intake>(record.intakeEnc, intakeAad(record.id))
  const outcome = rectifyIntake(intake, field, input.value)
  if (!outcome.ok) {
    return outcome.code === 'bad_field'
      ? { ok: false, code: 'bad_field', message: rectifiableFieldsMessage() }
      : {
          ok: false,
          code: 'invalid',
          message: both('privacy.errors.badValue', { field }),
          errors: outcome.errors,
        }
  }
  if (!outcome.changed) return { ok: true, reference, field, changed: false, version: record.version }

  const now = deps.clock()
  const audit = buildAuditEntry(now, actor, 'change', reference, { requestId, detail: `rectify:${field}` })
  const next = outcome.intake
  const pseudonym = next.consultationOnly ? null : next.child.pseudonym
  const version = record.version + 1
  const updated = await deps.store.replaceIntake(
    record.id,
    record.version,
    {
      intakeEnc: await deps.cipher.encryptJson(next, intakeAad(record.id)),
      pseudonymEnc:
        field === 'child.pseudonym'
          ? pseudonym === null
            ? null
            : await deps.cipher.encryptJson(pseudonym, pseudonymAad(record.id))
          : record.pseudonymEnc,
    },
    {
      type: 'rectify',
      at: audit.at,
      actorKey: audit.actorKey,
      surface: actor.surface,
      from: record.status,
      to: record.status,
      dataEnc: await deps.cipher.encryptJson({ field, reason: input.reason }, eventAad(record.id, version)),
    },
  )
  if (!updated.ok) return { ok: false, code: 'conflict', message: both('privacy.rectify.conflict') }
  await deps.store.audit(audit)
  await deps.queue.send(caseChangedJob(reference, updated.record.version))
  logger.info('case_rectified', { reference, phase: field })
  return { ok: true, reference, field, changed: true, version: updated.record.version }
}

export { RECTIFIABLE_FIELDS, RectifyInputSchema, rectifyBodyMessage }
