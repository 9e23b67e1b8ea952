import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import { buildDraftMaintenance, D1PrivacyStore } from '../../adapters/storage/d1-privacy-store'
import { buildRotateKeyCommand } from '../../src/cli/commands/rotate-key'
import type { CliContext } from '../../src/cli/types'
import type { DraftState } from '../../src/domain/dialogue-types'
import type { Actor } from '../../src/domain/types'
import { legacyFileKeyAad, pdfFileId, storedFileKeyAad } from '../../src/ports/case-files'
import { eventAad, pseudonymAad } from '../../src/ports/cipher'
import { getCase, runCaseCommand } from '../../src/services/cases'
import { runRotateKeys } from '../../src/services/key-rotation'
import { decryptFile } from '../../src/services/pdf'
import { buildDeps } from '../../src/wiring'
import {
  ADMIN_TOKEN,
  adminFetch,
  decryptDraftBlob,
  dumpD1,
  dumpDrafts,
  dumpR2,
  PERSONAL,
  runPrivacyWebIntake,
  startPrivacyDraft,
  waitForJob,
  waitForPdf,
} from './privacy-helpers'
import { WebClient } from './web-client'

/**
 * Key rotation (issue 7 acceptance; issue 14 §10): with a new key deployed in front of the old one,
 * `rotate-key` re-wraps every case key and re-encrypts drafts, in batches, and moves values written
 * before per-case keys to their case key; the data under case keys and the R2 objects are not rewritten.
 * Afterwards the old key id appears nowhere, and everything decrypts with the new key alone.
 */

const OLD = env.ENCRYPTION_KEYS ?? ''
const NEW_KEY = 'k2:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8='
const ROTATING = `${NEW_KEY},${OLD}`
const CHAIR: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'chair-1',
  name: '',
  roles: ['chair'],
  lang: 'nl',
}
const ADMIN: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'admin-1',
  name: '',
  roles: ['admin'],
  lang: 'nl',
}

function cliContext(out: string[], err: string[]): CliContext {
  return {
    lang: 'en',
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => '',
    now: () => new Date(),
  }
}

let reference = ''

beforeAll(async () => {
  reference = await runPrivacyWebIntake(new WebClient(), 'Rotatie Referent')
  await waitForPdf(reference)
  const asked = await runCaseCommand(buildDeps(env), {
    reference,
    command: { type: 'requestInfo', items: [], question: 'Wat zegt opa Wŏuter?' },
    actor: CHAIR,
  })
  expect(asked.ok).toBe(true)
  // The change re-renders the PDF on the queue: let it finish, so nothing is written behind the test's back.
  await waitForJob(`case.changed:${reference}:2#pdf.generate`)
  await startPrivacyDraft(new WebClient(), 'Rotatie Concept')
}, 60_000)

