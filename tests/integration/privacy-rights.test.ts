import { env } from 'cloudflare:test'
import { strFromU8, unzipSync } from 'fflate'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import { buildExportCommand } from '../../src/cli/commands/export'
import { buildRectifyCommand } from '../../src/cli/commands/rectify'
import type { CliContext } from '../../src/cli/types'
import type { Actor } from '../../src/domain/types'
import { eventAad } from '../../src/ports/cipher'
import { runAttachFile } from '../../src/services/attachments'
import { getCase, runCaseCommand } from '../../src/services/cases'
import { runRectifyField } from '../../src/services/rectify'
import { buildDeps } from '../../src/wiring'
import {
  ADMIN_TOKEN,
  adminFetch,
  dumpD1,
  PERSONAL,
  runPrivacyWebIntake,
  waitForJob,
  waitForPdf,
} from './privacy-helpers'
import { WebClient } from './web-client'

/**
 * Data-subject rights (issue 14 §11): the export of everything held about one case as one zip (AVG
 * art. 15) through `ret export` and the admin API, and rectification of one field (art. 16) by an admin
 * (`ret rectify`) or a chair, each with an audit row that names the field and never the value.
 */

const CHAIR: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'chair-1',
  name: '',
  roles: ['chair'],
  lang: 'nl',
}
const REFERRER_ONLY: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'iemand-anders',
  name: '',
  roles: ['referrer'],
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
const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 7, 7, 7,
])
const io = { fetch: adminFetch, env: { RET_ADMIN_TOKEN: ADMIN_TOKEN } }

function cli(): { ctx: CliContext; out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    ctx: {
      lang: 'en',
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      readStdin: async () => '',
      now: () => new Date(),
    },
  }
}

const admin = (path: string, init: RequestInit = {}) =>
  adminFetch(`http://ret.test/api/v1/admin${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
  })

let reference = ''

beforeAll(async () => {
  reference = await runPrivacyWebIntake(new WebClient(), 'Inzage Referent')
  await waitForPdf(reference)
  await waitForJob(`case.submitted:${reference}#pdf.generate`)
  const deps = buildDeps(env)
  const asked = await runCaseCommand(deps, {
    reference,
    command: { type: 'requestInfo', items: [], question: 'Wat zegt school over Wŏuter?' },
    actor: CHAIR,
  })
  expect(asked.ok).toBe(true)
  await waitForJob(`case.changed:${reference}:2#pdf.generate`)
  const record = (await deps.store.getByReference(reference))!
  const attached = await runAttachFile(deps, buildCaseFileStore(env), {
    record,
    actor: { surface: 'web', tenant: 'dev', userId: 'inzage-referent' },
    name: 'analyse van Wŏuter.png',
    bytes: PNG,
  })
  expect(attached.ok).toBe(true)
  // A download view, so the audit log has something to show besides the export.
  expect((await getCase(deps, reference, ADMIN)).ok).toBe(true)
}, 60_000)

