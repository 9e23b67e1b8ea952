import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import type { Actor } from '../../src/domain/types'
import { type CaseFile, pdfFileId } from '../../src/ports/case-files'
import {
  type Cipher,
  CipherError,
  caseKeyAad,
  eventAad,
  intakeAad,
  pseudonymAad,
} from '../../src/ports/cipher'
import { runCaseCommand } from '../../src/services/cases'
import { decryptFile } from '../../src/services/pdf'
import { buildDeps } from '../../src/wiring'
import {
  ADMIN_TOKEN,
  adminFetch,
  dumpR2,
  PERSONAL,
  runPrivacyWebIntake,
  waitForJob,
  waitForPdf,
} from './privacy-helpers'
import { WebClient } from './web-client'

/**
 * Erasure that reaches backups (issue 14 §10): every case has its own data key, wrapped by the master
 * key; erasure destroys it. A copy of the case's ciphertext taken before erasure — as D1 free pages,
 * D1 Time Travel or an R2 copy would keep it — cannot be decrypted afterwards, not with the case-key
 * cipher and not with the master key, not even after restoring the erased rows.
 */

const CHAIR: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'chair-1',
  name: '',
  roles: ['chair'],
  lang: 'nl',
}

interface Snapshot {
  caseId: string
  caseRow: Record<string, unknown>
  intakeEnc: string
  pseudonymEnc: string
  event: { seq: number; dataEnc: string }
  file: CaseFile
  object: Uint8Array
  wrappedKey: string
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return error instanceof CipherError ? error.code : String(error)
  }
  return 'decrypted'
}

/** Every way to read the snapshot, with `cipher` (a case-key cipher or a bare master cipher). */
async function readAll(cipher: Cipher, s: Snapshot): Promise<string[]> {
  return Promise.all([
    reasonOf(cipher.decryptJson(s.intakeEnc, intakeAad(s.caseId))),
    reasonOf(cipher.decryptJson(s.pseudonymEnc, pseudonymAad(s.caseId))),
    reasonOf(cipher.decryptJson(s.event.dataEnc, eventAad(s.caseId, s.event.seq))),
    reasonOf(decryptFile(cipher, s.file, s.object)),
  ])
}

let reference = ''
let snapshot: Snapshot

beforeAll(async () => {
  reference = await runPrivacyWebIntake(new WebClient(), 'Sleutel Referent')
  await waitForPdf(reference)
  await waitForJob(`case.submitted:${reference}#pdf.generate`)
  const asked = await runCaseCommand(buildDeps(env), {
    reference,
    command: { type: 'requestInfo', items: [], question: 'Hoe gaat het met Wŏuter?' },
    actor: CHAIR,
  })
  expect(asked.ok).toBe(true)
  await waitForJob(`case.changed:${reference}:2#pdf.generate`)
  const caseRow = (await env.DB.prepare('SELECT * FROM cases WHERE reference = ?1')
    .bind(reference)
    .first<Record<string, unknown>>())!
  const caseId = String(caseRow.id)
  const event = (await env.DB.prepare(
    "SELECT seq, data_enc FROM case_events WHERE case_id = ?1 AND type = 'requestInfo'",
  )
    .bind(caseId)
    .first<{ seq: number; data_enc: string }>())!
  const file = (await buildCaseFileStore(env).get(pdfFileId(caseId, 'nl')))!
  const object = (await dumpR2()).get(file.r2Key)!
  const key = (await env.DB.prepare('SELECT key_enc FROM case_keys WHERE case_id = ?1')
    .bind(caseId)
    .first<{ key_enc: string }>())!
  // The "backup": everything an attacker with a D1 Time Travel restore and an R2 copy would hold.
  snapshot = {
    caseId,
    caseRow,
    intakeEnc: String(caseRow.intake_enc),
    pseudonymEnc: String(caseRow.pseudonym_enc),
    event: { seq: event.seq, dataEnc: event.data_enc },
    file,
    object,
    wrappedKey: key.key_enc,
  }
}, 60_000)

