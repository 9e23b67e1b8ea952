import { DurableObject } from 'cloudflare:workers'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import type { DialogueEvent, DraftState, StepResult } from '../../src/domain/dialogue-types'
import { regionOf } from '../../src/domain/region'
import { type Cipher, CipherError } from '../../src/ports/cipher'
import { type ApplyGuard, type GuardedStepResult, passesGuard } from '../../src/ports/draft-store'
import {
  DRAFT_BLOB_PREFIX,
  decryptDraft,
  encryptDraft,
  newDraftKey,
  rewrapDraftKey,
  unwrapDraftKey,
} from '../crypto/draft-key'
import { buildDraftTransition } from './draft-transition'

interface StoredDraft {
  /** The conversation key this draft belongs to (also the AAD of its ciphertext). */
  key: string
  /**
   * The DraftState, AES-GCM encrypted under the draft's own data key (`v2.draft.<iv>.<ciphertext>`; the
   * key wrapped in D1 `draft_keys.key_enc`), or under the master key for drafts written before
   * (`v1.<kid>.<iv>.<ciphertext>`).
   */
  blob: string
}

const STORAGE_KEY = 'draft'

function parseNow(nowIso: string): Date {
  const now = new Date(nowIso)
  if (Number.isNaN(now.getTime())) throw new Error('invalid time')
  return now
}

/**
 * One intake conversation's draft: the single writer for that conversation (DESIGN.md §2), one object
 * per conversation key `{surface}:{tenant}:{user}` (`idFromName`). Events are applied one at a time
 * (`blockConcurrencyWhile`), so a double click or a retried request cannot fork the draft. The state is
 * stored encrypted with AAD = the conversation key, in the object's own SQLite storage, which survives
 * restarts; any browser with the same identity reaches the same object. The encryption key is the draft's
 * own (adapters/crypto/draft-key.ts), kept wrapped in D1 apart from this storage and deleted with the draft.
 *
 * As the only writer of its storage, the object keeps the last state it read or wrote in memory (never at
 * rest), so a `load` or `apply` answers without a storage read and a decryption: a web step is three
 * calls (load, apply, and the load of the page after the redirect) and a dialogue step in the 200-user
 * bench paid a decryption in each. Every write goes through storage first and then the memory copy.
 */
export class DraftObject extends DurableObject<Env> {
  private cipher: Cipher | null = null
  private registered = false
  /** The draft's unwrapped data key, for the life of this object (never at rest unwrapped). */
  private dataKey: { key: string; crypto: CryptoKey } | null = null
  /** The decrypted draft as last read or written (undefined: not known yet, read storage). */
  private current: { key: string; state: DraftState | null } | undefined

  private getCipher(): Cipher {
    this.cipher ??= buildAesGcmCipher(this.env.ENCRYPTION_KEYS)
    return this.cipher
  }

  /**
   * Records the conversation key in D1 (`draft_keys`, identity keys only) once per object, so key
   * rotation and retention can reach every draft (Durable Objects cannot be listed).
   */
  private async register(key: string, nowIso: string): Promise<void> {
    if (this.registered) return
    await this.env.DB.prepare('INSERT OR IGNORE INTO draft_keys (key, created_at) VALUES (?1, ?2)')
      .bind(key, nowIso)
      .run()
    this.registered = true
  }

  private async unregister(key: string): Promise<void> {
    // Deleting the row destroys the draft's data key (issue 14): copies of the storage stay unreadable.
    await this.env.DB.prepare('DELETE FROM draft_keys WHERE key = ?1').bind(key).run()
    this.registered = false
    this.dataKey = null
  }

  /** The wrapped data key of `key` in D1, or null (none yet, or erased). */
  private async storedKeyEnc(key: string): Promise<string | null> {
    const row = await this.env.DB.prepare('SELECT key_enc FROM draft_keys WHERE key = ?1')
      .bind(key)
      .first<{ key_enc: string | null }>()
    return row?.key_enc ?? null
  }

  /**
   * The draft's data key: unwrapped from D1, or (with `createAt`) made, wrapped by the active master key
   * and stored — also registering the key. Null without one and without `createAt`.
   */
  private async draftKeyOf(key: string, master: Cipher, createAt?: string): Promise<CryptoKey | null> {
    if (this.dataKey?.key === key) return this.dataKey.crypto
    const keyEnc = await this.storedKeyEnc(key)
    if (keyEnc !== null) {
      const unwrapped = await unwrapDraftKey(master, key, keyEnc)
      this.dataKey = { key, crypto: unwrapped }
      return unwrapped
    }
    if (createAt === undefined) return null
    const made = await newDraftKey(master, key)
    await this.env.DB.prepare(
      'INSERT INTO draft_keys (key, created_at, key_enc) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET key_enc = excluded.key_enc',
    )
      .bind(key, createAt, made.keyEnc)
      .run()
    this.registered = true
    this.dataKey = { key, crypto: made.key }
    return made.key
  }

  /** Decrypts a stored blob: under the draft's own key, or a legacy blob under the master key. */
  private async decryptBlob(key: string, blob: string, master: Cipher): Promise<DraftState> {
    if (!blob.startsWith(DRAFT_BLOB_PREFIX)) return master.decryptJson<DraftState>(blob, key)
    const dataKey = await this.draftKeyOf(key, master)
    if (!dataKey) throw new CipherError('key_erased')
    return decryptDraft<DraftState>(dataKey, blob, key)
  }

