import type { Config } from '../config'
import {
  type AccessAction,
  type AccessCase,
  type ChairScopes,
  can,
  identityKeyOf,
  parseChairScopes,
  type TenantSurface,
} from '../domain/access'
import { formatActorKey, parseActorKey } from '../domain/actor-key'
import type { Lang } from '../domain/enums'
import type { Actor, Role, Surface } from '../domain/types'
import type { AuditEntry, CaseStore } from '../ports/case-store'

/**
 * Roles and tenants from configuration, and the one server-side check every surface makes
 * (`authorize`: the policy of src/domain/access.ts, plus an audit row for every refusal).
 *
 * Identity keys (`surface:tenant:user`) name people in configuration:
 * - web: `web:access:<email>` (Cloudflare Access) or `web:dev:<user>` (development sign-in only);
 * - Slack: `slack:<team id>:<user id>` (chairs may also be listed by user id in `SLACK_CHAIR_USER_IDS`);
 * - Teams: `teams:<tenant id>:<AAD object id>` (chairs may also be listed as `tenant:objectId` in
 *   `TEAMS_CHAIR_OBJECT_IDS`);
 * - API: `api:default:token` (the region's intake token, referrer only) and `api:admin:token` (admin).
 * Everyone on an allowed tenant may refer; chair, coordinator and admin come from `CHAIRS`,
 * `COORDINATORS`, `ADMINS`.
 */

const scopeCache = new Map<string, ChairScopes>()

/** The chairs' municipality scopes of a configuration (parsed once per value). */
export function chairScopesOf(config: Pick<Config, 'CHAIR_SCOPES'>): ChairScopes {
  let scopes = scopeCache.get(config.CHAIR_SCOPES)
  if (!scopes) {
    scopes = parseChairScopes(config.CHAIR_SCOPES)
    scopeCache.set(config.CHAIR_SCOPES, scopes)
  }
  return scopes
}

/** The settings roles come from (`TEAMS_CHAIR_OBJECT_IDS` optional: older callers pass without it). */
export type RoleConfig = Pick<Config, 'CHAIRS' | 'COORDINATORS' | 'ADMINS' | 'SLACK_CHAIR_USER_IDS'> &
  Partial<Pick<Config, 'TEAMS_CHAIR_OBJECT_IDS'>>

/** The roles configuration gives an identity key; everyone may refer. */
export function rolesFor(config: RoleConfig, key: string): Role[] {
  const roles: Role[] = ['referrer']
  const who = parseActorKey(key)
  const slackChair = who?.surface === 'slack' && config.SLACK_CHAIR_USER_IDS.includes(who.user)
  const teamsChair =
    who?.surface === 'teams' && (config.TEAMS_CHAIR_OBJECT_IDS ?? []).includes(`${who.tenant}:${who.user}`)
  if (config.CHAIRS.includes(key) || slackChair || teamsChair) roles.push('chair')
  if (config.COORDINATORS.includes(key)) roles.push('coordinator')
  if (config.ADMINS.includes(key)) roles.push('admin')
  return roles
}

/** Whether a tenant may use a surface at all (checked at the edge, before any work). */
export function isAllowedTenant(
  config: Pick<Config, 'DEV_MODE' | 'SLACK_TEAM_IDS' | 'TEAMS_TENANT_IDS'>,
  surface: TenantSurface,
  tenant: string | null | undefined,
): boolean {
  if (!tenant) return false
  switch (surface) {
    case 'web':
      return tenant === 'access' || (config.DEV_MODE && tenant === 'dev')
    case 'slack':
      return config.SLACK_TEAM_IDS.includes(tenant)
    case 'teams':
      return config.TEAMS_TENANT_IDS.includes(tenant)
    case 'api':
      return tenant === 'default' || tenant === 'admin'
  }
}

/** Builds the actor of an identity on a surface, with roles from configuration. */
export function buildActor(
  config: RoleConfig,
  identity: {
    surface: Surface
    tenant: string
    userId: string
    name?: string
    lang?: Lang
    /**
     * The platform user id when `userId` is its pseudonym (issue 14 §4): configuration lists may name a
     * person by either, so roles are read for both keys (the configuration is not stored data).
     */
    platformUserId?: string
  },
): Actor {
  const roles = new Set(rolesFor(config, formatActorKey(identity)))
  if (identity.platformUserId && identity.platformUserId !== identity.userId) {
    for (const role of rolesFor(config, formatActorKey({ ...identity, userId: identity.platformUserId })))
      roles.add(role)
  }
  return {
    surface: identity.surface,
    tenant: identity.tenant,
    userId: identity.userId,
    name: identity.name ?? '',
    roles: [...roles],
    lang: identity.lang ?? 'nl',
  }
}

/** The admin API's actor (bearer `ADMIN_TOKEN`, e.g. the `ret` CLI). */
export const ADMIN_API_ACTOR: Actor = {
  surface: 'api',
  tenant: 'admin',
  userId: 'token',
  name: 'admin API',
  roles: ['admin'],
  lang: 'nl',
}

/** The actor of scheduled work (retention). */
export const SYSTEM_ACTOR: Actor = {
  surface: 'system',
  tenant: 'ret',
  userId: 'retention',
  name: 'retention',
  roles: [],
  lang: 'nl',
}

export interface AuthorizeInput {
  actor: Actor
  action: AccessAction
  kase?: AccessCase
  /** The case reference, for the audit row of a refusal. */
  reference?: string | null
  requestId?: string | null
}

/**
 * The server-side check: `true` when the policy allows it; otherwise writes a `refused` audit row
 * (actor, action, reference, request id — nothing else) and returns `false`.
 */
export async function authorize(
  deps: { store: Pick<CaseStore, 'audit'>; clock: () => Date; config: Pick<Config, 'CHAIR_SCOPES'> },
  input: AuthorizeInput,
): Promise<boolean> {
  if (can(input.actor, input.action, input.kase, chairScopesOf(deps.config))) return true
  await deps.store.audit(
    buildAuditEntry(deps.clock(), input.actor, 'refused', input.reference ?? null, {
      requestId: input.requestId ?? null,
      detail: input.action,
    }),
  )
  return false
}

/** An audit row for an actor: the identity key and surface only (no name, no data). */
export function buildAuditEntry(
  at: Date,
  actor: Pick<Actor, 'surface' | 'tenant' | 'userId'>,
  action: AuditEntry['action'],
  reference: string | null,
  extra: { requestId?: string | null; detail?: string | null } = {},
): AuditEntry {
  return {
    at: at.toISOString(),
    actorKey: identityKeyOf(actor),
    surface: actor.surface,
    action,
    reference,
    requestId: extra.requestId ?? null,
    detail: extra.detail ?? null,
  }
}
