/**
 * Storage of file links (migrations/0080): what an opaque link token grants, looked up by the token's
 * keyed hash. Implemented on D1 (`adapters/storage/d1-link-store.ts`) and in memory for service tests.
 */

/** `download`: a case file (PDF, attachment); `upload`: adding the shared analysis to a case. */
export type LinkPurpose = 'download' | 'upload'

/**
 * Who may use a link: `web` — only the signed-in web identity it was issued to; `chat` — issued into
 * the person's own Slack/Teams chat (no web identity is known for them): the first use consumes it.
 */
export type LinkBinding = 'web' | 'chat'

export interface StoredLink {
  /** HMAC-SHA256 of the token under `LINK_SIGNING_KEY`, base64url (the token is never stored). */
  id: string
  purpose: LinkPurpose
  reference: string
  /** The identity key (`surface:tenant:user`) it was issued to. */
  userKey: string
  /** `pdf:nl`, `pdf:en`, `att:<id>`, or `analysis` for uploads. */
  file: string
  boundTo: LinkBinding
  /** ISO 8601 (UTC, `toISOString`). */
  createdAt: string
  expiresAt: string
  usedAt: string | null
}

export interface LinkStore {
  /** Stores a new link. */
  put(link: StoredLink): Promise<void>
  /** A link by id, used or not; null when unknown (never issued, purged, or its case erased). */
  get(id: string): Promise<StoredLink | null>
  /**
   * Uses a link: sets `used_at = atIso` if and only if it is still unused and `expires_at > atIso`, in one
   * statement. True only for the one call that used it; concurrent calls get false.
   */
  consume(id: string, atIso: string): Promise<boolean>
  /** Undoes `consume` of the same call (the upload it was for was refused, e.g. an unsupported type). */
  release(id: string, usedAtIso: string): Promise<void>
  /** Deletes links that expired before `beforeIso` (at most `limit`); the number deleted. */
  purgeExpired(beforeIso: string, limit: number): Promise<number>
}
