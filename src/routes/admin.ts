import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { buildCaseArchive } from '../../adapters/export/zip'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import type { AppVariables } from '../app'
import { findAdminActor, hasAdminTokens } from '../auth/admin'
import { requireBearer } from '../auth/bearer'
import { isAccessConfigured } from '../auth/dev-mode'
import { buildWebActor, readWebIdentity } from '../auth/identity'
import { type Config, loadConfig } from '../config'
import { both } from '../domain/copy'
import type { Actor } from '../domain/types'
import { logger } from '../logger'
import type { CaseFileStore } from '../ports/case-files'
import { REFERENCE_PATTERN } from '../ports/case-store'
import { authorize, buildAuditEntry } from '../services/access'
import { ERASE_REASONS, type EraseDeps, EraseInputSchema, runEraseCase } from '../services/erase'
import { runExportCase } from '../services/export'
import { runRotateKeys } from '../services/key-rotation'
import { RectifyInputSchema, rectifyBodyMessage, runRectifyField } from '../services/rectify'
import { buildDeps, buildPrivacyDeps } from '../wiring'
import { decodeUtf8Strict } from './strict-utf8'

/**
 * The admin API, mounted at `/api/v1/admin` (the `ret` CLI calls it with `--url`):
 * - `POST /cases/:reference/erase` `{ "reason": "consent_withdrawn" | "retention" | "request" | "error" }`
 * - `GET /cases/:reference/audit`: the case's audit trail (itself audited);
 * - `GET /cases/:reference/export[?format=zip]`: everything about the case, decrypted (right of access,
 *   AVG art. 15; audited as `export`): JSON, or one zip with the PDFs and attachments (issue 14 §11);
 * - `POST /cases/:reference/rectify` `{ "field": "referrer.phone", "value": "…" | null, "reason": "…" }`: corrects one
 *   personal field (AVG art. 16; audited as `change` / `rectify:<field>`);
 * - `POST /rotate-key` `{ "batchSize"?, "maxBatches"?, "draftCursor"? }`: one slice of a rotation.
 * Who calls (issue 14 §8), each call audited as that person: a named token from `ADMIN_TOKENS`
 * (`api:admin:<name>`), a Cloudflare Access identity listed in `ADMINS` (`Cf-Access-Jwt-Assertion`, no
 * bearer), or — only while `ADMIN_TOKENS` is empty — the shared `ADMIN_TOKEN` (`api:admin:token`).
 * Without any of them the API is closed (503). A body, where one is taken, is a JSON object (zod).
 */

export interface AdminRouteOptions {
  /** Tests replace the dependencies (a fixed clock, another keyring). */
  deps?: (env: Env) => EraseDeps
  /** The keyring drafts are re-encrypted with (tests); default: the Worker's own. */
  keyring?: (env: Env) => string | undefined
  /** The case files (tests); default: D1 + R2. */
  files?: (env: Env) => CaseFileStore
}

/** The admin route's variables: the calling admin, set once the token or Access identity checked out. */
type AdminEnv = { Bindings: Env; Variables: AppVariables & { admin: Actor } }
type AdminContext = Context<AdminEnv>

/** Whether Access identities may administer: Access configured and someone listed in `ADMINS`. */
const accessAdmins = (config: Config) => isAccessConfigured(config) && config.ADMINS.length > 0

/** An admin by Cloudflare Access: a verified JWT whose identity has the admin role (never the dev sign-in). */
async function adminFromAccess(c: AdminContext, config: Config): Promise<Actor | null> {
  const jwt = c.req.header('cf-access-jwt-assertion')
  if (!jwt || !accessAdmins(config)) return null
  const production = { ...config, DEV_MODE: false }
  const identity = await readWebIdentity(production, { sessionCookie: undefined, accessJwt: jwt }, new Date())
  if (!identity) return null
  const actor = buildWebActor(production, identity, 'nl')
  return actor.roles.includes('admin') ? actor : null
}

/** Admin request bodies: a JSON object (or nothing); the fields are checked per route. */
const EraseBodySchema = z.object({ reason: z.unknown() })
const RotateBodySchema = z.object({
  batchSize: z.unknown().optional(),
  maxBatches: z.unknown().optional(),
  draftCursor: z.unknown().optional(),
})

