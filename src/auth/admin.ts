import type { Actor } from '../domain/types'

/**
 * Who calls the admin API (issue 14 §8): a person, not "the admin token".
 * - `ADMIN_TOKENS`: one token per admin, configured as `name:sha256hex` pairs (comma separated). The
 *   Worker holds only the SHA-256 of each token; a presented token is hashed and compared with every
 *   configured hash in constant time. The admin acts, and is audited, as `api:admin:<name>`.
 * - `ADMIN_TOKEN`: the one shared token of before (and of `npm run dev`), audited as `api:admin:token`.
 *   It counts only while `ADMIN_TOKENS` is empty, so configuring named tokens switches it off.
 * - Cloudflare Access: an Access identity listed in `ADMINS` (src/routes/admin.ts).
 */

/** Shortest admin token accepted (the same as `ADMIN_TOKEN`). */
export const ADMIN_TOKEN_MIN_LENGTH = 24

/** A name in `ADMIN_TOKENS`: lower-case letters, digits, `.`, `_`, `-` (no personal data needed). */
export const ADMIN_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/

/** One configured admin: name and the SHA-256 of their token. */
export interface AdminTokenEntry {
  name: string
  hash: Uint8Array
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/**
 * Parses `ADMIN_TOKENS` (`anna:<64 hex>,bram:<64 hex>`). Returns the entries, or the list of problems
 * (position only: never the value) for the configuration error.
 */
export function parseAdminTokens(value: string | undefined): {
  entries: AdminTokenEntry[]
  problems: string[]
} {
  const entries: AdminTokenEntry[] = []
  const problems: string[] = []
  const names = new Set<string>()
  for (const [i, raw] of (value ?? '').split(',').entries()) {
    const item = raw.trim()
    if (item === '') continue
    const at = item.lastIndexOf(':')
    const name = item.slice(0, at).trim()
    const hash = item
      .slice(at + 1)
      .trim()
      .toLowerCase()
    if (at < 1 || !ADMIN_NAME.test(name) || !/^[0-9a-f]{64}$/.test(hash) || names.has(name)) {
      problems.push(`ADMIN_TOKENS[${i}]`)
      continue
    }
    names.add(name)
    entries.push({ name, hash: hexToBytes(hash) })
  }
  return { entries, problems }
}

/** SHA-256 of a token, lower-case hex (what `ADMIN_TOKENS` lists; `printf %s "$TOKEN" | sha256sum`). */
export async function hashAdminToken(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)))
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * The name of the admin whose token this is, or null. Hashes the token once and compares it with every
 * configured hash, always all of them and byte by byte, so the time says nothing about which or how
 * close. A token shorter than the minimum never matches.
 */
export async function findAdminByToken(
  token: string,
  entries: readonly AdminTokenEntry[],
): Promise<string | null> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)))
  let found: string | null = null
  for (const entry of entries) {
    let diff = 0
    for (let i = 0; i < digest.length; i++) diff |= (digest[i] as number) ^ (entry.hash[i] as number)
    if (diff === 0 && found === null) found = entry.name
  }
  return token.length >= ADMIN_TOKEN_MIN_LENGTH ? found : null
}

/** The actor of an admin API call by a named token (`api:admin:<name>`). */
export function buildAdminTokenActor(name: string): Actor {
  return { surface: 'api', tenant: 'admin', userId: name, name, roles: ['admin'], lang: 'nl' }
}

const parsed = new Map<string, AdminTokenEntry[]>()

function entriesOf(value: string): AdminTokenEntry[] {
  let entries = parsed.get(value)
  if (!entries) {
    entries = parseAdminTokens(value).entries
    parsed.set(value, entries)
  }
  return entries
}

/** Whether any admin token is configured (named tokens, or the shared one of at least 24 characters). */
export function hasAdminTokens(config: { ADMIN_TOKENS: string; ADMIN_TOKEN?: string | undefined }): boolean {
  return (
    entriesOf(config.ADMIN_TOKENS).length > 0 || (config.ADMIN_TOKEN ?? '').length >= ADMIN_TOKEN_MIN_LENGTH
  )
}

/**
 * The admin a bearer token belongs to: by name from `ADMIN_TOKENS`, or — only while that is empty — the
 * shared `ADMIN_TOKEN` as `api:admin:token`. Null for any other token.
 */
export async function findAdminActor(
  token: string,
  config: { ADMIN_TOKENS: string; ADMIN_TOKEN?: string | undefined },
): Promise<Actor | null> {
  const entries = entriesOf(config.ADMIN_TOKENS)
  if (entries.length > 0) {
    const name = await findAdminByToken(token, entries)
    return name === null ? null : buildAdminTokenActor(name)
  }
  const shared = config.ADMIN_TOKEN ?? ''
  // Compared the same way (hash, constant time) even when unset, so the answer takes the same time.
  const hash = hexToBytes(await hashAdminToken(shared))
  const match = await findAdminByToken(token, [{ name: 'token', hash }])
  return match !== null && shared.length >= ADMIN_TOKEN_MIN_LENGTH
    ? { ...buildAdminTokenActor('token'), name: 'admin API' }
    : null
}
