import { isLoopbackHost } from '../auth/dev-mode'
import { both } from '../domain/copy'
import { REFERENCE_PATTERN } from '../ports/case-store'
import { type ParsedArgs, parseArgs, printMessage } from './io'
import type { OptionSpec } from './parse-args'
import { type CliContext, EXIT } from './types'

/**
 * The CLI side of the admin API (src/routes/admin.ts). `rotate-key`, `erase` and `audit` act on the
 * Worker's state through it — local (`npm run dev`, default `http://127.0.0.1:8787`) or deployed
 * (`--url https://…`) — so the Durable Object drafts, D1 and R2 are reached by the same code that
 * serves users, and the CLI never holds the encryption keys. The token comes from `RET_ADMIN_TOKEN`.
 */

/** Default address: the local dev server of `npm run dev`. */
export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:8787'

/** The fake admin token of `npm run dev` (scripts/dev.mjs). */
export const DEV_ADMIN_TOKEN = 'dev-admin-token-not-secret-0000'

/** What a command needs from its surroundings (tests inject both). */
export interface AdminIo {
  fetch: typeof fetch
  env: Record<string, string | undefined>
}

/** The real process: global fetch and environment. */
export const processIo = (): AdminIo => ({ fetch: (i, init) => fetch(i, init), env: process.env })

export type AdminCall = { ok: true; status: number; body: unknown } | { ok: false; code: number }

/** Checks `--url` (https, or http to loopback only) and the token; prints what is wrong. */
export function resolveTarget(
  ctx: CliContext,
  io: AdminIo,
  url: string | undefined,
): { base: string; token: string } | null {
  const base = (url ?? io.env.RET_ADMIN_URL ?? DEFAULT_ADMIN_URL).replace(/\/+$/, '')
  let parsed: URL | null = null
  try {
    parsed = /^https?:\/\/[^\s/]+/.test(base) ? new URL(base) : null
  } catch {
    parsed = null
  }
  if (!parsed) {
    printMessage(ctx, both('privacy.cli.badUrl'))
    return null
  }
  // The admin token never travels in the clear (issue 14 §8): http:// only to this machine.
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
    printMessage(ctx, both('privacy.cli.insecureUrl', { url: parsed.origin }))
    return null
  }
  // The dev server (`npm run dev`) has a fixed, fake admin token; anything else needs RET_ADMIN_TOKEN.
  const local = /^http:\/\/(?:127\.0\.0\.1|localhost)(?::\d+)?$/.test(base)
  const token = io.env.RET_ADMIN_TOKEN ?? (local ? DEV_ADMIN_TOKEN : '')
  if (token.length < 24) {
    printMessage(ctx, both('privacy.cli.missingToken'))
    return null
  }
  return { base, token }
}

/** Calls the admin API; prints a bilingual message and returns an exit code on failure. */
export async function callAdmin(
  ctx: CliContext,
  io: AdminIo,
  target: { base: string; token: string },
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<AdminCall> {
  let res: Response
  try {
    res = await io.fetch(`${target.base}/api/v1/admin${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  } catch {
    printMessage(ctx, both('privacy.cli.unreachable', { url: target.base }))
    return { ok: false, code: EXIT.badInput }
  }
  const parsed = (await res.json().catch(() => null)) as unknown
  if (!res.ok) {
    const error = (parsed as { error?: { nl?: unknown; en?: unknown } } | null)?.error
    if (typeof error?.nl === 'string' && typeof error.en === 'string') {
      printMessage(ctx, { nl: error.nl, en: error.en })
    } else {
      printMessage(ctx, both('privacy.cli.failed', { status: res.status }))
    }
    return { ok: false, code: EXIT.badInput }
  }
  return { ok: true, status: res.status, body: parsed }
}

/**
 * The arguments of an admin command on one case (`ret <command> RET-2026-0042 [options]`): its options
 * and the one reference; or, after printing why and the command's usage (copy key `usageKey`), the
 * usage exit code.
 */
export function parseCaseArgs<const S extends OptionSpec>(
  ctx: CliContext,
  command: string,
  args: readonly string[],
  spec: S,
  usageKey: string,
): { reference: string; options: ParsedArgs<S>['options']; usage: () => void } | number {
  const usage = () => printMessage(ctx, both(usageKey))
  const parsed = parseArgs(command, args, spec)
  if (!parsed.ok) {
    printMessage(ctx, parsed.error)
    usage()
    return EXIT.usage
  }
  const { positional, options } = parsed.value
  const reference = positional[0]
  if (positional.length !== 1 || reference === undefined || !REFERENCE_PATTERN.test(reference)) {
    printMessage(ctx, both('privacy.errors.badReference'))
    usage()
    return EXIT.usage
  }
  return { reference, options, usage }
}
