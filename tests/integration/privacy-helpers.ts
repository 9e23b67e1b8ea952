import { env, runInDurableObject } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { expect, vi } from 'vitest'
import { DRAFT_BLOB_PREFIX, decryptDraft, unwrapDraftKey } from '../../adapters/crypto/draft-key'
import type { Cipher } from '../../src/ports/cipher'
import { WEB_ANSWERS } from './web-answers'
import type { WebClient } from './web-client'

/**
 * Shared by the privacy tests: an intake full of distinctive personal values (none of which can occur
 * in base64 or hex by chance), a web dialogue that files it, and raw scans of D1, R2 and the draft
 * Durable Objects for those values.
 */

/** Personal values of the privacy intake, by field. */
export const PERSONAL = {
  referrerName: 'Ĳsbrand Privacytest',
  referrerOrganisation: 'Wijkteam Ŋoordenveld',
  referrerEmail: 'ijsbrand.privtest@gemeente-voorbeeld.nl',
  referrerPhone: '+31 6 9876 5432',
  pseudonym: 'Ŵ.Q.',
  partyOrganisation: 'Zorgboerderij Ħeidebloem',
  partyRole: 'Gezinsvoogd Ŧeun',
  historyWhat: 'Traject Ŧrampolinehuis',
  historyProvider: 'Praktijk Ŀindeboom',
  question: 'Kan Ŵ.Q. bij opa Wŏuter wonen?',
  perspective: 'Moeder Ŋaomi zegt: het gaat niet meer.',
} as const

/** Every personal value, plus distinctive fragments of them. */
export const PERSONAL_VALUES: string[] = [
  ...Object.values(PERSONAL),
  'Privacytest',
  'privtest',
  'Ħeidebloem',
  'Wŏuter',
  'Ŋaomi',
  '9876 5432',
]

/** The web answers with the personal values in every personal field. */
export const PRIVACY_ANSWERS: Record<string, Record<string, string | string[]>> = {
  ...WEB_ANSWERS,
  referrer: {
    ...WEB_ANSWERS.referrer,
    'referrer.name': PERSONAL.referrerName,
    'referrer.organisation': PERSONAL.referrerOrganisation,
    'referrer.email': PERSONAL.referrerEmail,
    'referrer.phone': PERSONAL.referrerPhone,
  },
  child: { ...WEB_ANSWERS.child, 'child.pseudonym': PERSONAL.pseudonym },
  network: {
    ...WEB_ANSWERS.network,
    'help.parties[0].organisation': PERSONAL.partyOrganisation,
    'help.parties[0].role': PERSONAL.partyRole,
    'help.history[0].what': PERSONAL.historyWhat,
    'help.history[0].provider': PERSONAL.historyProvider,
  },
  question: { ...WEB_ANSWERS.question, question: PERSONAL.question, perspective: PERSONAL.perspective },
}

/** A web intake from sign-in to the reference shown after submit. */
export async function runPrivacyWebIntake(b: WebClient, login: string): Promise<string> {
  await b.login(login)
  await b.post('/intake/start', {})
  for (let guard = 0; guard < 25; guard++) {
    const stepId = b.stepId()
    if (stepId === 'review') break
    const values = PRIVACY_ANSWERS[stepId]
    if (!values) throw new Error(`no answers for step "${stepId}" (status ${b.status})`)
    await b.post('/intake', { _step: stepId, _action: 'next', ...values })
    if (b.stepId() === stepId) throw new Error(`step ${stepId} did not advance (status ${b.status})`)
  }
  await b.post('/intake', { _step: 'review', _action: 'submit' })
  const reference = b.html.match(/RET-\d{4}-\d{4,}/)?.[0]
  if (!reference) throw new Error(`no reference after submit (status ${b.status})`)
  return reference
}

/** A draft that is left half-way (personal answers typed, not submitted). */
export async function startPrivacyDraft(b: WebClient, login: string): Promise<void> {
  await b.login(login)
  await b.post('/intake/start', {})
  for (const stepId of ['start', 'referrer', 'child']) {
    const values = PRIVACY_ANSWERS[stepId]
    if (b.stepId() !== stepId || !values) throw new Error(`unexpected step ${b.stepId()}`)
    await b.post('/intake', { _step: stepId, _action: 'next', ...values })
  }
}

