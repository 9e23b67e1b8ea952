/// <reference types="vite/client" />
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signSlackRequest } from '../../adapters/slack/verify'
import { parseIntake } from '../../src/domain/intake'
import { decodeUtf8Strict } from '../../src/routes/strict-utf8'
import { mintToken, TEST_APP_ID, TEST_SERVICE_URL } from '../fixtures/teams/keys'
import { rowCounts } from './helpers/db'
import { buildPlatformServer } from './helpers/platforms'
import { SIGNING_SECRET, send, TEAM } from './slack-helpers'
import { botSigner, TENANT } from './teams-helpers'
import { WebClient } from './web-client'

/**
 * Hostile input against every HTTP endpoint of the real Worker in workerd: malformed, oversized, wrongly
 * typed and unicode-heavy bodies, signed (Slack) or carrying a valid token (Teams, API) so they get past
 * the door. Never a 5xx; a refused request answers in Dutch and English and changes no row in D1; an
 * accepted hostile request files no case. `FUZZ_RUNS` sets the runs per property (default sized for CI).
 */

const RUNS = Number(process.env.FUZZ_RUNS || 40)
const API_TOKEN = 'test-api-token-0123456789'
/** The shared sample intakes (bundled: workerd has no file system to read them from). */
const samples = Object.values(
  import.meta.glob<{ intake: Record<string, unknown> }>('../fixtures/intakes/*.json', {
    eager: true,
    import: 'default',
  }),
)

const server = buildPlatformServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }))
afterAll(() => server.close())

/** Strings a hostile client sends: binary, astral, control characters, markup, huge. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    '',
    '\u0000',
    '\u202e\u200b',
    'ĳ Ł ő 👩🏽‍⚕️ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE cases; --",
    '../../etc/passwd',
    '%00%ff',
    '__proto__',
    '9'.repeat(400),
    'x'.repeat(5000),
  ),
)

const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileString,
  fc.object({ maxDepth: 2 }),
  fc.array(hostileString, { maxLength: 4 }),
)

/** Header-safe strings (a Headers object refuses others before they reach the Worker). */
const headerString = fc.stringMatching(/^[\x21-\x7e]{0,320}$/)

/** A sample intake with one field replaced by a hostile value, kept only when it is invalid. */
const brokenIntake: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.constantFrom(...samples), fc.string({ maxLength: 12 }), hostileJson)
  .map(([sample, pick, value]) => {
    const intake = structuredClone(sample.intake)
    const keys = Object.keys(intake)
    const top = keys[pick.length % keys.length] as string
    const inner = intake[top]
    if (typeof inner === 'object' && inner !== null && !Array.isArray(inner) && pick.length % 2 === 0) {
      const innerKeys = Object.keys(inner)
      ;(inner as Record<string, unknown>)[innerKeys[pick.length % Math.max(1, innerKeys.length)] ?? pick] =
        value
    } else intake[top] = value
    return intake
  })
  .filter((intake) => !parseIntake(intake).ok)

const OVERSIZED = `{"question":"${'x'.repeat(300 * 1024)}"}`

/** Asserts the answer: never a 5xx; a 4xx JSON body names the problem in Dutch and English. */
async function expectRefusedOrHandled(res: Response, where: string): Promise<void> {
  expect(res.status, where).toBeLessThan(500)
  const type = res.headers.get('content-type') ?? ''
  const text = await res.text()
  if (res.status >= 400 && type.includes('json')) {
    const body = JSON.parse(text) as {
      error?: { nl?: unknown; en?: unknown; message?: { nl?: unknown; en?: unknown } }
      errors?: { nl?: unknown; en?: unknown }[]
    }
    const messages = [body.error?.message ?? body.error, ...(body.errors ?? [])].filter(Boolean)
    expect(messages.length, `${where}: ${text.slice(0, 200)}`).toBeGreaterThan(0)
    for (const m of messages) {
      expect(typeof m?.nl, `${where}: ${text.slice(0, 200)}`).toBe('string')
      expect(typeof m?.en, `${where}: ${text.slice(0, 200)}`).toBe('string')
    }
  }
  if (res.status >= 400 && type.includes('html')) expect(text).toMatch(/<html lang="(nl|en)">/)
}

