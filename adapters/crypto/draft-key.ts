import { type Cipher, CipherError } from '../../src/ports/cipher'
import { newDataKey, openJson, parseSealed, sealJson, unwrapDataKey } from './aes-gcm-cipher'

/**
 * A draft's own data key (issue 14 §5 of the remainder; docs/privacy.md §4): each draft (one per
 * conversation key) is encrypted with AES-256-GCM under a random 256-bit key of its own, written as
 * `v2.draft.<iv>.<ciphertext+tag>` with AAD = the conversation key. The data key is stored in D1
 * (`draft_keys.key_enc`, migration 0150), wrapped by the active master key (`v1.<kid>.…`, AAD
 * `draftkey:<conversation key>`), apart from the Durable Object that holds the ciphertext. Erasing or
 * expiring the draft deletes that row, so a point-in-time copy of the object's storage can no longer be
 * decrypted, not even with the master key. Rotation re-wraps the data key. Drafts written before this
 * (`v1.` blobs under the master key) still decrypt and move to their own key when rotated.
 */

export const DRAFT_BLOB_PREFIX = 'v2.draft.'

/** The AAD of a draft's wrapped data key. */
export const draftKeyAad = (conversationKey: string) => `draftkey:${conversationKey}`

/** A fresh data key for a draft, and its wrapped form for `draft_keys.key_enc`. */
export function newDraftKey(
  master: Cipher,
  conversationKey: string,
): Promise<{ key: CryptoKey; keyEnc: string }> {
  return newDataKey(master, draftKeyAad(conversationKey))
}

/** The data key of a draft from its wrapped form (any key id the master keyring holds). */
export function unwrapDraftKey(master: Cipher, conversationKey: string, keyEnc: string): Promise<CryptoKey> {
  return unwrapDataKey(master, keyEnc, draftKeyAad(conversationKey))
}

/** The same data key wrapped again under the master's active key (rotation). */
export async function rewrapDraftKey(
  master: Cipher,
  conversationKey: string,
  keyEnc: string,
): Promise<string> {
  const text = await master.decryptJson<string>(keyEnc, draftKeyAad(conversationKey))
  return master.encryptJson(text, draftKeyAad(conversationKey))
}

export async function encryptDraft(key: CryptoKey, value: unknown, conversationKey: string): Promise<string> {
  return `${DRAFT_BLOB_PREFIX}${await sealJson(key, value, conversationKey)}`
}

export async function decryptDraft<T>(key: CryptoKey, blob: string, conversationKey: string): Promise<T> {
  const parts = blob.slice(DRAFT_BLOB_PREFIX.length).split('.')
  if (!blob.startsWith(DRAFT_BLOB_PREFIX) || parts.length !== 2) throw new CipherError('malformed')
  return openJson<T>(key, parseSealed(parts[0] as string, parts[1] as string), conversationKey)
}
