import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import type { DraftState } from '../../src/domain/dialogue-types'
import type { Actor } from '../../src/domain/types'
import { pdfFileId } from '../../src/ports/case-files'
import { runCaseCommand } from '../../src/services/cases'
import { issueFileLink, linkIdOf } from '../../src/services/links'
import { decryptFile } from '../../src/services/pdf'
import { buildDeps } from '../../src/wiring'
import {
  decryptDraftBlob,
  dumpD1,
  dumpDrafts,
  dumpR2,
  findValues,
  findValuesInBytes,
  PERSONAL,
  runPrivacyWebIntake,
  startPrivacyDraft,
  waitForJob,
  waitForPdf,
} from './privacy-helpers'
import { WebClient } from './web-client'

/**
 * Encryption at rest (issue 7 acceptance): after a full intake — a web dialogue filed as a case, its
 * PDF rendered into R2, a chair's question on the timeline, and a second person's draft left half-way —
 * the raw bytes of D1 (`SELECT *` of every table), R2 (every object) and the draft Durable Objects hold
 * none of the intake's personal values in plaintext; and the same bytes decrypt to them with the key.
 */

const CHAIR: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'chair-1',
  name: '',
  roles: ['chair'],
  lang: 'nl',
}
const QUESTION = 'Waar woont opa Wŏuter precies?'

let reference = ''

beforeAll(async () => {
  reference = await runPrivacyWebIntake(new WebClient(), 'Privacy Referent')
  await waitForPdf(reference)
  const asked = await runCaseCommand(buildDeps(env), {
    reference,
    command: { type: 'requestInfo', items: ['analysis'], question: QUESTION },
    actor: CHAIR,
  })
  expect(asked.ok).toBe(true)
  // The change re-renders the PDF on the queue: let it finish, so nothing is written behind the test's back.
  await waitForJob(`case.changed:${reference}:2#pdf.generate`)
  await startPrivacyDraft(new WebClient(), 'Privacy Concept')
}, 60_000)

