import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUNDLED_PDF_RENDERER } from '../../adapters/pdf/fonts'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import { parseIntake } from '../../src/domain/intake'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import type { Actor } from '../../src/domain/types'
import { logSink } from '../../src/logger'
import type { AuditEntry } from '../../src/ports/case-store'
import { sniffContentType } from '../../src/services/attachments'
import { runSubmitIntake } from '../../src/services/cases'
import { buildLinkToken } from '../../src/services/links'
import { processCasePdf } from '../../src/services/pdf'
import { buildDeps, processBatch } from '../../src/wiring'
import unicodeSample from '../fixtures/intakes/sample-unicode-names.json'
import { WebClient } from './web-client'

const SIGNING_KEY = 'test-link-signing-key-0123456789'
const NAME = 'Ĳsbrand Łukasiewicz-Őrs'

/** The referrer as the development sign-in "Lotte Bakker" identifies her. */
const LOTTE: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'lotte-bakker',
  name: 'Lotte Bakker',
  roles: ['referrer'],
  lang: 'nl',
}

const logs: string[] = []
const originalWrite = logSink.write
beforeAll(() => {
  logSink.write = (line) => void logs.push(line)
})
afterAll(() => {
  logSink.write = originalWrite
})

async function fileCase(key: string): Promise<string> {
  const parsed = parseIntake(structuredClone(unicodeSample.intake))
  if (!parsed.ok) throw new Error('sample does not parse')
  const deps = buildDeps(env)
  const result = await runSubmitIntake(deps, {
    intake: parsed.value,
    decision: route(parsed.value, DEFAULT_RULES, new Date()),
    actor: LOTTE,
    idempotencyKey: key,
  })
  return result.reference
}

/** The stored PDFs of a case: language → hash of what it shows. */
async function pdfHashes(reference: string): Promise<Record<string, string>> {
  const rows = await env.DB.prepare(
    "SELECT f.lang, f.input_hash FROM case_files f JOIN cases c ON c.id = f.case_id WHERE c.reference = ?1 AND f.kind = 'pdf' ORDER BY f.lang",
  )
    .bind(reference)
    .all<{ lang: string; input_hash: string }>()
  return Object.fromEntries(rows.results.map((r) => [r.lang, r.input_hash]))
}

async function auditOf(reference: string | null): Promise<AuditEntry[]> {
  return buildDeps(env).store.listAudit(reference === null ? {} : { reference })
}

async function r2Objects(): Promise<{ key: string; bytes: Uint8Array }[]> {
  const listed = await env.FILES.list()
  return Promise.all(
    listed.objects.map(async (o) => ({
      key: o.key,
      bytes: new Uint8Array(await (await env.FILES.get(o.key))!.arrayBuffer()),
    })),
  )
}

const contains = (haystack: Uint8Array, text: string) =>
  new TextDecoder('latin1').decode(haystack).includes(text) ||
  new TextDecoder().decode(haystack).includes(text)

/** Whether `needle` occurs as a byte sequence (a whole file: a short marker could occur in ciphertext by chance). */
function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

/** The `Location` of a redirect, without following it. */
async function locationOf(client: WebClient, path: string): Promise<string> {
  const res = await exports.default.fetch(
    new Request(new URL(path, client.base), {
      headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      redirect: 'manual',
    }),
  )
  expect(res.status).toBe(303)
  return res.headers.get('location')!
}

async function download(client: WebClient, path: string) {
  const res = await exports.default.fetch(
    new Request(new URL(path, client.base), {
      headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      redirect: 'manual',
    }),
  )
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) }
}

