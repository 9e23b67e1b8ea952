import { DurableObject } from 'cloudflare:workers'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import { newDraft, step } from '../../src/domain/dialogue'
import type { DialogueEvent, DraftState, StepResult } from '../../src/domain/dialogue-types'
import type { Lang } from '../../src/domain/enums'
import { DEFAULT_RULES } from '../../src/domain/rules'
import { DEFAULT_SCRIPT } from '../../src/domain/script'
import type { Cipher } from '../../src/ports/cipher'
import type { DraftStore } from '../../src/ports/draft-store'

/** What a draft transition asks the store to do with the stored draft. */
export type DraftWrite = 'put' | 'delete' | 'none'

const ENDED = new Set(['submitted', 'cancelled'])

/**
 * The pure part of the single writer: the next draft for one event, and what to store.
 * - No draft yet, or `start` after a submitted/cancelled one: a new draft (new id) is begun first.
 * - A cancelled draft is erased (no personal data kept for a referral nobody sends).
 * - A submitted draft keeps only its reference: the case holds the answers from then on.
 */
export function buildDraftTransition(
  current: DraftState | null,
  event: DialogueEvent,
  now: Date,
  newDraftId: () => string,
): { result: StepResult; write: DraftWrite } {
  const fresh = current === null || (event.type === 'start' && ENDED.has(current.phase))
  if (fresh) {
    const lang: Lang =
      (event.type === 'start' || event.type === 'setLang' ? event.lang : undefined) ?? current?.lang ?? 'nl'
    const begun = newDraft(newDraftId(), lang, now, DEFAULT_SCRIPT)
    if (event.type === 'start') return { result: { state: begun, effects: [], errors: [] }, write: 'put' }
    const result = step(begun, event, DEFAULT_SCRIPT, now, DEFAULT_RULES)
    return { result, write: result.state.phase === 'cancelled' ? 'delete' : 'put' }
  }
  const result = step(current, event, DEFAULT_SCRIPT, now, DEFAULT_RULES)
  if (result.state === current) return { result, write: 'none' }
  if (result.state.phase === 'cancelled') return { result, write: 'delete' }
  if (result.state.phase === 'submitted') {
    const minimal: DraftState = { ...result.state, answers: {}, pending: null }
    return { result: { ...result, state: minimal }, write: 'put' }
  }
  return { result, write: 'put' }
}

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

/** The DraftStore port on the `DRAFTS` Durable Object namespace. */
export function buildDurableDraftStore(namespace: DurableObjectNamespace<DraftObject>): DraftStore {
  const stub = (key: string) => namespace.get(namespace.idFromName(key))
  return {
    load: async (key) => (await stub(key).load(key)) as DraftState | null,
    apply: async (key, event, nowIso) => (await stub(key).apply(key, event, nowIso)) as StepResult,
    reset: async (key) => {
      await stub(key).reset(key)
    },
  }
}
