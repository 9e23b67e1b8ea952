import { formatActorKey } from './actor-key'
import type { Municipality } from './enums'
import type { Actor, Role, Surface } from './types'

/**
 * Who may do what (DESIGN.md §6, DOMAIN.md §7): one pure policy every surface asks, on the server, for
 * every action. Roles come from configuration (src/services/access.ts); the case relation (its referrer,
 * its lead) and the chair's region come from the case itself.
 *
 * - referrer: files intakes; sees, changes (answers, withdraws) and downloads only the cases they filed.
 * - chair: triages; sees and downloads the cases of their region (their municipalities, or the whole
 *   region of this deployment when none are configured).
 * - coordinator: the weekly digest (references and pseudonyms only) and the monitoring page (aggregates
 *   only), no case details.
 * - admin: everything, including export, erasure, the audit trail and key rotation.
 * - chairs and admins may rectify a personal field of a case (issue 14 §11).
 * - the case lead (a person named on the case) sees and works on that case.
 */

/** Every action a surface may ask about. */
export const ACCESS_ACTIONS = [
  'case.create',
  'case.listOwn',
  'case.view',
  'case.download',
  'case.triage',
  'case.respond',
  'case.export',
  'case.erase',
  'digest.view',
  'monitoring.view',
  'audit.view',
  'keys.rotate',
  'case.rectify',
] as const
export type AccessAction = (typeof ACCESS_ACTIONS)[number]

/** The non-personal part of a case the policy needs. */
export interface AccessCase {
  referrerKey: string
  leadKey: string | null
  municipality: Municipality | string
}

/** Per-chair municipality scopes by identity key; a chair without an entry sees the whole region. */
export type ChairScopes = ReadonlyMap<string, readonly string[]>

/** The identity key of an actor (`surface:tenant:user`), as stored in cases and audit rows. */
export function identityKeyOf(actor: Pick<Actor, 'surface' | 'tenant' | 'userId'>): string {
  return formatActorKey(actor)
}

/** Whether a chair's region covers a municipality. */
export function chairCovers(actor: Actor, municipality: string, scopes: ChairScopes): boolean {
  const scope = scopes.get(identityKeyOf(actor))
  return scope === undefined || scope.includes(municipality)
}

/** How an actor relates to a case. */
function relation(actor: Actor, kase: AccessCase | undefined) {
  const key = identityKeyOf(actor)
  return {
    isReferrer: kase !== undefined && kase.referrerKey === key,
    isLead: kase !== undefined && kase.leadKey !== null && kase.leadKey === key,
  }
}

/**
 * The policy. Actions on one case (`case.view`, `case.download`, `case.triage`, `case.respond`,
 * `case.export`, `case.erase`) need that case; without it they are refused.
 */
export function can(
  actor: Actor,
  action: AccessAction,
  kase?: AccessCase,
  scopes: ChairScopes = new Map(),
): boolean {
  const has = (role: Role) => actor.roles.includes(role)
  if (actor.surface === 'system') return action !== 'keys.rotate' || has('admin')
  const { isReferrer, isLead } = relation(actor, kase)
  const chairHere = kase !== undefined && has('chair') && chairCovers(actor, kase.municipality, scopes)
  switch (action) {
    case 'case.create':
      return has('referrer') || has('admin')
    case 'case.listOwn':
      return true
    case 'case.view':
    case 'case.download':
      return kase !== undefined && (has('admin') || chairHere || isReferrer || isLead)
    case 'case.triage':
      return kase !== undefined && (has('admin') || chairHere || isLead)
    case 'case.rectify':
      // Correcting a personal field (AVG art. 16): a chair of the case's region or an admin.
      return kase !== undefined && (has('admin') || chairHere)
    case 'case.respond':
      return kase !== undefined && (has('admin') || isReferrer)
    case 'case.export':
    case 'case.erase':
      return kase !== undefined && has('admin')
    case 'digest.view':
    case 'monitoring.view':
      return has('coordinator') || has('admin')
    case 'audit.view':
    case 'keys.rotate':
      return has('admin')
  }
}

/** Parses `key=Gemeente|Gemeente;key2=Gemeente` into scopes; malformed parts are skipped. */
export function parseChairScopes(spec: string): ChairScopes {
  const scopes = new Map<string, string[]>()
  for (const part of spec.split(';')) {
    const eq = part.lastIndexOf('=')
    if (eq < 1) continue
    const key = part.slice(0, eq).trim()
    const municipalities = part
      .slice(eq + 1)
      .split('|')
      .map((m) => m.trim())
      .filter(Boolean)
    if (key && municipalities.length > 0) scopes.set(key, municipalities)
  }
  return scopes
}

/** The surfaces whose tenants are checked against an allow-list at the edge. */
export type TenantSurface = Extract<Surface, 'web' | 'slack' | 'teams' | 'api'>
