import { type CaseKeyStore, type Cipher, CipherError, caseIdOfAad, caseKeyAad } from '../../src/ports/cipher'
import { newDataKey, openJson, parseSealed, sealJson, unwrapDataKey } from './aes-gcm-cipher'

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
  const unwrap = (caseId: string, keyEnc: string) => unwrapDataKey(master, keyEnc, caseKeyAad(caseId))

  /** The case's key; created (and stored, first writer wins) when `create` and there is none. */
  const keyOf = (caseId: string, create: boolean): Promise<CryptoKey> => {
    const cached = cache.get(caseId)
    if (cached) return cached
    const loading = (async () => {
      const stored = await keys.get(caseId)
      if (stored !== null) return unwrap(caseId, stored)
      if (!create) throw new CipherError('key_erased')
      const { key, keyEnc } = await newDataKey(master, caseKeyAad(caseId))
      const winner = await keys.putIfAbsent(caseId, keyEnc, clock().toISOString())
      return winner === keyEnc ? key : unwrap(caseId, winner)
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
      return `${VERSION}.${SLOT}.${await sealJson(key, value, aad)}`
    },

    async decryptJson<T = unknown>(blob: string, aad: string): Promise<T> {
      const caseId = caseIdOfAad(aad)
      if (caseId === null || typeof blob !== 'string' || !blob.startsWith(`${VERSION}.`)) {
        return master.decryptJson<T>(blob, aad)
      }
      const parts = blob.split('.')
      if (parts.length !== 4 || parts[1] !== SLOT) throw new CipherError('malformed')
      const sealed = parseSealed(parts[2] as string, parts[3] as string)
      return openJson<T>(await keyOf(caseId, false), sealed, aad)
    },
  }
}