/** Runs a property; afterwards D1 holds exactly the rows it held before. */
async function assertNoStateChange<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncPropertyWithHooks<Ts>,
  runs = RUNS,
) {
  const before = await rowCounts()
  await fc.assert(property, { numRuns: runs })
  expect(await rowCounts()).toEqual(before)
}

describe('fuzz: POST /api/v1/route', () => {
  it('answers hostile bodies and content types with 400/413/415 (or a routing for a valid intake)', async () => {
    await assertNoStateChange(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.json({ maxDepth: 3 }),
          brokenIntake.map((i) => JSON.stringify(i)),
          fc.constant(OVERSIZED),
        ),
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', '', 'x/y'),
        async (body, type) => {
          const res = await send(
            new Request('https://ret.example.test/api/v1/route', {
              method: 'POST',
              headers: type ? { 'content-type': type } : {},
              body,
            }),
          )
          if (res.status !== 200) expect([400, 413, 415]).toContain(res.status)
          await expectRefusedOrHandled(res, 'route')
        },
      ),
    )
  })
})

describe('fuzz: POST /api/v1/cases (valid token)', () => {
  it('refuses hostile bodies and idempotency keys with a 4xx and files nothing', async () => {
    await assertNoStateChange(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.json({ maxDepth: 3 }),
          brokenIntake.map((i) => JSON.stringify(i)),
          fc.constant(OVERSIZED),
        ),
        fc.oneof(fc.uuid(), headerString),
        fc.constantFrom('application/json', 'text/plain'),
        async (body, key, type) => {
          const res = await send(
            new Request('https://ret.example.test/api/v1/cases', {
              method: 'POST',
              headers: { authorization: `Bearer ${API_TOKEN}`, 'idempotency-key': key, 'content-type': type },
              body,
            }),
          )
          expect(res.status).toBeGreaterThanOrEqual(400)
          await expectRefusedOrHandled(res, 'cases')
        },
      ),
    )
  })

  it('refuses hostile tokens and references on GET', async () => {
    await assertNoStateChange(
      fc.asyncProperty(headerString, hostileString, async (token, reference) => {
        const res = await send(
          new Request(`https://ret.example.test/api/v1/cases/${encodeURIComponent(reference)}`, {
            headers: { authorization: `Bearer ${token}` },
          }),
        )
        expect([401, 404]).toContain(res.status)
        await expectRefusedOrHandled(res, 'cases GET')
      }),
    )
  })
})

/** A request signed the way Slack signs it, over whatever body. */
async function signedSlack(path: string, body: string, type: string): Promise<Request> {
  const ts = String(Math.floor(Date.now() / 1000))
  return new Request(`https://ret.example.test${path}`, {
    method: 'POST',
    headers: {
      'content-type': type,
      'x-slack-request-timestamp': ts,
      'x-slack-signature': await signSlackRequest(SIGNING_SECRET, ts, body),
    },
    body,
  })
}

const slashFields = fc.dictionary(
  fc.oneof(
    fc.constantFrom('team_id', 'user_id', 'command', 'text', 'channel_id', 'response_url', 'trigger_id'),
    hostileString,
  ),
  hostileString,
  { maxKeys: 8 },
)

/** Interaction payloads: the real types with hostile insides, or anything at all. */
const interactionPayload = fc.oneof(
  hostileJson,
  fc.record({
    type: fc.constantFrom('block_actions', 'view_submission', 'view_closed'),
    team: fc.oneof(fc.record({ id: fc.constantFrom(TEAM, 'TOTHER') }), hostileJson),
    user: fc.oneof(fc.record({ id: hostileString, team_id: fc.constant(TEAM) }), hostileJson),
    trigger_id: hostileString,
    actions: fc.oneof(
      fc.array(
        fc.record({
          action_id: fc.oneof(
            fc.constantFrom('ret:triage:accept', 'ret:triage:decline', 'ret:intake:next'),
            hostileString,
          ),
          value: fc.oneof(
            hostileString,
            hostileJson.map((v) => JSON.stringify(v)),
          ),
        }),
        { maxLength: 2 },
      ),
      hostileJson,
    ),
    view: fc.oneof(
      fc.record({
        id: hostileString,
        callback_id: fc.oneof(fc.constantFrom('ret:intake', 'ret:triage:accept'), hostileString),
        private_metadata: hostileString,
        state: fc.record({ values: fc.dictionary(hostileString, fc.object({ maxDepth: 2 })) }),
      }),
      hostileJson,
    ),
  }),
)