describe('personal data at rest', () => {
  it('D1: no table holds a personal value; the personal columns are AES-GCM ciphertexts under the case key', async () => {
    const tables = await dumpD1()
    expect(Object.keys(tables)).toEqual(
      expect.arrayContaining(['cases', 'case_events', 'audit_log', 'case_files', 'case_keys']),
    )
    for (const [table, text] of Object.entries(tables)) expect(findValues(text), table).toEqual([])
    const row = await env.DB.prepare('SELECT intake_enc, pseudonym_enc FROM cases WHERE reference = ?1')
      .bind(reference)
      .first<{ intake_enc: string; pseudonym_enc: string }>()
    // Personal values are under the case's own key (issue 14 §10); that key is wrapped by master key k1.
    expect(row?.intake_enc).toMatch(/^v2\.case\.[\w-]{16}\.[\w-]+$/)
    expect(row?.pseudonym_enc).toMatch(/^v2\.case\./)
    const key = await env.DB.prepare(
      'SELECT k.key_enc FROM case_keys k JOIN cases c ON c.id = k.case_id WHERE c.reference = ?1',
    )
      .bind(reference)
      .first<{ key_enc: string }>()
    expect(key?.key_enc).toMatch(/^v1\.k1\.[\w-]{16}\.[\w-]+$/)
    const files = await env.DB.prepare(
      'SELECT f.key_enc FROM case_files f JOIN cases c ON c.id = f.case_id WHERE c.reference = ?1',
    )
      .bind(reference)
      .all<{ key_enc: string }>()
    expect(files.results.length).toBeGreaterThan(0)
    for (const f of files.results) expect(f.key_enc).toMatch(/^v2\.case\./)
    const event = await env.DB.prepare(
      "SELECT e.data_enc FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.reference = ?1 AND e.type = 'requestInfo'",
    )
      .bind(reference)
      .first<{ data_enc: string }>()
    expect(event?.data_enc).toMatch(/^v2\.case\./)
  })

  it('D1: a file link token is never stored, only its keyed hash (issue 14 §5)', async () => {
    const deps = buildDeps(env)
    const web = await issueFileLink(deps, { actor: CHAIR, reference, file: 'pdf:nl' })
    const chat = await issueFileLink(deps, {
      actor: { ...CHAIR, surface: 'teams', tenant: 'tenant-drenthe-0001', userId: 'aad-at-rest' },
      reference,
      file: 'analysis',
      purpose: 'upload',
    })
    const tables = await dumpD1()
    expect(tables.file_links).toContain(await linkIdOf(env.LINK_SIGNING_KEY ?? '', web.token))
    expect(tables.file_links).toContain(await linkIdOf(env.LINK_SIGNING_KEY ?? '', chat.token))
    for (const [table, text] of Object.entries(tables)) {
      expect(findValues(text, [web.token, chat.token]), table).toEqual([])
    }
    for (const [key, text] of Object.entries(await dumpDrafts())) {
      expect(findValues(text, [web.token, chat.token]), key).toEqual([])
    }
  })

  it('D1: the ciphertexts do decrypt to the personal values (the scan would have seen plaintext)', async () => {
    const deps = buildDeps(env)
    const row = await env.DB.prepare('SELECT id, intake_enc FROM cases WHERE reference = ?1')
      .bind(reference)
      .first<{ id: string; intake_enc: string }>()
    const intake = await deps.cipher.decryptJson<{ referrer: { name: string }; question: string }>(
      row?.intake_enc ?? '',
      `case:${row?.id}:intake`,
    )
    expect(intake.referrer.name).toBe(PERSONAL.referrerName)
    expect(intake.question).toBe(PERSONAL.question)
  })

  it('R2: every object is ciphertext (no PDF header, no personal value) and decrypts to the PDF', async () => {
    const objects = await dumpR2()
    expect(objects.size).toBeGreaterThan(0)
    for (const [key, bytes] of objects) {
      expect(findValuesInBytes(bytes), key).toEqual([])
      expect(new TextDecoder('latin1').decode(bytes)).not.toContain('%PDF')
      expect(key).not.toContain(reference)
    }
    const id = (
      await env.DB.prepare('SELECT id FROM cases WHERE reference = ?1')
        .bind(reference)
        .first<{ id: string }>()
    )?.id
    const files = buildCaseFileStore(env)
    const file = await files.get(pdfFileId(id ?? '', 'nl'))
    expect(file).not.toBeNull()
    const plain = await decryptFile(buildDeps(env).cipher, file!, objects.get(file!.r2Key)!)
    expect(new TextDecoder('latin1').decode(plain.subarray(0, 5))).toBe('%PDF-')
  })

  it('drafts: the Durable Object storage holds ciphertext only; the half-way draft decrypts to the answers', async () => {
    const drafts = await dumpDrafts()
    expect(Object.keys(drafts).sort()).toEqual(['web:dev:privacy-concept', 'web:dev:privacy-referent'])
    for (const [key, text] of Object.entries(drafts)) {
      expect(findValues(text), key).toEqual([])
      // Under the draft's own data key (wrapped by the master key in D1, not in the object's storage).
      expect(text).toContain('v2.draft.')
      expect(text).not.toContain('v1.k1.')
    }
    const stored = JSON.parse(drafts['web:dev:privacy-concept'] ?? '[]') as [string, { blob: string }][]
    const blob = stored.find(([k]) => k === 'draft')?.[1].blob ?? ''
    const state = await decryptDraftBlob<DraftState>(
      'web:dev:privacy-concept',
      blob,
      buildAesGcmCipher(env.ENCRYPTION_KEYS),
    )
    expect(state.answers['referrer.name']).toBe(PERSONAL.referrerName)
    expect(state.answers['child.pseudonym']).toBe(PERSONAL.pseudonym)
  })
})
