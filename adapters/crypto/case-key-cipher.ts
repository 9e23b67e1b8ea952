import { type CaseKeyStore, type Cipher, CipherError, caseIdOfAad, caseKeyAad } from '../../src/ports/cipher'
import { fromBase64, toBase64Url } from './aes-gcm-cipher'

/**
 * Per-case data keys (issue 14 §10). Wraps a master `Cipher` (`ENCRYPTION_KEYS`): a value whose AAD
 * names a case (`case:<id>:…`) is encrypted with AES-256-GCM under that case's own random 256-bit key,
 * written as `v2.case.<iv>.<ciphertext+tag>`; the case key itself is stored wrapped by the active master
 * key (`v1.<kid>.…`, AAD `casekey:<id>`) in the `CaseKeyStore`. Everything else (drafts, the case keys)
 * goes to the master cipher unchanged. Key rotation re-wraps the case keys, not the data; erasure
 * destroys the wrapped key, after which `decryptJson` of the case's values fails with `key_erased`.
 *
 * Legacy values (`v1.` under a `case:` AAD, written before case keys) still decrypt with the master key.
 * Unwrapped case keys are kept only for the life of this object (one request or job).
 */

const VERSION = 'v2'
const SLOT = 'case'

/** A master cipher with per-case keys; `caseKeyed` marks it so the wiring never wraps twice. */
export interface CaseKeyCipher extends Cipher {
  readonly caseKeyed: true
}

export function isCaseKeyCipher(cipher: Cipher): cipher is CaseKeyCipher {
  return (cipher as Partial<CaseKeyCipher>).caseKeyed === true
}

export function buildCaseKeyCipher(
  master: Cipher,
  keys: CaseKeyStore,
  clock: () => Date = () => new Date(),
): CaseKeyCipher {
  if (isCaseKeyCipher(master)) return master
  const cache = new Map<string, Promise<CryptoKey>>()
  const encoder = new TextEncoder()
  const decoder = new TextDecoder()

  const importKey = (raw: Uint8Array<ArrayBuffer>) =>
    crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])

  const unwrap = async (caseId: string, keyEnc: string): Promise<CryptoKey> => {
    const text = await master.decryptJson<string>(keyEnc, caseKeyAad(caseId))
    let raw: Uint8Array<ArrayBuffer>
    try {
      raw = fromBase64(text)
    } catch {
      throw new CipherError('malformed')
    }
    if (raw.length !== 32) throw new CipherError('malformed')
    return importKey(raw)
  }

  /** The case's key; created (and stored, first writer wins) when `create` and there is none. */
  const keyOf = (caseId: string, create: boolean): Promise<CryptoKey> => {
    const cached = cache.get(caseId)
    if (cached) return cached
    const loading = (async () => {
      const stored = await keys.get(caseId)
      if (stored !== null) return unwrap(caseId, stored)
      if (!create) throw new CipherError('key_erased')
      const raw = crypto.getRandomValues(new Uint8Array(32))
      const wrapped = await master.encryptJson(toBase64Url(raw), caseKeyAad(caseId))
      const winner = await keys.putIfAbsent(caseId, wrapped, clock().toISOString())
      return winner === wrapped ? importKey(raw) : unwrap(caseId, winner)
    })()
    cache.set(caseId, loading)
    // A failure is not remembered: a later call may find (or create) the key.
    loading.catch(() => cache.delete(caseId))
    return loading
  }

  return {
    caseKeyed: true,
    get activeKeyId() {
      return master.activeKeyId
    },

    async encryptJson(value: unknown, aad: string): Promise<string> {
      const caseId = caseIdOfAad(aad)
      if (caseId === null) return master.encryptJson(value, aad)
      const key = await keyOf(caseId, true)
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const ct = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(aad) },
        key,
        encoder.encode(JSON.stringify(value ?? null)),
      )
      return [VERSION, SLOT, toBase64Url(iv), toBase64Url(new Uint8Array(ct))].join('.')
    },

    async decryptJson<T = unknown>(blob: string, aad: string): Promise<T> {
      const caseId = caseIdOfAad(aad)
      if (caseId === null || typeof blob !== 'string' || !blob.startsWith(`${VERSION}.`)) {
        return master.decryptJson<T>(blob, aad)
      }
      const parts = blob.split('.')
      if (parts.length !== 4 || parts[1] !== SLOT) throw new CipherError('malformed')
      let iv: Uint8Array<ArrayBuffer>
      let ct: Uint8Array<ArrayBuffer>
      try {
        iv = fromBase64(parts[2] as string)
        ct = fromBase64(parts[3] as string)
      } catch {
        throw new CipherError('malformed')
      }
      if (iv.length !== 12 || ct.length < 16) throw new CipherError('malformed')
      const key = await keyOf(caseId, false)
      let plain: ArrayBuffer
      try {
        plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv, additionalData: encoder.encode(aad) },
          key,
          ct,
        )
      } catch {
        throw new CipherError('decrypt_failed')
      }
      return JSON.parse(decoder.decode(plain)) as T
    },
  }
}
