import { type Cipher, CipherError } from '../../src/ports/cipher'

/**
 * AES-256-GCM over WebCrypto (the same code runs in Node and workerd). Each value gets a fresh random
 * 96-bit IV and is written as `v1.<kid>.<iv>.<ciphertext+tag>` in base64url, so a key id travels with
 * every value: rotate by putting a new key first in `ENCRYPTION_KEYS` and keeping the old ones after it.
 */

const VERSION = 'v1'
const KID = /^[A-Za-z0-9_-]{1,32}$/

/** One key of the keyring as configured. */
export interface KeySpec {
  kid: string
  raw: Uint8Array<ArrayBuffer>
}

/** Parses `"kid:base64key,kid2:base64key2"`; the first key is the active one. Throws `CipherError`. */
export function parseKeyring(spec: string | undefined): KeySpec[] {
  const parts = (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (parts.length === 0) throw new CipherError('no_keys')
  const seen = new Set<string>()
  return parts.map((part) => {
    const colon = part.indexOf(':')
    const kid = part.slice(0, colon)
    if (colon < 1 || !KID.test(kid) || seen.has(kid)) throw new CipherError('bad_key')
    seen.add(kid)
    let raw: Uint8Array<ArrayBuffer>
    try {
      raw = fromBase64(part.slice(colon + 1))
    } catch {
      throw new CipherError('bad_key')
    }
    if (raw.length !== 32) throw new CipherError('bad_key')
    return { kid, raw }
  })
}

/** Builds a cipher from an `ENCRYPTION_KEYS` value. Keys are imported once, on first use. */
export function buildAesGcmCipher(spec: string | undefined): Cipher {
  const keyring = parseKeyring(spec)
  const active = keyring[0] as KeySpec
  const imported = new Map<string, Promise<CryptoKey>>()
  const keyFor = (kid: string): Promise<CryptoKey> => {
    let key = imported.get(kid)
    if (!key) {
      const found = keyring.find((k) => k.kid === kid)
      if (!found) throw new CipherError('unknown_key')
      key = importAesKey(found.raw)
      imported.set(kid, key)
    }
    return key
  }
  return {
    activeKeyId: active.kid,

    async encryptJson(value: unknown, aad: string): Promise<string> {
      return `${VERSION}.${active.kid}.${await sealJson(await keyFor(active.kid), value, aad)}`
    },

    async decryptJson<T = unknown>(blob: string, aad: string): Promise<T> {
      const parts = typeof blob === 'string' ? blob.split('.') : []
      if (parts.length !== 4 || parts[0] !== VERSION) throw new CipherError('malformed')
      const [, kid, ivText, ctText] = parts as [string, string, string, string]
      const sealed = parseSealed(ivText, ctText)
      return openJson<T>(await keyFor(kid), sealed, aad)
    },
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Imports 32 random bytes as an AES-256-GCM key (master keys, case keys, draft keys). */
export function importAesKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
}

/** AES-GCM over a JSON value, bound to `aad`: `<iv>.<ciphertext+tag>`, both base64url (a fresh 96-bit IV). */
export async function sealJson(key: CryptoKey, value: unknown, aad: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(aad) },
    key,
    encoder.encode(JSON.stringify(value ?? null)),
  )
  return `${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ct))}`
}

export interface Sealed {
  iv: Uint8Array<ArrayBuffer>
  ct: Uint8Array<ArrayBuffer>
}

/** The IV and ciphertext of a sealed value's two parts; `malformed` unless both are well formed. */
export function parseSealed(ivText: string, ctText: string): Sealed {
  let sealed: Sealed
  try {
    sealed = { iv: fromBase64(ivText), ct: fromBase64(ctText) }
  } catch {
    throw new CipherError('malformed')
  }
  if (sealed.iv.length !== 12 || sealed.ct.length < 16) throw new CipherError('malformed')
  return sealed
}

/** Opens a sealed value; `decrypt_failed` when the key, the AAD or a byte does not match. */
export async function openJson<T>(key: CryptoKey, { iv, ct }: Sealed, aad: string): Promise<T> {
  let plain: ArrayBuffer
  try {
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(aad) }, key, ct)
  } catch {
    throw new CipherError('decrypt_failed')
  }
  return JSON.parse(decoder.decode(plain)) as T
}

/**
 * A fresh 256-bit data key (a case's, a draft's) and its form wrapped by the master keyring under `aad`,
 * for storing apart from the data it encrypts.
 */
export async function newDataKey(master: Cipher, aad: string): Promise<{ key: CryptoKey; keyEnc: string }> {
  const raw = crypto.getRandomValues(new Uint8Array(32))
  const keyEnc = await master.encryptJson(toBase64Url(raw), aad)
  return { key: await importAesKey(raw), keyEnc }
}

/** A data key from its wrapped form (any key id the master keyring holds); `malformed` unless 32 bytes. */
export async function unwrapDataKey(master: Cipher, keyEnc: string, aad: string): Promise<CryptoKey> {
  const text = await master.decryptJson<string>(keyEnc, aad)
  let raw: Uint8Array<ArrayBuffer>
  try {
    raw = fromBase64(text)
  } catch {
    throw new CipherError('malformed')
  }
  if (raw.length !== 32) throw new CipherError('malformed')
  return importAesKey(raw)
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Decodes base64 or base64url (padding optional); throws on anything else. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) throw new Error('not base64')
  const normal = text.replace(/-/g, '+').replace(/_/g, '/')
  const bin = atob(normal + '='.repeat((4 - (normal.length % 4)) % 4))
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}