describe('intake PDF on the queue', () => {
  it('renders after submit, stores it encrypted under a random key, and is idempotent', async () => {
    const reference = await fileCase('files-1')
    const deps = buildDeps(env)
    const files = buildCaseFileStore(env)
    // The queue consumer may get there first (submit enqueued case.submitted): either way both exist now.
    const first = await processCasePdf(deps, files, reference, BUNDLED_PDF_RENDERER)
    // The sample was written in English: a Dutch PDF for the RET and an English one for the referrer.
    expect(first.map((o) => o.lang)).toEqual(['nl', 'en'])
    expect(Object.keys(await pdfHashes(reference))).toEqual(['en', 'nl'])
    const objects = await r2Objects()
    const before = objects.map((o) => o.key).sort()
    expect(before.length).toBeGreaterThanOrEqual(2)
    for (const o of objects) {
      expect(o.key).toMatch(/^files\/[A-Za-z0-9_-]{32}$/)
      expect(o.key).not.toContain(reference)
      expect(contains(o.bytes, '%PDF')).toBe(false)
      expect(contains(o.bytes, 'Łukasiewicz')).toBe(false)
    }

    // The same case again: nothing rendered, nothing written.
    expect(await processCasePdf(deps, files, reference, BUNDLED_PDF_RENDERER)).toEqual([
      { lang: 'nl', status: 'unchanged' },
      { lang: 'en', status: 'unchanged' },
    ])
    expect((await r2Objects()).map((o) => o.key).sort()).toEqual(before)
  })

  it('runs as the pdf.generate job through the real consumer (acked), and re-renders after a change', async () => {
    const reference = await fileCase('files-2')
    const batch = createMessageBatch('ret-jobs', [
      {
        id: 'm1',
        timestamp: new Date(),
        attempts: 1,
        body: { type: 'pdf.generate', id: `pdf.generate:${reference}:test`, reference },
      },
    ])
    const ctx = createExecutionContext()
    await processBatch(batch, env)
    const result = await getQueueResult(batch, ctx)
    expect(result.explicitAcks).toEqual(['m1'])
    const before = await pdfHashes(reference)
    expect(Object.keys(before)).toEqual(['en', 'nl'])

    // A lifecycle change shows in the timeline: the PDF is rendered again.
    const chair: Actor = { ...LOTTE, userId: 'chair-1', name: 'Chair', roles: ['chair'] }
    const { runCaseCommand } = await import('../../src/services/cases')
    const changed = await runCaseCommand(buildDeps(env), {
      reference,
      command: { type: 'startTriage' },
      actor: chair,
    })
    expect(changed.ok).toBe(true)
    await processCasePdf(buildDeps(env), buildCaseFileStore(env), reference, BUNDLED_PDF_RENDERER)
    const after = await pdfHashes(reference)
    expect(after.nl).not.toBe(before.nl)
    expect(after.en).not.toBe(before.en)
  })
})