/** Waits until the queue consumer rendered the case's PDF (the real consumer, fed by the Worker). */
export async function waitForPdf(reference: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const row = await env.DB.prepare(
        `SELECT COUNT(*) AS n FROM case_files f JOIN cases c ON c.id = f.case_id
         WHERE c.reference = ?1 AND f.kind = 'pdf'`,
      )
        .bind(reference)
        .first<{ n: number }>()
      expect(row?.n ?? 0).toBeGreaterThan(0)
    },
    { timeout: 20_000, interval: 100 },
  )
}

/** Waits until the real queue consumer recorded a ledger id (`<job id>#<handler>`) as done. */
export async function waitForJob(ledgerId: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM processed_jobs WHERE job_id = ?1')
        .bind(ledgerId)
        .first<{ n: number }>()
      expect(row?.n ?? 0).toBe(1)
    },
    { timeout: 20_000, interval: 100 },
  )
}

/** Every application table. */
export async function tableNames(): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name",
  ).all<{ name: string }>()
  return results.map((r) => r.name)
}

/** `SELECT *` of every table, as text per table. */
export async function dumpD1(): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const name of await tableNames()) {
    const { results } = await env.DB.prepare(`SELECT * FROM "${name}"`).all()
    out[name] = JSON.stringify(results)
  }
  return out
}

/** Every R2 object's bytes. */
export async function dumpR2(): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>()
  let cursor: string | undefined
  do {
    const list = await env.FILES.list(cursor ? { cursor } : {})
    for (const object of list.objects) {
      const body = await env.FILES.get(object.key)
      if (body) out.set(object.key, new Uint8Array(await body.arrayBuffer()))
    }
    cursor = list.truncated ? list.cursor : undefined
  } while (cursor)
  return out
}

/** Every registered draft's raw storage (all keys and values), as text per conversation key. */
export async function dumpDrafts(): Promise<Record<string, string>> {
  const { results } = await env.DB.prepare('SELECT key FROM draft_keys ORDER BY key').all<{ key: string }>()
  const out: Record<string, string> = {}
  for (const { key } of results) {
    const stub = env.DRAFTS.get(env.DRAFTS.idFromName(key))
    out[key] = await runInDurableObject(stub, async (_instance, state) =>
      JSON.stringify([...(await state.storage.list()).entries()]),
    )
  }
  return out
}

/** The raw storage of one draft object (registered or not). */
export async function rawDraft(key: string): Promise<string> {
  const stub = env.DRAFTS.get(env.DRAFTS.idFromName(key))
  return runInDurableObject(stub, async (_instance, state) =>
    JSON.stringify([...(await state.storage.list()).entries()]),
  )
}

/** The values found in a text (also JSON-escaped, as they would appear inside a JSON column). */
export function findValues(text: string, values: readonly string[] = PERSONAL_VALUES): string[] {
  return values.filter((v) => text.includes(v) || text.includes(JSON.stringify(v).slice(1, -1)))
}

/** The values found in bytes, read as UTF-8, Latin-1 and UTF-16 (big and little endian). */
export function findValuesInBytes(bytes: Uint8Array, values: readonly string[] = PERSONAL_VALUES): string[] {
  const texts = [
    new TextDecoder('utf-8').decode(bytes),
    new TextDecoder('latin1').decode(bytes),
    new TextDecoder('utf-16le').decode(bytes),
    new TextDecoder('utf-16be').decode(bytes),
  ]
  return values.filter((v) => texts.some((text) => text.includes(v)))
}

/** Posts to the admin API as the CLI does. */
export function adminFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(input, init))
}

/** The admin token of the test bindings (vitest.workers.config.ts). */
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef'

/**
 * Decrypts a stored draft blob as the draft object does: under the draft's own data key (its wrapped
 * form read from D1 `draft_keys.key_enc`, unwrapped with `master`), or a legacy `v1.` blob with `master`.
 */
export async function decryptDraftBlob<T>(key: string, blob: string, master: Cipher): Promise<T> {
  if (!blob.startsWith(DRAFT_BLOB_PREFIX)) return master.decryptJson<T>(blob, key)
  const row = await env.DB.prepare('SELECT key_enc FROM draft_keys WHERE key = ?1')
    .bind(key)
    .first<{ key_enc: string | null }>()
  if (!row?.key_enc) throw new Error(`no data key for draft ${key}`)
  return decryptDraft<T>(await unwrapDraftKey(master, key, row.key_enc), blob, key)
}
