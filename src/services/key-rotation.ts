import { logger } from '../logger'
import { type Cipher, caseIdOfAad, isCaseKeyed } from '../ports/cipher'
import type { DraftMaintenance, PrivacyStore } from '../ports/privacy'

/**
 * Key rotation without downtime. Operators first deploy the new key in front of the old ones
 * (`ENCRYPTION_KEYS="k2:…,k1:…"`: new case keys are wrapped under k2, old ones still unwrap), then run
 * `ret rotate-key`. Case data is encrypted under per-case keys (issue 14 §10), so rotation **re-wraps the
 * case keys** (`case_keys.key_enc`) instead of re-encrypting the data; values written before case keys
 * (`v1.` under a master key) are moved to their case key in the same pass. A batch at a time, each write
 * a compare-and-set (a value changed meanwhile is simply picked up by the next batch). Drafts (no case
 * yet) are re-encrypted inside their Durable Object. R2 objects are never rewritten: each has its own
 * data key, wrapped by the case key. Afterwards the old key can be removed from `ENCRYPTION_KEYS`.
 * `cipher` must be the case-key cipher (the wiring's `deps.cipher`).
 */

export interface RotationDeps {
  cipher: Cipher
  privacy: PrivacyStore
  drafts: DraftMaintenance
  /** The keyring the drafts should use (`ENCRYPTION_KEYS`); undefined = their own binding. */
  keyring?: string
}

export interface RotationReport {
  activeKeyId: string
  /** Database values rewritten: case keys re-wrapped plus old values moved to their case key. */
  values: number
  /** Drafts re-encrypted. */
  drafts: number
  /** Batches run (database + drafts). */
  batches: number
  /** Values wrapped directly by a master key, per key id, afterwards (only the active one when done). */
  keyIds: Record<string, number>
  /** False when `maxBatches` ran out first: call again with `draftCursor` to go on. */
  done: boolean
  /** Where the draft pass stopped (pass it back to continue); null before it started. */
  draftCursor: string | null
}

/** Re-encrypts everything under the active key; `batchSize` values per round trip. */
export async function runRotateKeys(
  deps: RotationDeps,
  options: { batchSize?: number; maxBatches?: number; draftCursor?: string } = {},
): Promise<RotationReport> {
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 100, 500))
  const maxBatches = options.maxBatches ?? 100_000
  const active = deps.cipher.activeKeyId
  if (!active) throw new Error('no active key')
  let values = 0
  let drafts = 0
  let batches = 0

  // Values a batch could not rewrite (changed meanwhile) come back in the next one; a value that
  // fails twice in a row to decrypt is a real problem and stops the run instead of looping.
  let previousFailures = new Set<string>()
  let dbDone = false
  while (batches < maxBatches) {
    const stale = await deps.privacy.listStaleCiphertexts(active, batchSize)
    if (stale.length === 0) {
      dbDone = true
      break
    }
    batches++
    const failures = new Set<string>()
    for (const value of stale) {
      const id = `${value.table}.${value.column}.${value.rowId}`
      try {
        const plain = await deps.cipher.decryptJson(value.previous, value.aad)
        const target = value.nextAad ?? value.aad
        const next = await deps.cipher.encryptJson(plain, target)
        // Data must land under its case key; a plain master cipher would rewrite it under the master.
        if (caseIdOfAad(target) !== null && !isCaseKeyed(next)) throw new Error('rotation needs case keys')
        if (await deps.privacy.replaceCiphertext(value, next)) values++
      } catch (error) {
        if (previousFailures.has(id)) throw error
        failures.add(id)
      }
    }
    previousFailures = failures
    logger.info('rotate_keys_batch', { phase: 'database', count: stale.length })
  }

  let after = options.draftCursor ?? ''
  let draftsDone = false
  while (dbDone && batches < maxBatches) {
    const keys = await deps.privacy.listDraftKeys(after, batchSize)
    if (keys.length === 0) {
      draftsDone = true
      break
    }
    batches++
    for (const key of keys) {
      if ((await deps.drafts.rekey(key, deps.keyring)) === 'rekeyed') drafts++
    }
    after = keys.at(-1) ?? after
    logger.info('rotate_keys_batch', { phase: 'drafts', count: keys.length })
  }

  const keyIds = await deps.privacy.countByKeyId()
  const done = dbDone && draftsDone
  logger.info(done ? 'rotate_keys_done' : 'rotate_keys_paused', { count: values + drafts })
  return { activeKeyId: active, values, drafts, batches, keyIds, done, draftCursor: dbDone ? after : null }
}