describe('fuzz: Slack endpoints (valid signatures over hostile bodies)', () => {
  it('/slack/commands, /slack/interactions and /slack/events never answer 5xx and file nothing', async () => {
    const before = await rowCounts()
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          slashFields.map((f) => ['/slack/commands', new URLSearchParams(f).toString()] as const),
          interactionPayload.map(
            (p) =>
              [
                '/slack/interactions',
                new URLSearchParams({ payload: JSON.stringify(p) ?? '' }).toString(),
              ] as const,
          ),
          fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ['/slack/interactions', s] as const),
          hostileJson.map((j) => ['/slack/events', JSON.stringify(j) ?? ''] as const),
          fc.constantFrom('/slack/commands', '/slack/events').map((p) => [p, OVERSIZED] as const),
        ),
        async ([path, body]) => {
          const type = path === '/slack/events' ? 'application/json' : 'application/x-www-form-urlencoded'
          const res = await send(await signedSlack(path, body, type))
          await expectRefusedOrHandled(res, path)
        },
      ),
      { numRuns: RUNS * 2 },
    )
    // Signed but hostile deliveries may be remembered as seen (a retry is then a no-op), nothing else.
    const after = await rowCounts()
    expect({ ...after, processed_jobs: 0 }).toEqual({ ...before, processed_jobs: 0 })
  })
})

/** A well-formed activity from a Teams user, for breaking one part at a time. */
function baseActivity(aad: string): Record<string, unknown> {
  return {
    type: 'message',
    id: `f${Math.floor(Math.random() * 1e12)}`,
    timestamp: new Date().toISOString(),
    locale: 'nl-NL',
    serviceUrl: TEST_SERVICE_URL,
    channelId: 'msteams',
    from: { id: `29:${aad}`, aadObjectId: aad, name: 'Referrer' },
    recipient: { id: `28:${TEST_APP_ID}`, name: 'RET' },
    conversation: { id: `a:personal-${aad}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    text: 'help',
  }
}

const activityBreak = fc.oneof(
  fc.record({
    key: fc.constantFrom('type', 'from', 'conversation', 'serviceUrl', 'channelData', 'value'),
    value: hostileJson,
  }),
  fc.record({ key: fc.constant('text'), value: hostileString }),
)

describe('fuzz: Teams /api/messages (valid tokens over hostile activities)', () => {
  it('answers 2xx or 4xx, never 5xx; a refused activity changes nothing and no case is filed', async () => {
    const signer = await botSigner()
    const token = await mintToken(signer, Math.floor(Date.now() / 1000))
    const casesBefore = (await rowCounts()).cases
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(fc.constant('break' as const), fc.array(activityBreak, { minLength: 1, maxLength: 3 })),
          fc.tuple(fc.constant('raw' as const), fc.string({ unit: 'binary', maxLength: 200 })),
          fc.tuple(fc.constant('json' as const), hostileJson),
        ),
        fc.nat({ max: 9 }),
        async ([kind, payload], user) => {
          let body: string
          if (kind === 'break') {
            const activity = baseActivity(`aad-fuzz-${user}`)
            for (const { key, value } of payload) activity[key] = value
            body = JSON.stringify(activity)
          } else body = kind === 'raw' ? payload : (JSON.stringify(payload) ?? '')
          const before = await rowCounts()
          const res = await send(
            new Request('https://ret.example.test/api/messages', {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body,
            }),
          )
          await expectRefusedOrHandled(res, 'teams')
          if (res.status >= 400) expect(await rowCounts()).toEqual(before)
        },
      ),
      { numRuns: RUNS * 2 },
    )
    expect((await rowCounts()).cases).toBe(casesBefore)
  })
})

describe('fuzz: files', () => {
  it('answers forged and hostile file links with a 4xx; only the refusal is audited', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.stringMatching(/^[A-Za-z0-9_-]{1,80}\.[A-Za-z0-9_-]{1,80}$/),
          // The shape of a real (opaque) link token, never issued.
          fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          hostileString.map((s) => encodeURIComponent(s)),
        ),
        fc.constantFrom(
          'GET /files/',
          'POST /files/',
          'GET /files/upload/',
          'POST /files/upload/',
          'GET /cases/RET-2026-0001/attachments/',
        ),
        async (token, route) => {
          const [method, prefix] = route.split(' ') as [string, string]
          const before = await rowCounts()
          const res = await send(
            new Request(`https://ret.example.test${prefix}${token}`, {
              method,
              ...(method === 'POST' ? { body: token, headers: { 'content-type': 'application/pdf' } } : {}),
              redirect: 'manual',
            }),
          )
          expect(res.status, `${route}${token}`).toBeGreaterThanOrEqual(300)
          await expectRefusedOrHandled(res, route)
          // Every refusal of a file link is audited (DOMAIN.md §7); nothing else changes.
          const after = await rowCounts()
          expect(after.audit_log! - before.audit_log!).toBeLessThanOrEqual(1)
          expect({ ...after, audit_log: 0 }).toEqual({ ...before, audit_log: 0 })
        },
      ),
      { numRuns: RUNS },
    )
  })
})

