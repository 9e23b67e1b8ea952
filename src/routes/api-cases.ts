import { type Context, Hono } from 'hono'
import type { AppEnv } from '../app'
import { requireBearer } from '../auth/bearer'
import { both, t } from '../domain/copy'
import { receiptText } from '../domain/crisis'
import type { Lang } from '../domain/enums'
import { parseIntakeJson } from '../domain/intake'
import { regionOf } from '../domain/region'
import { route, toRoutingOutput } from '../domain/routing'
import type { Actor, RoutingDecision } from '../domain/types'
import { logger } from '../logger'
import { REFERENCE_PATTERN } from '../ports/case-store'
import { CipherError } from '../ports/cipher'
import { ConsentRequiredError, IdempotencyMismatchError, runSubmitIntake } from '../services/cases'
import { buildDeps } from '../wiring/deps'
import { decodeUtf8Strict } from './strict-utf8'

const MAX_KEY_LENGTH = 200
const IDEMPOTENCY_KEY = /^[\x21-\x7e]+$/

/** The identity every API call acts as: one token per region, filing on the referrer's behalf. */
export const API_ACTOR: Actor = {
  surface: 'api',
  tenant: 'default',
  userId: 'token',
  name: 'API',
  roles: ['referrer'],
  lang: 'nl',
}
const API_REFERRER_PREFIX = 'api:'

type ApiContext = Context<AppEnv>

function errorBody(key: string, params?: Record<string, string | number>) {
  const code = key.split('.').at(-1) ?? key
  return {
    error: {
      code,
      nl: t('nl', `api.errors.${key}`, params),
      en: t('en', `api.errors.${key}`, params),
    },
  }
}

function unauthorized(c: ApiContext) {
  return c.json(errorBody('unauthorized'), 401)
}

function langOf(c: ApiContext): Lang {
  return /^en\b/i.test(c.req.header('accept-language') ?? '') ? 'en' : 'nl'
}

/**
 * `POST /api/v1/cases` and `GET /api/v1/cases/:reference`: regions file cases from their own systems.
 * Bearer token (`API_TOKEN`), an `Idempotency-Key` per new case, the canonical intake as JSON body.
 * The same key and body again answers as the first time (200) without a second case; the same key
 * with another body is a 422.
 */
export function buildApiCasesRoutes() {
  const api = new Hono<AppEnv>()

  // Bearer `API_TOKEN` (at least 16 characters; without it nobody gets in).
  const requireApiToken = requireBearer<ApiContext>({
    expected: (c) => c.env.API_TOKEN,
    minLength: 16,
    realm: 'ret-intake',
    refuse: unauthorized,
  })
  api.use('/cases', requireApiToken)
  api.use('/cases/*', requireApiToken)

  api.post('/cases', async function handleCreateCase(c) {
    const key = c.req.header('idempotency-key')
    if (key === undefined || key.trim() === '') {
      return c.json(errorBody('idempotencyKeyRequired'), 400)
    }
    if (key.length > MAX_KEY_LENGTH || !IDEMPOTENCY_KEY.test(key)) {
      return c.json(errorBody('idempotencyKeyInvalid', { max: MAX_KEY_LENGTH }), 400)
    }
    const contentType = c.req.header('content-type') ?? ''
    if (!/^application\/json\s*(;|$)/i.test(contentType)) {
      return c.json(errorBody('unsupportedMediaType'), 415)
    }
    // The size is capped at the edge (src/routes/edge.ts, 256 kB).
    const text = decodeUtf8Strict(await c.req.arrayBuffer())
    // Strict UTF-8 (issue 14 §7): invalid bytes are refused, never replaced and filed.
    if (text === null) {
      return c.json({ errors: [{ path: 'intake', ...both('validation.invalidUtf8') }] }, 400)
    }
    const deps = buildDeps(c.env)
    const region = regionOf(deps.config)
    const parsed = parseIntakeJson(text, region.municipalities)
    if (!parsed.ok) return c.json({ errors: parsed.errors }, 400)
    const intake = parsed.value

    const decision = route(intake, region.rules, deps.clock())
    try {
      const result = await runSubmitIntake(deps, {
        intake,
        decision,
        actor: { ...API_ACTOR, lang: intake.language },
        idempotencyKey: key,
        requestId: c.get('requestId'),
      })
      const stored = result.response as { status?: string; routing?: RoutingDecision }
      const body = {
        reference: result.reference,
        status: stored.status ?? result.status,
        routing: toRoutingOutput(stored.routing ?? decision, region.interventions),
        // What happens next, in both languages: a call back now for a spoedmelding (issue 13 §2).
        receipt: Object.fromEntries(
          (['nl', 'en'] as const).map((lang) => [
            lang,
            receiptText(lang, {
              acuteDanger: intake.acuteDanger,
              urgency: intake.urgency,
              youthCrisisPhone: deps.config.YOUTH_CRISIS_PHONE,
            }),
          ]),
        ),
      }
      return c.json(body, result.created ? 201 : 200)
    } catch (error) {
      if (error instanceof IdempotencyMismatchError) {
        return c.json(errorBody('idempotencyMismatch', { reference: error.reference }), 422)
      }
      if (error instanceof ConsentRequiredError) return c.json(errorBody('consentRequired'), 422)
      if (error instanceof CipherError) {
        logger.error('api_cases_not_configured', { code: error.code, requestId: c.get('requestId') })
        return c.json(errorBody('notConfigured'), 503)
      }
      throw error
    }
  })

  api.get('/cases/:reference', async function handleGetCase(c) {
    const reference = c.req.param('reference')
    const notFound = () => c.json(errorBody('notFound', { reference: reference.slice(0, 20) }), 404)
    if (!REFERENCE_PATTERN.test(reference)) return notFound()
    const deps = buildDeps(c.env)
    const record = await deps.store.getByReference(reference)
    // The token sees the cases it filed; others do not exist for it.
    if (!record?.referrerKey.startsWith(API_REFERRER_PREFIX)) return notFound()
    await deps.store.audit({
      at: deps.clock().toISOString(),
      actorKey: `${API_ACTOR.surface}:${API_ACTOR.tenant}:${API_ACTOR.userId}`,
      surface: 'api',
      action: 'view',
      reference,
      requestId: c.get('requestId'),
      detail: 'summary',
    })
    const lang = langOf(c)
    return c.json({
      reference: record.reference,
      status: record.status,
      statusLabel: t(lang, `lifecycle.statuses.${record.status}`),
      statusSince: record.statusSince,
      suggestedIntervention: record.suggestedIntervention,
      intervention: record.chosenIntervention ?? record.suggestedIntervention,
      municipality: record.municipality,
      ageBand: record.ageBand,
      urgency: record.urgency,
      flags: record.flags,
      consultation: record.consultation,
      submittedAt: record.submittedAt,
      triagedAt: record.triagedAt,
      scheduledFor: record.scheduledFor,
      advisedAt: record.advisedAt,
      closedAt: record.closedAt,
      version: record.version,
    })
  })

  return api
}
