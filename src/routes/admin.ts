import { type Context, Hono } from 'hono'
import type { AppEnv } from '../app'
import { both } from '../domain/copy'
import type { Intake } from '../domain/intake'
import { logger } from '../logger'
import { REFERENCE_PATTERN } from '../ports/case-store'
import { eventAad, intakeAad } from '../ports/cipher'
import { ADMIN_API_ACTOR, authorize, buildAuditEntry } from '../services/access'
import { ERASE_REASONS, type EraseDeps, EraseInputSchema, runEraseCase } from '../services/erase'
import { runRotateKeys } from '../services/key-rotation'
import { buildDeps, buildPrivacyDeps } from '../wiring'
import { readCapped, safeEqual } from './api-cases'

/**
 * The admin API, mounted at `/api/v1/admin` (the `ret` CLI calls it with `--url`):
 * - `POST /cases/:reference/erase` `{ "reason": "consent_withdrawn" | "retention" | "request" | "error" }`
 * - `GET /cases/:reference/audit`: the case's audit trail (itself audited);
 * - `GET /cases/:reference/export`: the full case, decrypted (right of access; audited as `export`);
 * - `POST /rotate-key` `{ "batchSize"?, "maxBatches"?, "draftCursor"? }`: one slice of a rotation.
 * Bearer `ADMIN_TOKEN` (at least 24 characters; without it the API is closed). Every call acts as
 * `api:admin:token` and is audited.
 */

/** Largest admin request body. */
export const MAX_ADMIN_BODY_BYTES = 16 * 1024

export interface AdminRouteOptions {
  /** Tests replace the dependencies (a fixed clock, another keyring). */
  deps?: (env: Env) => EraseDeps
  /** The keyring drafts are re-encrypted with (tests); default: the Worker's own. */
  keyring?: (env: Env) => string | undefined
}

type AdminContext = Context<AppEnv>

function error(code: string, key: string, params?: Record<string, string | number>) {
  return { error: { code, ...both(`privacy.errors.${key}`, params) } }
}

async function readJson(
  c: AdminContext,
): Promise<{ ok: true; value: unknown } | { ok: false; res: Response }> {
  const declared = Number(c.req.header('content-length') ?? '0')
  const tooLarge = () =>
    c.json(error('payload_too_large', 'tooLarge', { max: MAX_ADMIN_BODY_BYTES / 1024 }), 413)
  if (declared > MAX_ADMIN_BODY_BYTES) return { ok: false, res: tooLarge() }
  const bytes = await readCapped(c.req.raw, MAX_ADMIN_BODY_BYTES)
  if (bytes === null) return { ok: false, res: tooLarge() }
  const text = new TextDecoder().decode(bytes).trim()
  if (text === '') return { ok: true, value: {} }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, res: c.json(error('invalid_json', 'invalidJson'), 400) }
  }
}

/** Builds the admin sub-app. */
export function buildAdminRoutes(options: AdminRouteOptions = {}) {
  const admin = new Hono<AppEnv>()
  const depsOf = (env: Env) => options.deps?.(env) ?? buildPrivacyDeps(env, buildDeps(env))

  admin.use('*', async function requireAdminToken(c, next) {
    const expected = c.env.ADMIN_TOKEN
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')
    const equal = await safeEqual(match?.[1] ?? '', expected ?? '')
    if (!expected || expected.length < 24) {
      return c.json(error('not_configured', 'notConfigured'), 503)
    }
    if (!match || !equal) {
      logger.warn('admin_unauthorized', { requestId: c.get('requestId') })
      c.header('WWW-Authenticate', 'Bearer realm="ret-intake-admin"')
      return c.json(error('unauthorized', 'unauthorized'), 401)
    }
    await next()
  })

  admin.post('/cases/:reference/erase', async function handleEraseCase(c) {
    const body = await readJson(c)
    if (!body.ok) return body.res
    const reason = (body.value as { reason?: unknown } | null)?.reason
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
      actor: ADMIN_API_ACTOR,
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
    if (!(await authorize(deps, { actor: ADMIN_API_ACTOR, action: 'audit.view', reference, requestId }))) {
      return c.json(error('forbidden', 'forbidden'), 403)
    }
    await deps.store.audit(
      buildAuditEntry(deps.clock(), ADMIN_API_ACTOR, 'view', reference, { requestId, detail: 'audit' }),
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
      !(await authorize(deps, { actor: ADMIN_API_ACTOR, action: 'case.export', kase, reference, requestId }))
    ) {
      return c.json(error('forbidden', 'forbidden'), 403)
    }
    await deps.store.audit(buildAuditEntry(deps.clock(), ADMIN_API_ACTOR, 'export', reference, { requestId }))
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
    const body = await readJson(c)
    if (!body.ok) return body.res
    const input = (body.value ?? {}) as { batchSize?: unknown; maxBatches?: unknown; draftCursor?: unknown }
    const int = (v: unknown, max: number, fallback: number) =>
      Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max ? (v as number) : fallback
    const deps = depsOf(c.env)
    const requestId = c.get('requestId')
    if (!(await authorize(deps, { actor: ADMIN_API_ACTOR, action: 'keys.rotate', requestId }))) {
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
      buildAuditEntry(deps.clock(), ADMIN_API_ACTOR, 'change', null, {
        requestId,
        detail: `rotate-key:${report.activeKeyId}:${report.done ? 'done' : 'partial'}`,
      }),
    )
    return c.json(report)
  })

  return admin
}