describe('fuzz: web form posts (signed in, valid CSRF)', () => {
  it('answers hostile fields and actions with a page (200/4xx), never a 500, and files no case', async () => {
    const b = new WebClient()
    await b.login('Fuzz Tester')
    await b.post('/intake/start', {})
    expect(b.stepId()).toBe('start')
    const actions = fc.oneof(
      fc.constantFrom(
        'next',
        'back',
        'later',
        'submit',
        'add:help.history',
        'remove:help.history:7',
        'edit:child',
      ),
      fc.constantFrom('choose:', 'remove:', 'add:').chain((p) => hostileString.map((s) => `${p}${s}`)),
      hostileString,
    )
    await assertNoStateChange(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom('start', 'referrer', 'child', 'review'), hostileString),
        actions,
        fc.dictionary(
          fc.oneof(
            fc.constantFrom('acuteDanger', 'consultationOnly', 'child.birthYear', 'referrer.email', '_multi'),
            hostileString,
          ),
          fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 })),
          { maxKeys: 6 },
        ),
        async (stepId, action, fields) => {
          const res = await b.post('/intake', { ...fields, _step: stepId, _action: action })
          expect(b.status, `${stepId} ${action}`).toBeLessThan(500)
          expect(res.status).toBeLessThan(500)
          expect(b.html).toMatch(/<html lang="(nl|en)">/)
          // A cancelled draft is started again so later runs still reach the dialogue.
          if (!b.stepId()) await b.post('/intake/start', {})
        },
      ),
    )
  })

  it('refuses forged CSRF tokens, hostile sign-ins and language switches without a 500 or an open redirect', async () => {
    const b = new WebClient()
    await b.login('Fuzz Tester Twee')
    const casesBefore = (await rowCounts()).cases
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/dev/login', '/lang', '/intake/start', '/intake', '/intake/cancel', '/dev/logout'),
        fc.oneof(fc.constant(undefined), headerString),
        hostileString,
        hostileString,
        async (path, csrf, a, c) => {
          const fields: Record<string, string> =
            path === '/lang' ? { lang: a, next: c } : { name: a, role: c }
          const before = await rowCounts()
          await b.post(path, fields, csrf === undefined ? {} : { csrf })
          expect(b.status, path).toBeLessThan(500)
          expect(b.url.startsWith('/') && !b.url.startsWith('//'), b.url).toBe(true)
          // A forged token changes nothing at all (a valid one may start a draft).
          if (csrf !== undefined && b.status === 403) expect(await rowCounts()).toEqual(before)
          if (b.status === 401) await b.login('Fuzz Tester Twee')
        },
      ),
      { numRuns: RUNS },
    )
    expect((await rowCounts()).cases).toBe(casesBefore)
  })
})