describe('GET /files/:token', () => {
  it('gives the referrer who filed the case the PDF through a signed link, and audits issue and download', async () => {
    const reference = await fileCase('files-3')
    const lotte = new WebClient()
    await lotte.login('Lotte Bakker')
    // "Mijn casussen" offers the download and the upload of the analysis.
    await lotte.get('/cases')
    expect(lotte.html).toContain(`href="/cases/${reference}/pdf">Download PDF</a>`)
    expect(lotte.html).toContain(`href="/cases/${reference}/attachments/new">Analyse toevoegen</a>`)
    const location = await locationOf(lotte, `/cases/${reference}/pdf`)
    expect(location).toMatch(/^\/files\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    const { res, bytes } = await download(lotte, location)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${reference}.pdf"`)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-')

    const audit = await auditOf(reference)
    expect(audit.map((a) => [a.actorKey, a.action, a.detail])).toEqual(
      expect.arrayContaining([
        ['web:dev:lotte-bakker', 'export', 'link_issued:download:pdf:nl'],
        ['web:dev:lotte-bakker', 'download', 'pdf:nl'],
      ]),
    )
  })

  it('refuses (403) and audits a token of another user, a tampered one and an expired one', async () => {
    const reference = await fileCase('files-4')
    const lotte = new WebClient()
    await lotte.login('Lotte Bakker')
    const location = await locationOf(lotte, `/cases/${reference}/pdf`)

    // Sanne is signed in, but the link was issued to Lotte.
    const sanne = new WebClient()
    await sanne.login('Sanne de Vries')
    const other = await download(sanne, location)
    expect(other.res.status).toBe(403)
    expect(new TextDecoder().decode(other.bytes)).toContain('niet geldig voor jou')

    // One character of the payload changed (the case, the user or the expiry): the signature fails.
    const token = location.slice('/files/'.length)
    const [payload, signature] = token.split('.') as [string, string]
    const flipped = payload.slice(0, 10) + (payload[10] === 'A' ? 'B' : 'A') + payload.slice(11)
    const tampered = await download(lotte, `/files/${flipped}.${signature}`)
    expect(tampered.res.status).toBe(403)

    const expiredToken = await buildLinkToken(SIGNING_KEY, {
      purpose: 'download',
      reference,
      user: 'web:dev:lotte-bakker',
      file: 'pdf:nl',
      expiresAt: new Date(Date.now() - 1000),
    })
    const expired = await download(lotte, `/files/${expiredToken}`)
    expect(expired.res.status).toBe(403)
    expect(new TextDecoder().decode(expired.bytes)).toContain('verlopen')

    // An upload link is no download link.
    const uploadToken = await buildLinkToken(SIGNING_KEY, {
      purpose: 'upload',
      reference,
      user: 'web:dev:lotte-bakker',
      file: 'analysis',
      expiresAt: new Date(Date.now() + 60_000),
    })
    expect((await download(lotte, `/files/${uploadToken}`)).res.status).toBe(403)

    const refused = (await auditOf(null))
      .filter((a) => a.action === 'refused')
      .map((a) => [a.actorKey, a.detail])
    expect(refused).toEqual(
      expect.arrayContaining([
        ['web:dev:sanne-de-vries', 'download:other_user'],
        ['web:dev:lotte-bakker', 'download:tampered'],
        ['web:dev:lotte-bakker', 'download:expired'],
        ['web:dev:lotte-bakker', 'download:wrong_purpose'],
      ]),
    )
  })

  it('does not issue a link to someone who may not see the case; a chair may', async () => {
    const reference = await fileCase('files-5')
    const sanne = new WebClient()
    await sanne.login('Sanne de Vries')
    const res = await download(sanne, `/cases/${reference}/pdf`)
    expect(res.res.status).toBe(403)
    const chair = new WebClient()
    await chair.login('Chair 1', 'chair')
    const location = await locationOf(chair, `/cases/${reference}/pdf`)
    expect((await download(chair, location)).res.status).toBe(200)
  })

  it('serves a link issued into a chat (no browser session) while that person may still see the case', async () => {
    const parsed = parseIntake(structuredClone(unicodeSample.intake))
    if (!parsed.ok) throw new Error('sample does not parse')
    const teamsReferrer: Actor = {
      ...LOTTE,
      surface: 'teams',
      tenant: 'tenant-drenthe-0001',
      userId: 'aad-42',
    }
    const { reference } = await runSubmitIntake(buildDeps(env), {
      intake: parsed.value,
      decision: route(parsed.value, DEFAULT_RULES, new Date()),
      actor: teamsReferrer,
      idempotencyKey: 'files-chat',
    })
    const tokenFor = (user: string) =>
      buildLinkToken(SIGNING_KEY, {
        purpose: 'download',
        reference,
        user,
        file: 'pdf:nl',
        expiresAt: new Date(Date.now() + 60_000),
      })
    const nobody = new WebClient()
    const own = await download(nobody, `/files/${await tokenFor('teams:tenant-drenthe-0001:aad-42')}`)
    expect(own.res.status).toBe(200)
    expect(new TextDecoder().decode(own.bytes.subarray(0, 5))).toBe('%PDF-')
    const colleague = await download(nobody, `/files/${await tokenFor('teams:tenant-drenthe-0001:aad-43')}`)
    expect(colleague.res.status).toBe(403)
    const foreign = await download(nobody, `/files/${await tokenFor('teams:tenant-elsewhere:aad-42')}`)
    expect(foreign.res.status).toBe(403)
    const audit = (await auditOf(reference)).map((a) => [a.actorKey, a.action, a.detail])
    expect(audit).toEqual(
      expect.arrayContaining([
        ['teams:tenant-drenthe-0001:aad-42', 'download', 'pdf:nl'],
        ['teams:tenant-drenthe-0001:aad-43', 'refused', 'download:no_access'],
        ['teams:tenant-elsewhere:aad-42', 'refused', 'download:tenant'],
      ]),
    )
  })

  it('sends a visitor who is not signed in to the sign-in, audited', async () => {
    const reference = await fileCase('files-6')
    const lotte = new WebClient()
    await lotte.login('Lotte Bakker')
    const location = await locationOf(lotte, `/cases/${reference}/pdf`)
    const anonymous = new WebClient()
    const res = await download(anonymous, location)
    expect(res.res.status).toBe(303)
    expect(res.res.headers.get('location')).toBe('/dev/login')
    const audit = await auditOf(reference)
    expect(audit.some((a) => a.action === 'refused' && a.detail === 'download:unauthenticated')).toBe(true)
  })
})

describe('attachments', () => {
  const PNG = new Uint8Array([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 1, 2, 3,
  ])
  const EXE = new TextEncoder().encode('MZ\x90\x00 this is not a document')

  async function upload(path: string, name: string, bytes: Uint8Array, type = 'application/pdf') {
    const form = new FormData()
    form.append('file', new File([bytes], name, { type }))
    return exports.default.fetch(
      new Request(new URL(path, 'http://127.0.0.1:8787'), { method: 'POST', body: form }),
    )
  }

  it('sniffs the type by content, not by name', () => {
    expect(sniffContentType(new TextEncoder().encode('%PDF-1.7\n…'))).toBe('application/pdf')
    expect(sniffContentType(PNG)).toBe('image/png')
    expect(sniffContentType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg')
    expect(sniffContentType(EXE)).toBeNull()
    const zip = new TextEncoder().encode('PK\x03\x04....[Content_Types].xml....word/document.xml')
    expect(sniffContentType(zip)).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    )
    expect(sniffContentType(new TextEncoder().encode('PK\x03\x04 just a zip'))).toBeNull()
  })

  it('lets the referrer upload through a short-lived link: checked, encrypted, listed and downloadable', async () => {
    const reference = await fileCase('files-7')
    const lotte = new WebClient()
    await lotte.login('Lotte Bakker')
    const uploadPath = await locationOf(lotte, `/cases/${reference}/attachments/new`)
    expect(uploadPath).toMatch(/^\/files\/upload\//)
    await lotte.get(uploadPath)
    expect(lotte.status).toBe(200)
    expect(lotte.html).toContain('enctype="multipart/form-data"')

    await processCasePdf(buildDeps(env), buildCaseFileStore(env), reference, BUNDLED_PDF_RENDERER)
    const hashesBefore = await pdfHashes(reference)

    // Submitting without a file gets a message, in the site layout (issue 13 §13): what a browser sends for an
    // empty file input is a part with an empty name and no bytes.
    const empty = await upload(uploadPath, '', new Uint8Array(0), 'application/octet-stream')
    expect(empty.status).toBe(400)
    const emptyPage = await empty.text()
    expect(emptyPage).toContain('<a href="#file">Kies eerst een bestand.</a>')
    expect(emptyPage).toContain('<header class="site">')
    expect(emptyPage).toContain('href="/cases"')

    // A renamed executable is refused; so is a file over 10 MB.
    const refused = await upload(uploadPath, 'analyse.pdf', EXE)
    expect(refused.status).toBe(415)
    expect(await refused.text()).toContain('Word-document (.docx)')
    const big = new Uint8Array(10 * 1024 * 1024 + 1)
    big.set(new TextEncoder().encode('%PDF-1.7'))
    expect((await upload(uploadPath, 'groot.pdf', big)).status).toBe(413)

    // An image named .pdf is stored as what it is.
    const ok = await upload(uploadPath, 'scan van Łukasiewicz.pdf', PNG)
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain(reference)
    const row = await env.DB.prepare(
      "SELECT f.id, f.content_type, f.size, f.name_enc FROM case_files f JOIN cases c ON c.id = f.case_id WHERE c.reference = ?1 AND f.kind = 'attachment'",
    )
      .bind(reference)
      .first<{ id: string; content_type: string; size: number; name_enc: string }>()
    expect(row).toMatchObject({ content_type: 'image/png', size: PNG.length })
    expect(row!.name_enc).not.toContain('Łukasiewicz')
    for (const o of await r2Objects()) expect(containsBytes(o.bytes, PNG)).toBe(false)

    // The PDF is re-rendered to list it (here, or already by the pdf.generate job the upload enqueued).
    await processCasePdf(buildDeps(env), buildCaseFileStore(env), reference, BUNDLED_PDF_RENDERER)
    expect((await pdfHashes(reference)).nl).not.toBe(hashesBefore.nl)

    const location = await locationOf(lotte, `/cases/${reference}/attachments/${row!.id}`)
    const { res, bytes } = await download(lotte, location)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${reference}-bijlage-1.png"`)
    expect([...bytes]).toEqual([...PNG])

    const audit = await auditOf(reference)
    expect(audit.map((a) => [a.action, a.detail])).toEqual(
      expect.arrayContaining([
        ['export', 'link_issued:upload:analysis'],
        ['refused', 'upload:unsupported'],
        ['change', 'attachment_added:image/png'],
        ['download', 'attachment'],
      ]),
    )
  })

  it('offers the upload link only to the referrer who filed the case', async () => {
    const reference = await fileCase('files-8')
    const chair = new WebClient()
    await chair.login('Chair 1', 'chair')
    const res = await download(chair, `/cases/${reference}/attachments/new`)
    expect(res.res.status).toBe(403)
  })
})

describe('privacy', () => {
  it('keeps names, file names and tokens out of the logs', () => {
    const all = logs.join('\n')
    expect(logs.length).toBeGreaterThan(0)
    for (const personal of [NAME, 'Łukasiewicz', 'scan van', 'Lotte', 'lotte-bakker', 'Sanne']) {
      expect(all).not.toContain(personal)
    }
    expect(all).not.toMatch(/[A-Za-z0-9_-]{40,}\.[A-Za-z0-9_-]{40,}/)
  })
})