describe('per-case keys', () => {
  it('each case has its own key, wrapped by the master key; its values are under that key, not the master', async () => {
    expect(snapshot.wrappedKey).toMatch(/^v1\.k1\./)
    for (const value of [
      snapshot.intakeEnc,
      snapshot.pseudonymEnc,
      snapshot.event.dataEnc,
      snapshot.file.keyEnc,
    ])
      expect(value).toMatch(/^v2\.case\./)
    // Control: before erasure the backup reads fine with the case-key cipher…
    expect(await readAll(buildDeps(env).cipher, snapshot)).toEqual([
      'decrypted',
      'decrypted',
      'decrypted',
      'decrypted',
    ])
    // …and the master key alone reads none of it (it only unwraps the case key).
    const master = buildAesGcmCipher(env.ENCRYPTION_KEYS)
    expect(await readAll(master, snapshot)).not.toContain('decrypted')
    const raw = await master.decryptJson<string>(snapshot.wrappedKey, caseKeyAad(snapshot.caseId))
    expect(raw).toMatch(/^[\w-]{43}$/)
    // Two cases never share a key.
    const keys = await env.DB.prepare(
      'SELECT COUNT(DISTINCT key_enc) AS n, COUNT(*) AS total FROM case_keys',
    ).first<{
      n: number
      total: number
    }>()
    expect(keys?.n).toBe(keys?.total)
  })

  it('after erasure the old ciphertext (D1 copy, R2 copy) cannot be decrypted, not even with the master key', async () => {
    const res = await adminFetch(`http://ret.test/api/v1/admin/cases/${reference}/erase`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'request' }),
    })
    expect(res.status).toBe(200)
    const left = await env.DB.prepare('SELECT COUNT(*) AS n FROM case_keys WHERE case_id = ?1')
      .bind(snapshot.caseId)
      .first<{ n: number }>()
    expect(left?.n).toBe(0)

    // The case-key cipher (with the master keyring) finds no key for the case: destroyed.
    expect(await readAll(buildDeps(env).cipher, snapshot)).toEqual([
      'key_erased',
      'key_erased',
      'key_erased',
      'key_erased',
    ])
    // The master key alone cannot read case-key ciphertext.
    expect(await readAll(buildAesGcmCipher(env.ENCRYPTION_KEYS), snapshot)).not.toContain('decrypted')

    // A Time Travel restore of the case row brings the ciphertext back, but not the key: still unreadable,
    // and reading does not mint a new key that would fit.
    const columns = Object.keys(snapshot.caseRow)
    await env.DB.prepare(
      `INSERT INTO cases (${columns.join(', ')}) VALUES (${columns.map((_, i) => `?${i + 1}`).join(', ')})`,
    )
      .bind(...columns.map((c) => snapshot.caseRow[c]))
      .run()
    const deps = buildDeps(env)
    const restored = (await deps.store.getByReference(reference))!
    expect(await reasonOf(deps.cipher.decryptJson(restored.intakeEnc, intakeAad(restored.id)))).toBe(
      'key_erased',
    )
    expect(await readAll(deps.cipher, snapshot)).toEqual([
      'key_erased',
      'key_erased',
      'key_erased',
      'key_erased',
    ])
    // A new value written for the restored id gets a new key, which does not open the old ciphertext.
    await deps.cipher.encryptJson('nieuw', pseudonymAad(restored.id))
    expect(await readAll(buildDeps(env).cipher, snapshot)).toEqual([
      'decrypt_failed',
      'decrypt_failed',
      'decrypt_failed',
      'decrypt_failed',
    ])
    // Nothing of it is in plaintext either (the snapshot holds ciphertext only).
    expect(JSON.stringify(snapshot.caseRow)).not.toContain(PERSONAL.referrerName)
    await env.DB.batch([
      env.DB.prepare('DELETE FROM cases WHERE id = ?1').bind(restored.id),
      env.DB.prepare('DELETE FROM case_keys WHERE case_id = ?1').bind(restored.id),
    ])
  })
})
