/**
 * Encryption of personal data at rest (DOMAIN.md §7). Values are JSON, encrypted with AES-256-GCM under
 * the active key; the key id travels with each value so older keys still decrypt after rotation.
 * `aad` binds a ciphertext to its place (e.g. `case:<id>:intake`): a value copied to another row or
 * column does not decrypt.
 */
export interface Cipher {
  /** The key id new values are encrypted under. */
  readonly activeKeyId: string
  /** Encrypts a JSON value; returns `v1.<kid>.<iv>.<ciphertext>` (base64url parts). */
  encryptJson(value: unknown, aad: string): Promise<string>
  /** Decrypts a value made by `encryptJson` with the same `aad`; throws `CipherError` otherwise. */
  decryptJson<T = unknown>(blob: string, aad: string): Promise<T>
}

/** Why a value could not be encrypted or decrypted. Never carries the value itself. */
export type CipherErrorCode = 'no_keys' | 'bad_key' | 'malformed' | 'unknown_key' | 'decrypt_failed'

/** Thrown by a `Cipher`; the message names the problem only, never data. */
export class CipherError extends Error {
  override readonly name = 'CipherError'
  constructor(readonly code: CipherErrorCode) {
    super(`cipher: ${code}`)
  }
}

/** The AAD of a case's encrypted intake. */
export const intakeAad = (caseId: string) => `case:${caseId}:intake`
/** The AAD of a case's encrypted pseudonym. */
export const pseudonymAad = (caseId: string) => `case:${caseId}:pseudonym`
/** The AAD of the free-text data of one timeline event. */
export const eventAad = (caseId: string, seq: number) => `case:${caseId}:event:${seq}`
