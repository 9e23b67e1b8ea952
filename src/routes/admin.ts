import { type Context, Hono } from 'hono'
import { z } from 'zod'
import type { AppVariables } from '../app'
import { findAdminActor, hasAdminTokens } from '../auth/admin'
import { requireBearer } from '../auth/bearer'
import { isAccessConfigured } from '../auth/dev-mode'
import { buildWebActor, readWebIdentity } from '../auth/identity'
import { type Config, loadConfig } from '../config'
import { both } from '../domain/copy'
import type { Intake } from '../domain/intake'
import type { Actor } from '../domain/types'
import { logger } from '../logger'
import { REFERENCE_PATTERN } from '../ports/case-store'
import { eventAad, intakeAad } from '../ports/cipher'
import { authorize, buildAuditEntry } from '../services/access'
import { ERASE_REASONS, type EraseDeps, EraseInputSchema, runEraseCase } from '../services/erase'
import { runRotateKeys } from '../services/key-rotation'
import { buildDeps, buildPrivacyDeps } from '../wiring'
import { decodeUtf8Strict } from './strict-utf8'

/**
 * The admin API, mounted at `/api/v1/admin` (the `ret` CLI calls it with `--url`):
 * - `POST /cases/:reference/erase` `{ "reason": "consent_withdrawn" | "retention" | "request" | "error" }`
 * - `GET /cases/:reference/audit`: the case's audit trail (itself audited);
 * - `GET /cases/:reference/export`: the full case, decrypted (right of access; audited as `export`);
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
}

/** The admin route's variables: the calling admin, set once the token or Access identity checked out. */
type AdminEnv = { Bindings: Env; Variables: AppVariables & { admin: Actor } }
type AdminContext = Context<AdminEnv>

const configs = new WeakMap<object, Config>()
function configOf(env: Env): Config {
  let config = configs.get(env)
  if (!config) {
    config = loadConfig(env as unknown as Record<string, unknown>)
    configs.set(env, config)
  }
  return config
}

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

  admin.use('*', async function adminConfigured(c, next) {
    const config = configOf(c.env)
    if (!hasAdminTokens(config) && !accessAdmins(config))
      return c.json(error('not_configured', 'notConfigured'), 503)
    await next()
  })
  const bearer = requireBearer<AdminContext>({
    expected: () => undefined,
    verify: async (token, c) => {
      const actor = await findAdminActor(token, configOf(c.env))
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
      const actor = await adminFromAccess(c, configOf(c.env))
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
    const deps = depsOf(c.env)
    const requestId = c.get('requestId')
    const record = await deps.store.getByReference(reference)
    if (!record)
      return c.json({ error: { code: 'not_found', ...both('privacy.erase.notFound', { reference }) } }, 404)
    const kase = record
    if (
      !(await authorize(deps, { actor: c.get('admin'), action: 'case.export', kase, reference, requestId }))
    ) {
      return c.json(error('forbidden', 'forbidden'), 403)
    }
    await deps.store.audit(buildAuditEntry(deps.clock(), c.get('admin'), 'export', reference, { requestId }))
    const events = await deps.store.listEvents(record.id)
    const { id, intakeEnc, pseudonymEnc: _p, ...state } = record
    const exported = {
      state,
      intake: await deps.cipher.decryptJson<Intake>(intakeEnc, intakeAad(id)),
      timeline: await Promise.all(
        events.map(async ({ dataEnc, caseId: _c, ...event }) => ({
          ...event,
          data: dataEnc === null ? null : await deps.cipher.decryptJson(dataEnc, eventAad(id, event.seq)),
        })),
      ),
      routing: await deps.store.listRouting(id),
    }
    c.header('Cache-Control', 'no-store')
    return c.json(exported)
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