describe('rotate-key', () => {
  it('through the CLI and the admin API: nothing to do while everything is under the active key', async () => {
    const out: string[] = []
    const err: string[] = []
    const command = buildRotateKeyCommand({ fetch: adminFetch, env: { RET_ADMIN_TOKEN: ADMIN_TOKEN } })
    const code = await command.run(['--url', 'https://ret.test', '--batch-size', '2'], cliContext(out, err))
    expect(err.join('\n')).toContain('0 value(s) and 0 draft(s) re-encrypted under key k1')
    expect(code).toBe(0)
    const report = JSON.parse(out.join('\n')) as { done: boolean; keyIds: Record<string, number> }
    expect(report.done).toBe(true)
    expect(Object.keys(report.keyIds)).toEqual(['k1'])
  })

  it('re-wraps the case keys (data stays), moves pre-case-key values to the case key; the old key id is gone', async () => {
    const id = (
      await env.DB.prepare('SELECT id FROM cases WHERE reference = ?1')
        .bind(reference)
        .first<{ id: string }>()
    )?.id as string
    // Data written before per-case keys (issue 14 §10): encrypted directly under master key k1.
    const master = buildAesGcmCipher(OLD)
    const caseCipher = buildDeps(env).cipher
    const event = (await env.DB.prepare(
      "SELECT id, seq, data_enc FROM case_events WHERE case_id = ?1 AND type = 'requestInfo'",
    )
      .bind(id)
      .first<{ id: number; seq: number; data_enc: string }>())!
    const eventPlain = await caseCipher.decryptJson(event.data_enc, eventAad(id, event.seq))
    await env.DB.prepare('UPDATE case_events SET data_enc = ?1 WHERE id = ?2')
      .bind(await master.encryptJson(eventPlain, eventAad(id, event.seq)), event.id)
      .run()
    const pseudonymRow = (await env.DB.prepare('SELECT pseudonym_enc FROM cases WHERE id = ?1')
      .bind(id)
      .first<{ pseudonym_enc: string }>())!
    const pseudonym = await caseCipher.decryptJson(pseudonymRow.pseudonym_enc, pseudonymAad(id))
    await env.DB.prepare('UPDATE cases SET pseudonym_enc = ?1 WHERE id = ?2')
      .bind(await master.encryptJson(pseudonym, pseudonymAad(id)), id)
      .run()
    const pdfRow = (await buildCaseFileStore(env).get(pdfFileId(id, 'nl')))!
    const rawKey = await caseCipher.decryptJson<string>(pdfRow.keyEnc, storedFileKeyAad(pdfRow))
    await env.DB.prepare('UPDATE case_files SET key_enc = ?1 WHERE id = ?2')
      .bind(await master.encryptJson(rawKey, legacyFileKeyAad(pdfRow.id)), pdfRow.id)
      .run()

    // Old values keep decrypting (dual read) before any migration.
    const before = await getCase(buildDeps(env), reference, ADMIN)
    expect(before.ok && before.case.pseudonym).toBe(PERSONAL.pseudonym)
    expect(before.ok && before.case.timeline.find((e) => e.type === 'requestInfo')?.data).toMatchObject({
      question: 'Wat zegt opa Wŏuter?',
    })

    const privacy = new D1PrivacyStore(env.DB, env.FILES)
    // Under k1: the case key, plus the three values from before case keys.
    const counted = await privacy.countByKeyId()
    expect(counted).toEqual({ k1: 4 })
    const intakeBefore = (await env.DB.prepare('SELECT intake_enc FROM cases WHERE id = ?1')
      .bind(id)
      .first<{ intake_enc: string }>())!.intake_enc
    const objectsBefore = await dumpR2()

    const rotating = () => buildDeps(env, { cipher: buildAesGcmCipher(ROTATING) }).cipher
    const report = await runRotateKeys(
      { cipher: rotating(), privacy, drafts: buildDraftMaintenance(env.DRAFTS), keyring: ROTATING },
      { batchSize: 2 },
    )
    expect(report.done).toBe(true)
    expect(report.values).toBe(4)
    expect(report.drafts).toBe(2)
    expect(report.batches).toBeGreaterThan(2)
    // Only the case key is wrapped by a master key now, and that is k2.
    expect(report.keyIds).toEqual({ k2: 1 })

    // The data under the case key was not re-encrypted: rotation re-wrapped the key.
    const intakeAfter = (await env.DB.prepare('SELECT intake_enc FROM cases WHERE id = ?1')
      .bind(id)
      .first<{ intake_enc: string }>())!.intake_enc
    expect(intakeAfter).toBe(intakeBefore)
    const key = await env.DB.prepare('SELECT key_enc FROM case_keys WHERE case_id = ?1')
      .bind(id)
      .first<{ key_enc: string }>()
    expect(key?.key_enc).toMatch(/^v1\.k2\./)

    // The old key id appears nowhere: not in any D1 row, not in any draft; old values are under the case key.
    for (const [table, text] of Object.entries(await dumpD1())) expect(text, table).not.toContain('v1.k1.')
    for (const [key, text] of Object.entries(await dumpDrafts())) {
      expect(text, key).not.toContain('v1.k1.')
      // A draft stays under its own data key; rotation re-wrapped that key (D1 `draft_keys`) under k2.
      expect(text, key).toContain('v2.draft.')
      const wrapped = await env.DB.prepare('SELECT key_enc FROM draft_keys WHERE key = ?1')
        .bind(key)
        .first<{ key_enc: string }>()
      expect(wrapped?.key_enc, key).toMatch(/^v1\.k2\./)
    }
    const moved = (await env.DB.prepare(
      'SELECT c.pseudonym_enc, e.data_enc, f.key_enc FROM cases c, case_events e, case_files f WHERE c.id = ?1 AND e.id = ?2 AND f.id = ?3',
    )
      .bind(id, event.id, pdfRow.id)
      .first<{ pseudonym_enc: string; data_enc: string; key_enc: string }>())!
    for (const value of Object.values(moved)) expect(value).toMatch(/^v2\.case\./)

    // Everything decrypts with the new key alone.
    const newOnly = buildDeps(env, { cipher: buildAesGcmCipher(NEW_KEY) })
    const read = await getCase(newOnly, reference, ADMIN)
    expect(read.ok).toBe(true)
    if (!read.ok) return
    expect(read.case.intake.referrer.name).toBe(PERSONAL.referrerName)
    expect(read.case.pseudonym).toBe(PERSONAL.pseudonym)
    expect(read.case.timeline.find((e) => e.type === 'requestInfo')?.data).toMatchObject({
      question: 'Wat zegt opa Wŏuter?',
    })
    const file = await buildCaseFileStore(env).get(pdfFileId(id, 'nl'))
    const objects = await dumpR2()
    // The objects themselves were not rewritten (their data keys are under the case key) and still open.
    expect([...objects.keys()].sort()).toEqual([...objectsBefore.keys()].sort())
    const pdf = await decryptFile(newOnly.cipher, file!, objects.get(file!.r2Key)!)
    expect(new TextDecoder('latin1').decode(pdf.subarray(0, 5))).toBe('%PDF-')
    const newMaster = buildAesGcmCipher(NEW_KEY)
    for (const [key, text] of Object.entries(await dumpDrafts())) {
      const stored = JSON.parse(text) as [string, { blob: string }][]
      const blob = stored.find(([k]) => k === 'draft')?.[1].blob ?? ''
      const state = await decryptDraftBlob<DraftState>(key, blob, newMaster)
      expect(state.draftId).toBeTruthy()
    }

    // A second run has nothing left to do.
    const again = await runRotateKeys(
      { cipher: rotating(), privacy, drafts: buildDraftMaintenance(env.DRAFTS), keyring: ROTATING },
      { batchSize: 2 },
    )
    expect(again).toMatchObject({ done: true, values: 0, drafts: 0 })
  })

  it('refuses to run with a plain master cipher (it would put case data back under the master key)', async () => {
    const id = (await env.DB.prepare('SELECT id FROM cases WHERE reference = ?1')
      .bind(reference)
      .first<{ id: string }>())!.id
    const master = buildAesGcmCipher(NEW_KEY)
    await env.DB.prepare('UPDATE cases SET pseudonym_enc = ?1 WHERE id = ?2')
      .bind(await master.encryptJson(PERSONAL.pseudonym, pseudonymAad(id)), id)
      .run()
    const privacy = new D1PrivacyStore(env.DB, env.FILES)
    await expect(
      runRotateKeys(
        { cipher: master, privacy, drafts: buildDraftMaintenance(env.DRAFTS), keyring: NEW_KEY },
        { batchSize: 2 },
      ),
    ).rejects.toThrow(/case keys/)
    // The case-key cipher moves it.
    const fixed = await runRotateKeys(
      {
        cipher: buildDeps(env, { cipher: master }).cipher,
        privacy,
        drafts: buildDraftMaintenance(env.DRAFTS),
        keyring: NEW_KEY,
      },
      { batchSize: 2 },
    )
    expect(fixed).toMatchObject({ done: true, values: 1, drafts: 0, keyIds: { k2: 1 } })
  })

  it('refuses to rewrite the timeline: only a ciphertext may replace a ciphertext', async () => {
    const row = await env.DB.prepare('SELECT id FROM case_events WHERE data_enc IS NOT NULL LIMIT 1').first<{
      id: number
    }>()
    await expect(
      env.DB.prepare("UPDATE case_events SET data_enc = 'plain text' WHERE id = ?1").bind(row?.id).run(),
    ).rejects.toThrow(/append-only/)
    await expect(
      env.DB.prepare("UPDATE case_events SET type = 'close' WHERE id = ?1").bind(row?.id).run(),
    ).rejects.toThrow(/append-only/)
  })
})