describe('export (AVG art. 15)', () => {
  it('ret export writes one zip: every field, the timeline, the PDF, the attachment and the audit log', async () => {
    const written = new Map<string, Uint8Array>()
    const { ctx, err } = cli()
    const code = await buildExportCommand({
      ...io,
      writeFile: async (path, bytes) => void written.set(path, bytes),
    }).run([reference, '--url', 'https://ret.test', '--out', 'inzage.zip'], ctx)
    expect(err.join('\n')).toContain(`Export of ${reference} saved to inzage.zip`)
    expect(code).toBe(0)
    const zip = unzipSync(written.get('inzage.zip')!)
    expect(Object.keys(zip)).toEqual(
      expect.arrayContaining(['README.txt', 'case.json', 'audit.json', `pdf/${reference}-nl.pdf`]),
    )
    const kase = JSON.parse(strFromU8(zip['case.json']!)) as {
      reference: string
      state: { status: string; referrerKey: string }
      intake: { referrer: { name: string; email: string; phone: string }; child: { pseudonym: string } }
      pseudonym: string
      timeline: { type: string; data: { question?: string } | null }[]
      routing: unknown[]
      files: { kind: string; name: string; path: string | null }[]
    }
    expect(kase.reference).toBe(reference)
    expect(kase.state.status).toBe('info_requested')
    expect(kase.intake.referrer).toMatchObject({
      name: PERSONAL.referrerName,
      email: PERSONAL.referrerEmail,
      phone: PERSONAL.referrerPhone,
    })
    expect(kase.pseudonym).toBe(PERSONAL.pseudonym)
    expect(kase.timeline.map((e) => e.type)).toEqual(['submitted', 'requestInfo'])
    expect(kase.timeline[1]?.data?.question).toBe('Wat zegt school over Wŏuter?')
    expect(kase.routing.length).toBeGreaterThan(0)
    const attachment = kase.files.find((f) => f.kind === 'attachment')
    expect(attachment?.name).toBe('analyse van Wŏuter.png')
    expect(zip[attachment?.path ?? '']).toEqual(PNG)
    expect(strFromU8(zip[`pdf/${reference}-nl.pdf`]!.subarray(0, 5))).toBe('%PDF-')
    const audit = JSON.parse(strFromU8(zip['audit.json']!)) as {
      action: string
      actorKey: string
      detail: string
    }[]
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['create', 'view', 'change', 'export']))
    // The export lists itself: the last row is this export, by the admin API.
    expect(audit.at(-1)).toMatchObject({ action: 'export', actorKey: 'api:admin:token', detail: 'archive' })
    expect(strFromU8(zip['README.txt']!)).toContain('AVG art. 15')
  })

  it('the JSON form lists the files without their bytes; bad format, reference and unknown case are refused', async () => {
    const res = await admin(`/cases/${reference}/export`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = (await res.json()) as { intake: { question: string }; files: { path: string | null }[] }
    expect(body.files.length).toBeGreaterThanOrEqual(2)
    for (const f of body.files) expect(f.path).toBeNull()
    expect((await admin(`/cases/${reference}/export?format=tar`)).status).toBe(400)
    expect((await admin('/cases/RET-26-1/export?format=zip')).status).toBe(400)
    const missing = await admin('/cases/RET-2026-9999/export?format=zip')
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { nl: string } }).error.nl).toContain('RET-2026-9999')
    const { ctx, err } = cli()
    const code = await buildExportCommand({ ...io, writeFile: async () => undefined }).run(
      ['RET-2026-9999', '--url', 'https://ret.test'],
      ctx,
    )
    expect(code).toBe(1)
    expect(err.join('\n')).toContain('RET-2026-9999')
  })
})

