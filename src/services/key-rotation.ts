import { logger } from '../logger'
import type { Cipher } from '../ports/cipher'
import type { DraftMaintenance, PrivacyStore } from '../ports/privacy'

/**
 * Key rotation without downtime. Operators first deploy the new key in front of the old ones
 * (`ENCRYPTION_KEYS="k2:…,k1:…"`: new values are written under k2, old ones still decrypt), then run
 * `ret rotate-key`, which re-encrypts every value still under another key id, a batch at a time, each
 * write a compare-and-set (a value changed meanwhile is simply picked up by the next batch). Drafts are
 * re-encrypted inside their Durable Object. R2 objects are encrypted with their own data key; only
 * that wrapped key (`case_files.key_enc`) carries a key id, so re-wrapping it is the rotation.
 * Afterwards the old key can be removed from `ENCRYPTION_KEYS`.
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
  /** Database values re-encrypted. */
  values: number
  /** Drafts re-encrypted. */
  drafts: number
  /** Batches run (database + drafts). */
  batches: number
  /** Encrypted values per key id afterwards (only the active one when done). */
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
        const next = await deps.cipher.encryptJson(plain, value.aad)
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
