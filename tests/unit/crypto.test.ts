import { describe, expect, it } from 'vitest'
import { buildAesGcmCipher, parseKeyring } from '../../adapters/crypto/aes-gcm-cipher'
import { CipherError } from '../../src/ports/cipher'

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes))
}

const K1 = `k1:${randomKey()}`
const K2 = `k2:${randomKey()}`
const AAD = 'case:abc:intake'
const VALUE = { child: { pseudonym: 'J.', birthYear: 2011 }, question: 'Wat vragen jullie? ĳ Ł ő' }

async function rejection(promise: Promise<unknown>): Promise<CipherError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof CipherError) return error
    throw error
  }
  throw new Error('expected a CipherError')
}

describe('AES-256-GCM cipher', () => {
  it('round-trips JSON under the active key, with the key id in the value', async () => {
    const cipher = buildAesGcmCipher(K1)
    const blob = await cipher.encryptJson(VALUE, AAD)
    expect(blob).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/)
    expect(blob).not.toContain('J.')
    expect(await cipher.decryptJson(blob, AAD)).toEqual(VALUE)
    expect(cipher.activeKeyId).toBe('k1')
  })

  it('uses a fresh IV for every value', async () => {
    const cipher = buildAesGcmCipher(K1)
    const a = await cipher.encryptJson(VALUE, AAD)
    const b = await cipher.encryptJson(VALUE, AAD)
    expect(a.split('.')[2]).not.toBe(b.split('.')[2])
    expect(a).not.toBe(b)
  })

  it('refuses a tampered ciphertext', async () => {
    const cipher = buildAesGcmCipher(K1)
    const blob = await cipher.encryptJson(VALUE, AAD)
    const parts = blob.split('.')
    const ct = parts[3] as string
    parts[3] = (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1)
    expect((await rejection(cipher.decryptJson(parts.join('.'), AAD))).code).toBe('decrypt_failed')
  })

  it('refuses a value moved to another record (AAD binding)', async () => {
    const cipher = buildAesGcmCipher(K1)
    const blob = await cipher.encryptJson(VALUE, 'case:one:intake')
    expect((await rejection(cipher.decryptJson(blob, 'case:two:intake'))).code).toBe('decrypt_failed')
  })

  it('refuses malformed values and unknown key ids', async () => {
    const cipher = buildAesGcmCipher(K1)
    expect((await rejection(cipher.decryptJson('plain text', AAD))).code).toBe('malformed')
    expect((await rejection(cipher.decryptJson('v1.k1.!!.??', AAD))).code).toBe('malformed')
    const other = await buildAesGcmCipher(K2).encryptJson(VALUE, AAD)
    expect((await rejection(cipher.decryptJson(other, AAD))).code).toBe('unknown_key')
  })

  it('rotates: old values still decrypt, new ones use the new key', async () => {
    const before = buildAesGcmCipher(K1)
    const old = await before.encryptJson(VALUE, AAD)
    const after = buildAesGcmCipher(`${K2},${K1}`)
    expect(await after.decryptJson(old, AAD)).toEqual(VALUE)
    const fresh = await after.encryptJson(VALUE, AAD)
    expect(fresh.split('.')[1]).toBe('k2')
    expect((await rejection(before.decryptJson(fresh, AAD))).code).toBe('unknown_key')
  })

  it('parses the keyring and refuses bad settings with a code, not the key', () => {
    expect(parseKeyring(` ${K1} , ${K2} `).map((k) => k.kid)).toEqual(['k1', 'k2'])
    const code = (spec: string | undefined) => {
      try {
        parseKeyring(spec)
        return 'ok'
      } catch (error) {
        return error instanceof CipherError ? error.code : 'other'
      }
    }
    expect(code(undefined)).toBe('no_keys')
    expect(code('')).toBe('no_keys')
    expect(code('nokid')).toBe('bad_key')
    expect(code(`k1:${btoa('short')}`)).toBe('bad_key')
    expect(code(`${K1},${K1}`)).toBe('bad_key')
    expect(code('k1:not base64!')).toBe('bad_key')
    try {
      parseKeyring(`k1:${btoa('short')}`)
    } catch (error) {
      expect(String(error)).not.toContain(btoa('short'))
    }
  })
})
