/**
 * Encryption of personal data at rest (DOMAIN.md §7). Values are JSON, encrypted with AES-256-GCM;
 * `aad` binds a ciphertext to its place (e.g. `case:<id>:intake`): a value copied to another row or
 * column does not decrypt.
 *
 * Two layers (issue 14 §10). A **master key** (`ENCRYPTION_KEYS`, the key id travels with each value:
 * `v1.<kid>.…`) wraps each case's own random **case key** (`case_keys`, AAD `casekey:<id>`). Every value
 * whose AAD names a case (`case:<id>:…`) is encrypted under that case's key (`v2.case.…`); erasing the
 * case destroys its wrapped key, so copies of its ciphertext (D1 free pages, Time Travel, R2) can no
 * longer be decrypted, not even with the master key. Values from before case keys (`v1.` under a
 * `case:` AAD) still decrypt with the master key until `ret rotate-key` moves them to the case key.
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
export type CipherErrorCode =
  | 'no_keys'
  | 'bad_key'
  | 'malformed'
  | 'unknown_key'
  | 'decrypt_failed'
  /** The case's key was destroyed (the case was erased): its ciphertext can never be read again. */
  | 'key_erased'

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

/** The AAD of a case's key, wrapped by the master key (`case_keys.key_enc`). Not `case:…`: never under itself. */
export const caseKeyAad = (caseId: string) => `casekey:${caseId}`

/** The case an AAD belongs to (`case:<id>:…`), or null for values outside a case (drafts, case keys). */
export function caseIdOfAad(aad: string): string | null {
  const match = /^case:([^:]+):./.exec(aad)
  return match ? (match[1] as string) : null
}

/** Whether a stored value is encrypted under its case key (`v2.`) rather than directly under a master key. */
export const isCaseKeyed = (blob: string) => blob.startsWith('v2.')

/**
 * The wrapped case keys (`case_keys` in D1). Implemented by `adapters/storage/d1-case-keys.ts` and
 * `adapters/memory/memory-case-keys.ts`. Stores only keys wrapped by the master key.
 */
export interface CaseKeyStore {
  /** The wrapped key of a case, or null (never had one, or destroyed by erasure). */
  get(caseId: string): Promise<string | null>
  /** Stores `keyEnc` unless the case has a key already; returns the stored one (first writer wins). */
  putIfAbsent(caseId: string, keyEnc: string, at: string): Promise<string>
}