/** Bytes that are (almost always) not valid UTF-8: random bytes with a lone continuation byte mixed in. */
const invalidUtf8 = fc
  .tuple(fc.uint8Array({ maxLength: 120 }), fc.nat({ max: 120 }), fc.constantFrom(0x80, 0xbf, 0xc3, 0xff))
  .map(([bytes, at, bad]) => {
    const out = [...bytes]
    out.splice(at % (out.length + 1), 0, bad)
    return new Uint8Array(out)
  })

/** A sample intake as JSON with a byte sequence that is not UTF-8 inside one of its strings. */
const intakeWithInvalidUtf8 = fc
  .tuple(fc.constantFrom(...samples), fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88]))
  .map(([sample, bad]) => {
    const [before, after] = JSON.stringify({ ...sample.intake, question: 'vóór BREAK na' }).split(
      'BREAK',
    ) as [string, string]
    const enc = new TextEncoder()
    return new Uint8Array([...enc.encode(before), ...bad, ...enc.encode(after)])
  })

/** Control characters other than tab and newline (C0, DEL, C1, a lone CR). */
const controlChar = fc
  .oneof(
    fc.integer({ min: 0x00, max: 0x08 }),
    fc.integer({ min: 0x0b, max: 0x0c }),
    fc.integer({ min: 0x0e, max: 0x1f }),
    fc.integer({ min: 0x7f, max: 0x9f }),
  )
  .map((code) => String.fromCharCode(code))

/** A valid sample with one control character put into one of its free texts. */
const intakeWithControlChar = fc
  .tuple(
    fc.constantFrom(...samples),
    fc.constantFrom('question', 'perspective', 'referrer.name', 'referrer.organisation'),
    controlChar,
    fc.string({ maxLength: 10 }),
  )
  .map(([sample, path, control, filler]) => {
    const intake = structuredClone(sample.intake) as Record<string, Record<string, unknown> | unknown>
    const [top, inner] = path.split('.') as [string, string | undefined]
    if (inner) (intake[top] as Record<string, unknown>)[inner] = `Naam${control}${filler}`
    else intake[top] = `Tekst ${filler}${control} einde`
    return { intake, path }
  })

