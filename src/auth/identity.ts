import type { Config } from '../config'
import type { Lang } from '../domain/enums'
import type { Actor, Role } from '../domain/types'
import { verifyAccessJwt } from './access'
import { readSessionCookieValue, type WebIdentity } from './session'

/** The tenant of identities from the development sign-in (config lists name them `web:dev:<user>`). */
export const DEV_TENANT = 'dev'
/** The tenant of identities from Cloudflare Access (`web:access:<email>`). */
export const ACCESS_TENANT = 'access'

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
): Promise<WebIdentity | null> {
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
  return { tenant: ACCESS_TENANT, userId: access.email, name: access.email, roles: ['referrer'] }
}

/**
 * The actor of a web identity. Everyone may refer; chair, coordinator and admin come from configuration
 * (`CHAIRS`, `COORDINATORS`, `ADMINS` list `web:<tenant>:<user>` keys). The dev sign-in may also pick a
 * role itself, which only exists with DEV_MODE.
 */
export function buildWebActor(config: Config, identity: WebIdentity, lang: Lang): Actor {
  const key = `web:${identity.tenant}:${identity.userId}`
  const roles = new Set<Role>(['referrer'])
  if (config.DEV_MODE) for (const role of identity.roles) roles.add(role)
  if (config.CHAIRS.includes(key)) roles.add('chair')
  if (config.COORDINATORS.includes(key)) roles.add('coordinator')
  if (config.ADMINS.includes(key)) roles.add('admin')
  return {
    surface: 'web',
    tenant: identity.tenant,
    userId: identity.userId,
    name: identity.name,
    roles: [...roles],
    lang,
  }
}
