import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import { buildDraftMaintenance, D1PrivacyStore } from '../../adapters/storage/d1-privacy-store'
import { buildRotateKeyCommand } from '../../src/cli/commands/rotate-key'
import type { CliContext } from '../../src/cli/types'
import type { DraftState } from '../../src/domain/dialogue-types'
import type { Actor } from '../../src/domain/types'
import { pdfFileId } from '../../src/ports/case-files'
import { getCase, runCaseCommand } from '../../src/services/cases'
import { runRotateKeys } from '../../src/services/key-rotation'
import { decryptFile } from '../../src/services/pdf'
import { buildDeps } from '../../src/wiring'
import {
  ADMIN_TOKEN,
  adminFetch,
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
 * Key rotation (issue 7 acceptance): with a new key deployed in front of the old one, `rotate-key`
 * re-encrypts every value — case intakes and pseudonyms, timeline data, wrapped file keys, drafts — in
 * batches; afterwards the old key id appears nowhere, and everything decrypts with the new key alone.
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

  it('re-encrypts every value and draft in batches; the old key id is gone; all decrypts with the new key', async () => {
    const privacy = new D1PrivacyStore(env.DB, env.FILES)
    const before = await privacy.countByKeyId()
    expect(Object.keys(before)).toEqual(['k1'])
    const total = before.k1 ?? 0
    // intake + pseudonym + requestInfo data + wrapped PDF keys (nl, and en when rendered).
    expect(total).toBeGreaterThanOrEqual(4)
    const objectsBefore = await dumpR2()

    const report = await runRotateKeys(
      {
        cipher: buildAesGcmCipher(ROTATING),
        privacy,
        drafts: buildDraftMaintenance(env.DRAFTS),
        keyring: ROTATING,
      },
      { batchSize: 2 },
    )
    expect(report.done).toBe(true)
    expect(report.values).toBe(total)
    expect(report.drafts).toBe(2)
    expect(report.batches).toBeGreaterThan(2)
    expect(report.keyIds).toEqual({ k2: total })

    // The old key id appears nowhere: not in any D1 row, not in any draft.
    for (const [table, text] of Object.entries(await dumpD1())) expect(text, table).not.toContain('v1.k1.')
    for (const [key, text] of Object.entries(await dumpDrafts())) {
      expect(text, key).not.toContain('v1.k1.')
      expect(text, key).toContain('v1.k2.')
    }

    // Everything decrypts with the new key alone.
    const newOnly = buildAesGcmCipher(NEW_KEY)
    const deps = buildDeps(env, { cipher: newOnly })
    const read = await getCase(deps, reference, ADMIN)
    expect(read.ok).toBe(true)
    if (!read.ok) return
    expect(read.case.intake.referrer.name).toBe(PERSONAL.referrerName)
    expect(read.case.pseudonym).toBe(PERSONAL.pseudonym)
    expect(read.case.timeline.find((e) => e.type === 'requestInfo')?.data).toMatchObject({
      question: 'Wat zegt opa Wŏuter?',
    })
    const id = (
      await env.DB.prepare('SELECT id FROM cases WHERE reference = ?1')
        .bind(reference)
        .first<{ id: string }>()
    )?.id
    const file = await buildCaseFileStore(env).get(pdfFileId(id ?? '', 'nl'))
    const objects = await dumpR2()
    // The objects themselves were not rewritten (their data keys were re-wrapped) and still open.
    expect([...objects.keys()].sort()).toEqual([...objectsBefore.keys()].sort())
    const pdf = await decryptFile(newOnly, file!, objects.get(file!.r2Key)!)
    expect(new TextDecoder('latin1').decode(pdf.subarray(0, 5))).toBe('%PDF-')
    for (const [key, text] of Object.entries(await dumpDrafts())) {
      const stored = JSON.parse(text) as [string, { blob: string }][]
      const blob = stored.find(([k]) => k === 'draft')?.[1].blob ?? ''
      const state = await newOnly.decryptJson<DraftState>(blob, key)
      expect(state.draftId).toBeTruthy()
    }

    // A second run has nothing left to do.
    const again = await runRotateKeys(
      {
        cipher: buildAesGcmCipher(ROTATING),
        privacy,
        drafts: buildDraftMaintenance(env.DRAFTS),
        keyring: ROTATING,
      },
      { batchSize: 2 },
    )
    expect(again).toMatchObject({ done: true, values: 0, drafts: 0 })
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