describe('fuzz: invalid UTF-8 and control characters (issue 14 §7)', () => {
  it('refuses bodies that are not UTF-8 on every JSON endpoint with a 4xx, never a 5xx; nothing is filed', async () => {
    const signer = await botSigner()
    const teamsToken = await mintToken(signer, Math.floor(Date.now() / 1000))
    const casesBefore = (await rowCounts()).cases
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(invalidUtf8, intakeWithInvalidUtf8),
        fc.constantFrom('route', 'cases', 'erase', 'rotate', 'teams'),
        async (body, where) => {
          const headers: Record<string, string> = { 'content-type': 'application/json' }
          let path = '/api/v1/route'
          if (where === 'cases') {
            path = '/api/v1/cases'
            headers.authorization = `Bearer ${API_TOKEN}`
            headers['idempotency-key'] = crypto.randomUUID()
          } else if (where === 'erase' || where === 'rotate') {
            path = where === 'erase' ? '/api/v1/admin/cases/RET-2026-0001/erase' : '/api/v1/admin/rotate-key'
            headers.authorization = 'Bearer test-admin-token-0123456789abcdef'
          } else if (where === 'teams') {
            path = '/api/messages'
            headers.authorization = `Bearer ${teamsToken}`
          }
          const res = await send(
            new Request(`https://ret.example.test${path}`, { method: 'POST', headers, body }),
          )
          expect(res.status, where).toBeGreaterThanOrEqual(400)
          await expectRefusedOrHandled(res, `utf-8 ${where}`)
        },
      ),
      { numRuns: RUNS },
    )
    expect((await rowCounts()).cases).toBe(casesBefore)
  })

  it('refuses an intake with a control character in a free text (400 naming the field) and files nothing', async () => {
    await assertNoStateChange(
      fc.asyncProperty(intakeWithControlChar, async ({ intake, path }) => {
        const res = await send(
          new Request('https://ret.example.test/api/v1/cases', {
            method: 'POST',
            headers: {
              authorization: `Bearer ${API_TOKEN}`,
              'idempotency-key': crypto.randomUUID(),
              'content-type': 'application/json',
            },
            body: JSON.stringify(intake),
          }),
        )
        expect(res.status, path).toBe(400)
        const body = (await res.clone().json()) as { errors: { path: string }[] }
        expect(body.errors.map((e) => e.path)).toContain(path)
        await expectRefusedOrHandled(res, `control ${path}`)
      }),
    )
  })

  it('answers web forms with invalid %XX escapes with a 400 page, never a 500', async () => {
    const b = new WebClient()
    await b.login('Fuzz Utf Acht')
    await b.post('/intake/start', {})
    const cookie = () => [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    await assertNoStateChange(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 12 }).filter((bytes) => decodeUtf8Strict(bytes) === null),
        fc.constantFrom('/intake', '/intake/start', '/intake/cancel', '/lang', '/cases/RET-2026-0001'),
        async (bytes, path) => {
          const escaped = [...bytes].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('')
          const res = await send(
            new Request(`http://127.0.0.1:8787${path}`, {
              method: 'POST',
              headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
              body: `_csrf=${encodeURIComponent(b.csrf())}&_step=start&_action=next&field=${escaped}`,
              redirect: 'manual',
            }),
          )
          expect(res.status, path).toBe(400)
          await expectRefusedOrHandled(res, `form ${path}`)
        },
      ),
    )
  })
})

/** Random credentials: bearer tokens, JWT-shaped strings, forged session cookies. */
const b64url = fc.stringMatching(/^[A-Za-z0-9_-]{1,120}$/)
const junkJwt = fc
  .tuple(b64url, b64url, b64url)
  .map(([h, p, s]) => `${h}.${p}.${s}`)
  .chain((jwt) =>
    fc.constantFrom(
      jwt,
      // A real-looking header ({"alg":"RS256","kid":"k1"}) over junk.
      `eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.${jwt.split('.')[1]}.${jwt.split('.')[2]}`,
      // alg none.
      `eyJhbGciOiJub25lIn0.${jwt.split('.')[1]}.`,
    ),
  )
const junkCredential = fc.oneof(headerString, junkJwt)

describe('fuzz: junk credentials (issue 14 §7)', () => {
  it('random bearer tokens, JWTs and cookies get a 401/403/404 (or 429), never a 5xx, and change nothing', async () => {
    await assertNoStateChange(
      fc.asyncProperty(
        junkCredential,
        fc.constantFrom(
          'GET /api/v1/cases/RET-2026-0001',
          'POST /api/v1/cases',
          'GET /api/v1/admin/cases/RET-2026-0001/audit',
          'POST /api/v1/admin/rotate-key',
          'POST /api/messages',
          'GET /intake',
          'GET /cases',
          'GET /digest',
          'GET /',
        ),
        fc.constantFrom('bearer', 'access', 'cookie'),
        async (credential, route, kind) => {
          const [method, path] = route.split(' ') as [string, string]
          const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/html' }
          if (kind === 'bearer') headers.authorization = `Bearer ${credential}`
          if (kind === 'access') headers['cf-access-jwt-assertion'] = credential
          if (kind === 'cookie') headers.cookie = `ret_session=${credential}`
          const res = await send(
            new Request(`https://ret.example.test${path}`, {
              method,
              headers: { ...headers, 'idempotency-key': crypto.randomUUID() },
              ...(method === 'POST' ? { body: '{}' } : {}),
              redirect: 'manual',
            }),
          )
          expect(res.status, `${route} ${kind}`).toBeLessThan(500)
          expect([401, 403, 404, 429], `${route} ${kind}`).toContain(res.status)
          await expectRefusedOrHandled(res, `${route} ${kind}`)
        },
      ),
      RUNS * 2,
    )
  })
})