function error(code: string, key: string, params?: Record<string, string | number>) {
  return { error: { code, ...both(`privacy.errors.${key}`, params) } }
}

/**
 * The body as a JSON object of the route's schema (issue 14 §7): strict UTF-8, valid JSON, an object —
 * an array, a string or `null` is refused with a bilingual 400. An empty body is `{}`.
 */
async function readJson<T>(
  c: AdminContext,
  schema: z.ZodType<T>,
): Promise<{ ok: true; value: T } | { ok: false; res: Response }> {
  // The size is capped at the edge (src/routes/edge.ts, 16 kB).
  const decoded = decodeUtf8Strict(await c.req.arrayBuffer())
  if (decoded === null) return { ok: false, res: c.json(error('invalid_utf8', 'invalidUtf8'), 400) }
  const text = decoded.trim()
  let value: unknown = {}
  if (text !== '') {
    try {
      value = JSON.parse(text) as unknown
    } catch {
      return { ok: false, res: c.json(error('invalid_json', 'invalidJson'), 400) }
    }
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) return { ok: false, res: c.json(error('not_an_object', 'notAnObject'), 400) }
  return { ok: true, value: parsed.data }
}

/** Builds the admin sub-app. */
export function buildAdminRoutes(options: AdminRouteOptions = {}) {
  const admin = new Hono<AdminEnv>()
  const depsOf = (env: Env) => options.deps?.(env) ?? buildPrivacyDeps(env, buildDeps(env))
  const filesOf = (env: Env) => options.files?.(env) ?? buildCaseFileStore(env)

  admin.use('*', async function adminConfigured(c, next) {
    const config = loadConfig(c.env)
    if (!hasAdminTokens(config) && !accessAdmins(config))
      return c.json(error('not_configured', 'notConfigured'), 503)
    await next()
  })
  const bearer = requireBearer<AdminContext>({
    expected: () => undefined,
    verify: async (token, c) => {
      const actor = await findAdminActor(token, loadConfig(c.env))
      if (actor) c.set('admin', actor)
      return actor !== null
    },
    minLength: 24,
    realm: 'ret-intake-admin',
    refuse: (c) => {
      logger.warn('admin_unauthorized', { requestId: c.get('requestId') })
      return c.json(error('unauthorized', 'unauthorized'), 401)
    },
  })
  admin.use('*', async function adminIdentity(c, next) {
    // Cloudflare Access in front of the admin API: a person with the admin role needs no token.
    if (!c.req.header('authorization')) {
      const actor = await adminFromAccess(c, loadConfig(c.env))
      if (actor) {
        c.set('admin', actor)
        return next()
      }
    }
    return bearer(c, next)
  })

  admin.post('/cases/:reference/erase', async function handleEraseCase(c) {
    const body = await readJson(c, EraseBodySchema)
    if (!body.ok) return body.res
    const reason = body.value.reason
    const parsed = EraseInputSchema.safeParse({ reference: c.req.param('reference'), reason })
    if (!parsed.success) {
      const badReference = parsed.error.issues.some((i) => i.path[0] === 'reference')
      return c.json(
        badReference
          ? error('bad_reference', 'badReference')
          : error('bad_reason', 'badReason', { reasons: ERASE_REASONS.join(', ') }),
        400,
      )
    }
    const result = await runEraseCase(depsOf(c.env), {
      ...parsed.data,
      actor: c.get('admin'),
      requestId: c.get('requestId'),
    })
    if (!result.ok) {
      return c.json(
        { error: { code: result.code, ...result.message } },
        result.code === 'not_found' ? 404 : 403,
      )
    }
    return c.json({
      reference: result.reference,
      erased: true,
      files: result.files,
      draft: result.draft,
      ...both('privacy.erase.done', { reference: result.reference, files: result.files }),
    })
  })

  admin.get('/cases/:reference/audit', async function handleAuditTrail(c) {
    const reference = c.req.param('reference')
    if (!REFERENCE_PATTERN.test(reference)) return c.json(error('bad_reference', 'badReference'), 400)
    const deps = depsOf(c.env)
    const requestId = c.get('requestId')
    if (!(await authorize(deps, { actor: c.get('admin'), action: 'audit.view', reference, requestId }))) {
      return c.json(error('forbidden', 'forbidden'), 403)
    }
    await deps.store.audit(
      buildAuditEntry(deps.clock(), c.get('admin'), 'view', reference, { requestId, detail: 'audit' }),
    )
    const rows = await deps.store.listAudit({ reference, limit: 10_000 })
    return c.json({ reference, audit: rows })
  })

  admin.get('/cases/:reference/export', async function handleExportCase(c) {
    const reference = c.req.param('reference')
    if (!REFERENCE_PATTERN.test(reference)) return c.json(error('bad_reference', 'badReference'), 400)
    const format = c.req.query('format') ?? 'json'
    if (format !== 'json' && format !== 'zip') return c.json(error('bad_format', 'badFormat'), 400)
    const result = await runExportCase(depsOf(c.env), filesOf(c.env), {
      reference,
      actor: c.get('admin'),
      requestId: c.get('requestId'),
      withFiles: format === 'zip',
    })
    if (!result.ok) {
      return c.json(
        { error: { code: result.code, ...result.message } },
        result.code === 'not_found' ? 404 : 403,
      )
    }
    c.header('Cache-Control', 'no-store')
    if (format === 'json') return c.json(result.bundle.data)
    const readme = both('privacy.export.readme', { reference })
    const archive = buildCaseArchive(result.bundle, `${readme.nl}\n\n${readme.en}\n`)
    return c.body(archive as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${reference}-export.zip"`,
    })
  })

  admin.post('/cases/:reference/rectify', async function handleRectifyField(c) {
    const reference = c.req.param('reference')
    if (!REFERENCE_PATTERN.test(reference)) return c.json(error('bad_reference', 'badReference'), 400)
    const body = await readJson(c, z.object({}).passthrough())
    if (!body.ok) return body.res
    const parsed = RectifyInputSchema.safeParse(body.value)
    if (!parsed.success) return c.json({ error: rectifyBodyMessage(parsed.error) }, 400)
    const result = await runRectifyField(depsOf(c.env), {
      reference,
      ...parsed.data,
      actor: c.get('admin'),
      requestId: c.get('requestId'),
    })
    if (!result.ok) {
      const status = { not_found: 404, forbidden: 403, conflict: 409, bad_field: 400, invalid: 400 } as const
      return c.json(
        {
          error: {
            code: result.code,
            ...result.message,
            ...(result.errors ? { errors: result.errors } : {}),
          },
        },
        status[result.code],
      )
    }
    return c.json({
      ...result,
      ...both(result.changed ? 'privacy.rectify.done' : 'privacy.rectify.unchanged', {
        reference,
        field: result.field,
      }),
    })
  })

  admin.post('/rotate-key', async function handleRotateKey(c) {
    const body = await readJson(c, RotateBodySchema)
    if (!body.ok) return body.res
    const input = body.value
    const int = (v: unknown, max: number, fallback: number) =>
      Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max ? (v as number) : fallback
    const deps = depsOf(c.env)
    const requestId = c.get('requestId')
    if (!(await authorize(deps, { actor: c.get('admin'), action: 'keys.rotate', requestId }))) {
      return c.json(error('forbidden', 'forbidden'), 403)
    }
    const keyring = options.keyring ? options.keyring(c.env) : undefined
    const report = await runRotateKeys(
      { cipher: deps.cipher, privacy: deps.privacy, drafts: deps.drafts, ...(keyring ? { keyring } : {}) },
      {
        batchSize: int(input.batchSize, 500, 100),
        maxBatches: int(input.maxBatches, 1000, 50),
        ...(typeof input.draftCursor === 'string' ? { draftCursor: input.draftCursor.slice(0, 400) } : {}),
      },
    )
    await deps.store.audit(
      buildAuditEntry(deps.clock(), c.get('admin'), 'change', null, {
        requestId,
        detail: `rotate-key:${report.activeKeyId}:${report.done ? 'done' : 'partial'}`,
      }),
    )
    return c.json(report)
  })

  return admin
}
