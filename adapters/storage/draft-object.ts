import { DurableObject } from 'cloudflare:workers'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import type { DialogueEvent, DraftState, StepResult } from '../../src/domain/dialogue-types'
import type { Cipher } from '../../src/ports/cipher'
import { buildDraftTransition } from './draft-transition'

interface StoredDraft {
  /** The conversation key this draft belongs to (also the AAD of its ciphertext). */
  key: string
  /** The DraftState, AES-GCM encrypted (`v1.<kid>.<iv>.<ciphertext>`). */
  blob: string
}

const STORAGE_KEY = 'draft'

/**
 * One intake conversation's draft: the single writer for that conversation (DESIGN.md §2), one object
 * per conversation key `{surface}:{tenant}:{user}` (`idFromName`). Events are applied one at a time
 * (`blockConcurrencyWhile`), so a double click or a retried request cannot fork the draft. The state is
 * stored encrypted with AAD = the conversation key, in the object's own SQLite storage, which survives
 * restarts; any browser with the same identity reaches the same object.
 */
export class DraftObject extends DurableObject<Env> {
  private cipher: Cipher | null = null

  private getCipher(): Cipher {
    this.cipher ??= buildAesGcmCipher(this.env.ENCRYPTION_KEYS)
    return this.cipher
  }

  private async read(key: string): Promise<DraftState | null> {
    const stored = await this.ctx.storage.get<StoredDraft>(STORAGE_KEY)
    if (!stored) return null
    // An object belongs to one key (idFromName); anything else is a wiring error, never data to show.
    if (stored.key !== key) throw new Error('draft key mismatch')
    return this.getCipher().decryptJson<DraftState>(stored.blob, key)
  }

  /** The current draft of `key`, or null. */
  async load(key: string): Promise<DraftState | null> {
    return this.read(key)
  }

  /** Applies one event (see `buildDraftTransition`) and persists the result before answering. */
  async apply(key: string, event: DialogueEvent, nowIso: string): Promise<StepResult> {
    const now = new Date(nowIso)
    if (Number.isNaN(now.getTime())) throw new Error('invalid time')
    return this.ctx.blockConcurrencyWhile(async () => {
      const current = await this.read(key)
      const { result, write } = buildDraftTransition(current, event, now, () => crypto.randomUUID())
      if (write === 'delete') await this.ctx.storage.delete(STORAGE_KEY)
      else if (write === 'put') {
        const blob = await this.getCipher().encryptJson(result.state, key)
        await this.ctx.storage.put<StoredDraft>(STORAGE_KEY, { key, blob })
      }
      return result
    })
  }

  /** Erases the draft. */
  async reset(_key: string): Promise<void> {
    await this.ctx.storage.deleteAll()
  }
}

export { buildDurableDraftStore } from './durable-draft-store'
