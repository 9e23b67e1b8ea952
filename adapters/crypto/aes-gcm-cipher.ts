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
      key = crypto.subtle.importKey('raw', found.raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
      imported.set(kid, key)
    }
    return key
  }
  const encoder = new TextEncoder()
  const decoder = new TextDecoder()

  return {
    activeKeyId: active.kid,

    async encryptJson(value: unknown, aad: string): Promise<string> {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const plaintext = encoder.encode(JSON.stringify(value ?? null))
      const ct = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(aad) },
        await keyFor(active.kid),
        plaintext,
      )
      return [VERSION, active.kid, toBase64Url(iv), toBase64Url(new Uint8Array(ct))].join('.')
    },

    async decryptJson<T = unknown>(blob: string, aad: string): Promise<T> {
      const parts = typeof blob === 'string' ? blob.split('.') : []
      if (parts.length !== 4 || parts[0] !== VERSION) throw new CipherError('malformed')
      const [, kid, ivText, ctText] = parts as [string, string, string, string]
      let iv: Uint8Array<ArrayBuffer>
      let ct: Uint8Array<ArrayBuffer>
      try {
        iv = fromBase64(ivText)
        ct = fromBase64(ctText)
      } catch {
        throw new CipherError('malformed')
      }
      if (iv.length !== 12 || ct.length < 16) throw new CipherError('malformed')
      const key = await keyFor(kid)
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