  private async read(key: string): Promise<DraftState | null> {
    if (this.current?.key === key) return this.current.state
    const stored = await this.ctx.storage.get<StoredDraft>(STORAGE_KEY)
    if (!stored) {
      this.current = { key, state: null }
      return null
    }
    // An object belongs to one key (idFromName); anything else is a wiring error, never data to show.
    if (stored.key !== key) throw new Error('draft key mismatch')
    const state = await this.decryptBlob(key, stored.blob, this.getCipher())
    this.current = { key, state }
    return state
  }

  /** The current draft of `key`, or null. */
  async load(key: string): Promise<DraftState | null> {
    return this.read(key)
  }

  /** Applies one event (see `buildDraftTransition`) and persists the result before answering. */
  async apply(key: string, event: DialogueEvent, nowIso: string): Promise<StepResult> {
    const now = parseNow(nowIso)
    return this.ctx.blockConcurrencyWhile(async () =>
      this.transition(key, await this.read(key), event, now, nowIso),
    )
  }

  /**
   * `apply` when the draft passes `guard`, else the draft as it is and nothing changed: the check and the
   * event in one call (a web step or a Teams button needs no `load` before it).
   */
  async applyIf(
    key: string,
    event: DialogueEvent,
    nowIso: string,
    guard: ApplyGuard,
  ): Promise<GuardedStepResult> {
    const now = parseNow(nowIso)
    return this.ctx.blockConcurrencyWhile(async () => {
      const current = await this.read(key)
      if (!passesGuard(current, guard)) return { applied: false, state: current }
      const before = current && { phase: current.phase, stepId: current.stepId, lang: current.lang }
      return { applied: true, result: await this.transition(key, current, event, now, nowIso), before }
    })
  }

  private async transition(
    key: string,
    current: DraftState | null,
    event: DialogueEvent,
    now: Date,
    nowIso: string,
  ): Promise<StepResult> {
    const { result, write } = buildDraftTransition(
      current,
      event,
      now,
      () => crypto.randomUUID(),
      regionOf(this.env),
    )
    if (write === 'delete') {
      await this.ctx.storage.delete(STORAGE_KEY)
      this.current = { key, state: null }
      await this.unregister(key)
    } else if (write === 'put') {
      const dataKey = (await this.draftKeyOf(key, this.getCipher(), nowIso)) as CryptoKey
      const blob = await encryptDraft(dataKey, result.state, key)
      await this.ctx.storage.put<StoredDraft>(STORAGE_KEY, { key, blob })
      this.current = { key, state: result.state }
      await this.register(key, nowIso)
    }
    return result
  }

  /** Erases the draft. */
  async reset(key: string): Promise<void> {
    await this.ctx.storage.deleteAll()
    this.current = undefined
    await this.unregister(key)
  }

  /**
   * Key rotation under the active key of `keyring` (default: this Worker's `ENCRYPTION_KEYS`): re-wraps
   * the draft's data key in D1 (the draft itself is not touched), or moves a draft written before data
   * keys (`v1.` under the master key) to a data key of its own. `missing` when there is no draft (its key
   * is then unregistered).
   */
  async rekey(key: string, keyring?: string): Promise<'rekeyed' | 'current' | 'missing'> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const stored = await this.ctx.storage.get<StoredDraft>(STORAGE_KEY)
      if (!stored) {
        await this.unregister(key)
        return 'missing'
      }
      if (stored.key !== key) throw new Error('draft key mismatch')
      const cipher = keyring === undefined ? this.getCipher() : buildAesGcmCipher(keyring)
      if (stored.blob.startsWith(DRAFT_BLOB_PREFIX)) {
        const keyEnc = await this.storedKeyEnc(key)
        if (keyEnc === null) throw new CipherError('key_erased')
        if (keyEnc.startsWith(`v1.${cipher.activeKeyId}.`)) return 'current'
        await this.env.DB.prepare('UPDATE draft_keys SET key_enc = ?2 WHERE key = ?1 AND key_enc = ?3')
          .bind(key, await rewrapDraftKey(cipher, key, keyEnc), keyEnc)
          .run()
        this.dataKey = null
        return 'rekeyed'
      }
      const state = await cipher.decryptJson<DraftState>(stored.blob, key)
      const dataKey = (await this.draftKeyOf(key, cipher, state.updatedAt)) as CryptoKey
      await this.ctx.storage.put<StoredDraft>(STORAGE_KEY, {
        key,
        blob: await encryptDraft(dataKey, state, key),
      })
      this.current = { key, state }
      return 'rekeyed'
    })
  }

  /**
   * Retention: erases the draft when it was last changed before `beforeIso`, or when it is a submitted
   * draft of `reference` (the case is being erased). Returns whether it was erased.
   */
  async expire(key: string, options: { beforeIso?: string; reference?: string }): Promise<boolean> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const stored = await this.ctx.storage.get<StoredDraft>(STORAGE_KEY)
      if (!stored) {
        await this.unregister(key)
        return false
      }
      const state = await this.read(key)
      const old =
        options.beforeIso !== undefined &&
        state !== null &&
        Date.parse(state.updatedAt) < Date.parse(options.beforeIso)
      const ofCase = options.reference !== undefined && state?.reference === options.reference
      if (!old && !ofCase) return false
      await this.ctx.storage.deleteAll()
      this.current = undefined
      await this.unregister(key)
      return true
    })
  }
}

export { buildDurableDraftStore } from './durable-draft-store'
