import type { Config } from '../config'
import type { Lang } from '../domain/enums'
import type { Actor, Role } from '../domain/types'
import { logger } from '../logger'
import { verifyAccessJwt } from './access'
import { signHmac } from './hmac'
import { readSessionCookieValue, type WebIdentity } from './session'

/** The tenant of identities from the development sign-in (config lists name them `web:dev:<user>`). */
export const DEV_TENANT = 'dev'
/** The tenant of identities from Cloudflare Access (`web:access:p_<pseudonym>`). */
export const ACCESS_TENANT = 'access'

/**
 * The keyed pseudonym of an Access subject (issue 14 §4): `p_` + 32 base64url characters (192 bits) of
 * HMAC-SHA256(`IDENTITY_HMAC_KEY`, `access-sub:<sub>`). Stable for one person (the `sub` does not change
 * when the e-mail address does), meaningless without the key; it is what D1, drafts, events and the audit
 * log store instead of the e-mail address.
 */
export async function accessPseudonym(secret: string, subject: string): Promise<string> {
  return `p_${(await signHmac(secret, `access-sub:${subject}`)).slice(0, 32)}`
}

/** The prefix every keyed pseudonym starts with (`p_…`): a user part that already is one is kept. */
export const PSEUDONYM_PREFIX = 'p_'

/**
 * The keyed pseudonym of a chat platform user (issue 14 §4): `p_` + 32 base64url characters of
 * HMAC-SHA256(`IDENTITY_HMAC_KEY`, `<surface>-user:<tenant>:<user>`), e.g. of a Teams tenant and Entra
 * object id. What drafts, cases, events, the audit log, file links and the conversation references store
 * instead of the platform id. Without the key (a local setup) the platform id is returned unchanged.
 */
export async function platformUserId(
  config: { IDENTITY_HMAC_KEY?: string | undefined },
  surface: 'teams' | 'slack',
  tenant: string,
  user: string,
): Promise<string> {
  if (!config.IDENTITY_HMAC_KEY || user.startsWith(PSEUDONYM_PREFIX)) return user
  return `${PSEUDONYM_PREFIX}${(await signHmac(config.IDENTITY_HMAC_KEY, `${surface}-user:${tenant}:${user}`)).slice(0, 32)}`
}

/**
 * The stored form of an identity key: `teams:` keys with their user part pseudonymised
 * (`platformUserId`); every other key as it is (web keys are pseudonymised when read, see below; Slack
 * keys stay platform ids until the Slack surface can resolve a pseudonym to the user it mentions and
 * messages — docs/privacy.md §1).
 */
export async function storedIdentityKey(
  config: { IDENTITY_HMAC_KEY?: string | undefined },
  key: string,
): Promise<string> {
  const m = /^teams:([^:\s]+):(\S+)$/.exec(key)
  if (!m) return key
  return `teams:${m[1]}:${await platformUserId(config, 'teams', m[1] as string, m[2] as string)}`
}

/** A web identity as read from the request; `email` is kept only for role configuration and never stored. */
export type ReadIdentity = WebIdentity & { email?: string }

/**
 * Who is making a web request. With DEV_MODE: the signed dev session cookie. Otherwise only a valid
 * Cloudflare Access JWT counts (a session cookie is ignored), with the email as the stable user id.
 * Callers pass the configuration of the request (`webConfigFor` in ./dev-mode.ts): DEV_MODE is off there
 * with Access configured or for a request that did not come from loopback.
 */
export async function readWebIdentity(
  config: Config,
  request: { sessionCookie: string | undefined; accessJwt: string | undefined },
  now: Date,
): Promise<ReadIdentity | null> {
  if (config.DEV_MODE) {
    if (!config.LINK_SIGNING_KEY) return null
    return readSessionCookieValue(
      config.LINK_SIGNING_KEY,
      request.sessionCookie,
      Math.floor(now.getTime() / 1000),
    )
  }
  if (!config.ACCESS_TEAM_DOMAIN || !config.ACCESS_AUD) return null
  const access = await verifyAccessJwt(
    request.accessJwt,
    {
      teamDomain: config.ACCESS_TEAM_DOMAIN,
      audience: config.ACCESS_AUD,
      ...(config.ACCESS_CERTS_URL ? { certsUrl: config.ACCESS_CERTS_URL } : {}),
      maxTokenAgeSeconds: config.ACCESS_MAX_TOKEN_AGE_SECONDS,
    },
    { now },
  )
  if (!access) return null
  if (!config.IDENTITY_HMAC_KEY) {
    // Without the key an Access identity could only be stored as its e-mail address: refuse instead.
    logger.error('config_identity_key', { code: 'IDENTITY_HMAC_KEY' })
    return null
  }
  // The display name (the e-mail) lives only in the request; every stored key is the pseudonym.
  return {
    tenant: ACCESS_TENANT,
    userId: await accessPseudonym(config.IDENTITY_HMAC_KEY, access.subject),
    name: access.email,
    email: access.email,
    roles: ['referrer'],
  }
}

/**
 * The actor of a web identity. Everyone may refer; chair, coordinator and admin come from configuration
 * (`CHAIRS`, `COORDINATORS`, `ADMINS` list `web:<tenant>:<user>` keys; an Access person may be listed by
 * pseudonym `web:access:p_…` or, for the operator's convenience, by e-mail `web:access:<email>` — the
 * configuration is not stored data). The dev sign-in may also pick a role itself, only with DEV_MODE.
 */
export function buildWebActor(config: Config, identity: ReadIdentity, lang: Lang): Actor {
  const keys = [`web:${identity.tenant}:${identity.userId}`]
  if (identity.email) keys.push(`web:${identity.tenant}:${identity.email}`)
  const listed = (list: readonly string[]) => keys.some((k) => list.includes(k))
  const roles = new Set<Role>(['referrer'])
  if (config.DEV_MODE) for (const role of identity.roles) roles.add(role)
  if (listed(config.CHAIRS)) roles.add('chair')
  if (listed(config.COORDINATORS)) roles.add('coordinator')
  if (listed(config.ADMINS)) roles.add('admin')
  return {
    surface: 'web',
    tenant: identity.tenant,
    userId: identity.userId,
    name: identity.name,
    roles: [...roles],
    lang,
  }
}
