import type { Actor, Surface } from './types'

/**
 * Identity keys: `surface:tenant:user` (e.g. `slack:T0TEAM:U0USER`, `teams:<tenant>:<aadObjectId>`,
 * `web:access:jane@example.org`). The one parser of these keys: referrer, lead, audit and recipient
 * columns are all read through it. The user part may itself hold colons (an e-mail address never does,
 * but older web keys did), so everything after the second colon is the user.
 */

/** The surfaces an identity key may name. */
export const KEY_SURFACES: readonly Surface[] = ['web', 'teams', 'slack', 'api', 'cli', 'system']

/** A parsed identity key. */
export interface ActorKeyParts {
  surface: Surface
  tenant: string
  user: string
}

const KEY = /^([a-z]+):([^:\s]+):(\S+)$/

/** The parts of an identity key, or null for anything that is not one (unknown surface, empty part). */
export function parseActorKey(key: string | null | undefined): ActorKeyParts | null {
  if (!key) return null
  const m = KEY.exec(key)
  if (!m) return null
  const surface = m[1] as Surface
  if (!KEY_SURFACES.includes(surface)) return null
  return { surface, tenant: m[2] as string, user: m[3] as string }
}

/** The identity key of an actor: `surface:tenant:user`. */
export function formatActorKey(actor: Pick<Actor, 'surface' | 'tenant' | 'userId'>): string {
  return `${actor.surface}:${actor.tenant}:${actor.userId}`
}

/** The user part of a key (for display beside a role), '' when it is not a key. */
export function actorKeyUser(key: string | null | undefined): string {
  return parseActorKey(key)?.user ?? ''
}
