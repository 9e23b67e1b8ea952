import { describe, expect, it } from 'vitest'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import { buildCaseKeyCipher } from '../../adapters/crypto/case-key-cipher'
import { MemoryCaseKeyStore } from '../../adapters/memory/memory-case-keys'
import { CipherError, caseIdOfAad, caseKeyAad, intakeAad } from '../../src/ports/cipher'

const K1 = 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='
const K2 = 'k2:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8='

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return error instanceof CipherError ? error.code : String(error)
  }
  return 'ok'
}

describe('per-case keys (issue 14 §10)', () => {
  it('encrypts values of a case under its own key, wrapped by the active master key', async () => {
    const keys = new MemoryCaseKeyStore()
    const cipher = buildCaseKeyCipher(buildAesGcmCipher(K1), keys)
    const blob = await cipher.encryptJson({ name: 'Anna' }, intakeAad('c1'))
    expect(blob).toMatch(/^v2\.case\.[\w-]{16}\.[\w-]+$/)
    expect(keys.keys.get('c1')).toMatch(/^v1\.k1\./)
    expect(await cipher.decryptJson(blob, intakeAad('c1'))).toEqual({ name: 'Anna' })
    // A fresh cipher (another request) reads it through the stored key.
    expect(await buildCaseKeyCipher(buildAesGcmCipher(K1), keys).decryptJson(blob, intakeAad('c1'))).toEqual({
      name: 'Anna',
    })
    // Another case has another key; a value moved to it does not decrypt.
    await cipher.encryptJson('x', intakeAad('c2'))
    expect(keys.keys.get('c2')).not.toBe(keys.keys.get('c1'))
    expect(await codeOf(cipher.decryptJson(blob, intakeAad('c2')))).toBe('decrypt_failed')
  })

  it('values outside a case (drafts) and old values under the master key go to the master cipher', async () => {
    const keys = new MemoryCaseKeyStore()
    const master = buildAesGcmCipher(K1)
    const cipher = buildCaseKeyCipher(master, keys)
    const draft = await cipher.encryptJson({ a: 1 }, 'web:dev:someone')
    expect(draft).toMatch(/^v1\.k1\./)
    expect(keys.keys.size).toBe(0)
    const legacy = await master.encryptJson({ old: true }, intakeAad('c9'))
    expect(await cipher.decryptJson(legacy, intakeAad('c9'))).toEqual({ old: true })
    expect(keys.keys.size).toBe(0)
  })

  it('after the key is destroyed nothing of the case decrypts, not even with the master key', async () => {
    const keys = new MemoryCaseKeyStore()
    const master = buildAesGcmCipher(K1)
    const blob = await buildCaseKeyCipher(master, keys).encryptJson('geheim', intakeAad('c1'))
    keys.delete('c1')
    expect(await codeOf(buildCaseKeyCipher(master, keys).decryptJson(blob, intakeAad('c1')))).toBe(
      'key_erased',
    )
    expect(await codeOf(master.decryptJson(blob, intakeAad('c1')))).toBe('malformed')
    // Reading never creates a key.
    expect(keys.keys.size).toBe(0)
  })

  it('rotation re-wraps the case key only: the data ciphertext stays and decrypts with the new master alone', async () => {
    const keys = new MemoryCaseKeyStore()
    const blob = await buildCaseKeyCipher(buildAesGcmCipher(K1), keys).encryptJson('waarde', intakeAad('c1'))
    const both = buildAesGcmCipher(`${K2},${K1}`)
    const raw = await both.decryptJson(keys.keys.get('c1')!, caseKeyAad('c1'))
    keys.keys.set('c1', await both.encryptJson(raw, caseKeyAad('c1')))
    expect(keys.keys.get('c1')).toMatch(/^v1\.k2\./)
    expect(await buildCaseKeyCipher(buildAesGcmCipher(K2), keys).decryptJson(blob, intakeAad('c1'))).toBe(
      'waarde',
    )
  })

  it('two writers of a new case end up with one key (first writer wins)', async () => {
    const keys = new MemoryCaseKeyStore()
    const a = buildCaseKeyCipher(buildAesGcmCipher(K1), keys)
    const b = buildCaseKeyCipher(buildAesGcmCipher(K1), keys)
    const [x, y] = await Promise.all([
      a.encryptJson('x', intakeAad('c1')),
      b.encryptJson('y', intakeAad('c1')),
    ])
    const fresh = buildCaseKeyCipher(buildAesGcmCipher(K1), keys)
    expect(await fresh.decryptJson(x, intakeAad('c1'))).toBe('x')
    expect(await fresh.decryptJson(y, intakeAad('c1'))).toBe('y')
  })

  it('reads the case from the AAD; the case key AAD is not itself a case value', () => {
    expect(caseIdOfAad('case:abc:intake')).toBe('abc')
    expect(caseIdOfAad('case:abc:file:f1:key')).toBe('abc')
    expect(caseIdOfAad(caseKeyAad('abc'))).toBeNull()
    expect(caseIdOfAad('file:f1:key')).toBeNull()
    expect(caseIdOfAad('case::x')).toBeNull()
  })
})