describe('rectification (AVG art. 16)', () => {
  it('ret rectify corrects one field; timeline event and audit row name the field, never the value', async () => {
    const { ctx, err } = cli()
    const code = await buildRectifyCommand(io).run(
      [
        reference,
        '--field',
        'referrer.phone',
        '--value',
        '+31 6 1111 2222',
        '--reason',
        'Nummer verouderd',
        '--url',
        'https://ret.test',
      ],
      ctx,
    )
    expect(err.join('\n')).toContain(`Field referrer.phone of case ${reference} has been corrected`)
    expect(code).toBe(0)
    const deps = buildDeps(env)
    const read = await getCase(deps, reference, ADMIN)
    expect(read.ok && read.case.intake.referrer.phone).toBe('+31 6 1111 2222')
    expect(read.ok && read.case.intake.referrer.name).toBe(PERSONAL.referrerName)
    const record = (await deps.store.getByReference(reference))!
    const events = await deps.store.listEvents(record.id)
    const last = events.at(-1)!
    expect(last).toMatchObject({
      type: 'rectify',
      actorKey: 'api:admin:token',
      from: 'info_requested',
      to: 'info_requested',
    })
    expect(await deps.cipher.decryptJson(last.dataEnc!, eventAad(record.id, last.seq))).toEqual({
      field: 'referrer.phone',
      reason: 'Nummer verouderd',
    })
    // (getCase above audited a view after it.)
    const audit = await deps.store.listAudit({ reference })
    expect(audit.filter((a) => a.detail?.startsWith('rectify:'))).toEqual([
      expect.objectContaining({
        action: 'change',
        actorKey: 'api:admin:token',
        detail: 'rectify:referrer.phone',
      }),
    ])
    // Neither value is in plaintext anywhere in D1 (audit log included).
    for (const [table, text] of Object.entries(await dumpD1())) {
      expect(text, table).not.toContain('+31 6 1111 2222')
      expect(text, table).not.toContain(PERSONAL.referrerPhone)
    }
    // The PDF is made again for the new version.
    await waitForJob(`case.changed:${reference}:${record.version}#pdf.generate`)

    // The same value again changes nothing and writes nothing.
    const again = cli()
    expect(
      await buildRectifyCommand(io).run(
        [
          reference,
          '--field',
          'referrer.phone',
          '--value',
          '+31 6 1111 2222',
          '--reason',
          'Nog eens',
          '--url',
          'https://ret.test',
        ],
        again.ctx,
      ),
    ).toBe(0)
    expect(again.err.join('\n')).toContain('already had this value')
    expect((await deps.store.getByReference(reference))?.version).toBe(record.version)
  })

  it('refuses fields that drive routing, invalid values and wrong use, with bilingual messages', async () => {
    const field = await admin(`/cases/${reference}/rectify`, {
      method: 'POST',
      body: JSON.stringify({ field: 'child.municipality', value: 'Emmen', reason: 'verhuisd' }),
    })
    expect(field.status).toBe(400)
    const fieldBody = (await field.json()) as { error: { code: string; nl: string; en: string } }
    expect(fieldBody.error.code).toBe('bad_field')
    expect(fieldBody.error.nl).toContain('referrer.phone')
    expect(fieldBody.error.en).toContain('triage')
    const invalid = await admin(`/cases/${reference}/rectify`, {
      method: 'POST',
      body: JSON.stringify({ field: 'referrer.email', value: 'geen e-mailadres', reason: 'typfout' }),
    })
    expect(invalid.status).toBe(400)
    const invalidBody = (await invalid.json()) as { error: { code: string; errors: { path: string }[] } }
    expect(invalidBody.error.code).toBe('invalid')
    expect(invalidBody.error.errors.map((e) => e.path)).toContain('referrer.email')
    const junk = await admin(`/cases/${reference}/rectify`, {
      method: 'POST',
      body: JSON.stringify({ field: 1 }),
    })
    expect(junk.status).toBe(400)
    // The reason is required (the one schema the web console uses too).
    const noReason = await admin(`/cases/${reference}/rectify`, {
      method: 'POST',
      body: JSON.stringify({ field: 'referrer.phone', value: '+31 6 9999 0000', reason: '  ' }),
    })
    expect(noReason.status).toBe(400)
    const noReasonBody = (await noReason.json()) as { error: { code: string; nl: string; en: string } }
    expect(noReasonBody.error).toMatchObject({
      code: 'bad_reason',
      nl: 'Geef de reden van de correctie.',
      en: 'Give the reason for the correction.',
    })
    const nul = await admin(`/cases/${reference}/rectify`, {
      method: 'POST',
      body: JSON.stringify({ field: 'referrer.phone', value: '+31 6\u0000', reason: 'x' }),
    })
    expect(nul.status).toBe(400)
    expect(((await nul.json()) as { error: { code: string } }).error.code).toBe('bad_value')
    const { ctx, err } = cli()
    expect(
      await buildRectifyCommand(io).run(
        [reference, '--field', 'referrer.phone', '--url', 'https://ret.test'],
        ctx,
      ),
    ).toBe(2)
    expect(err.join('\n')).toContain('--clear')
    const noReasonCli = cli()
    expect(
      await buildRectifyCommand(io).run(
        [reference, '--field', 'referrer.phone', '--clear', '--url', 'https://ret.test'],
        noReasonCli.ctx,
      ),
    ).toBe(2)
    expect(noReasonCli.err.join('\n')).toContain('--reason')
  })

  it('a chair may rectify (also the pseudonym); a referrer who is not a chair is refused and audited', async () => {
    const deps = buildDeps(env)
    const done = await runRectifyField(deps, {
      reference,
      field: 'child.pseudonym',
      value: 'K.',
      reason: 'Verkeerde initiaal',
      actor: CHAIR,
    })
    expect(done).toMatchObject({ ok: true, changed: true })
    const read = await getCase(deps, reference, ADMIN)
    expect(read.ok && read.case.pseudonym).toBe('K.')
    expect(read.ok && read.case.intake.child.pseudonym).toBe('K.')
    const refused = await runRectifyField(deps, {
      reference,
      field: 'referrer.name',
      value: 'Iemand Anders',
      reason: 'Naam',
      actor: REFERRER_ONLY,
    })
    expect(refused).toMatchObject({ ok: false, code: 'forbidden' })
    const audit = await deps.store.listAudit({ reference })
    expect(audit.at(-1)).toMatchObject({
      action: 'refused',
      actorKey: 'web:dev:iemand-anders',
      detail: 'case.rectify',
    })
    expect(
      audit.some((a) => a.actorKey === 'web:dev:chair-1' && a.detail === 'rectify:child.pseudonym'),
    ).toBe(true)
  })
})
