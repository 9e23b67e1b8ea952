import type { Config } from '../config'
import { logger } from '../logger'

/**
 * The development sign-in (`/dev/login`, a role picked by hand, the dev session cookie) exists only on a
 * developer's own machine (issue 14 §1). With `DEV_MODE` on, a web request still gets it only when
 * - Cloudflare Access is not configured (`ACCESS_TEAM_DOMAIN`/`ACCESS_AUD` unset): a deployment with Access
 *   is a real one, whatever `DEV_MODE` says; and
 * - the request came from loopback: `CF-Connecting-IP` (set by Cloudflare's edge, and by Miniflare from the
 *   socket) is absent or a loopback address, and the host the request was sent to is a loopback name.
 * Otherwise the request is served as in production (Access only), and the log says why.
 */

/** Why a DEV_MODE request is served without the dev sign-in. */
export type DevRefusal = 'access_configured' | 'not_loopback'

/** `localhost`, `*.localhost`, 127.0.0.0/8 and ::1 (URL hostnames keep IPv6 in brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  return (
    host === 'localhost' || host.endsWith('.localhost') || isLoopbackAddress(host.replace(/^\[|\]$/g, ''))
  )
}

/** 127.0.0.0/8, ::1 and the IPv4-mapped ::ffff:127.x.y.z. */
export function isLoopbackAddress(ip: string): boolean {
  const address = ip.trim().toLowerCase()
  const v4 = address.replace(/^::ffff:/, '')
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return v4.split('.').every((n) => Number(n) <= 255)
  return address === '::1' || address === '0:0:0:0:0:0:0:1'
}

/** Whether Cloudflare Access is configured (either half counts: a half-configured Access is not dev). */
export function isAccessConfigured(config: Pick<Config, 'ACCESS_TEAM_DOMAIN' | 'ACCESS_AUD'>): boolean {
  return Boolean(config.ACCESS_TEAM_DOMAIN || config.ACCESS_AUD)
}

/** Why this request may not use the dev sign-in although DEV_MODE is on; null when it may (or DEV_MODE is off). */
export function devModeRefusal(
  config: Pick<Config, 'DEV_MODE' | 'ACCESS_TEAM_DOMAIN' | 'ACCESS_AUD'>,
  request: { url: string; connectingIp: string | undefined },
): DevRefusal | null {
  if (!config.DEV_MODE) return null
  if (isAccessConfigured(config)) return 'access_configured'
  const ipOk = request.connectingIp === undefined || isLoopbackAddress(request.connectingIp)
  let hostOk = false
  try {
    hostOk = isLoopbackHost(new URL(request.url).hostname)
  } catch {
    hostOk = false
  }
  return ipOk && hostOk ? null : 'not_loopback'
}

const withoutDev = new WeakMap<Config, Config>()

/**
 * The configuration a web request is served with: the Worker's own, or — when DEV_MODE is on but this
 * request may not use it — the same with DEV_MODE off, after a warning in the log naming the reason.
 */
export function webConfigFor(
  config: Config,
  request: { url: string; connectingIp: string | undefined; requestId?: string | undefined },
  options: { log?: boolean } = {},
): Config {
  const refusal = devModeRefusal(config, request)
  if (refusal === null) return config
  if (options.log !== false)
    logger.warn('dev_mode_refused', { code: refusal, requestId: request.requestId ?? null })
  let off = withoutDev.get(config)
  if (!off) {
    off = { ...config, DEV_MODE: false }
    withoutDev.set(config, off)
  }
  return off
}
