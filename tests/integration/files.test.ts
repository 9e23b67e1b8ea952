import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUNDLED_PDF_RENDERER } from '../../adapters/pdf/fonts'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import { buildCsrfToken } from '../../src/auth/csrf'
import { parseIntake } from '../../src/domain/intake'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import type { Actor } from '../../src/domain/types'
import { logSink } from '../../src/logger'
import type { AuditEntry } from '../../src/ports/case-store'
import { sniffContentType } from '../../src/services/attachments'
import { runSubmitIntake } from '../../src/services/cases'
import { runEraseCase } from '../../src/services/erase'
import { issueFileLink } from '../../src/services/links'
import { processCasePdf } from '../../src/services/pdf'
import { buildDeps, buildPrivacyDeps, processBatch } from '../../src/wiring'
import unicodeSample from '../fixtures/intakes/sample-unicode-names.json'
import { WebClient } from './web-client'

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

/** POSTs a form to a path with the client's cookies (no redirect followed). */
async function postForm(client: WebClient, path: string, form: FormData | URLSearchParams) {
  const res = await exports.default.fetch(
    new Request(new URL(path, client.base), {
      method: 'POST',
      headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      body: form,
      redirect: 'manual',
    }),
  )
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) }
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe('GET /files/:token', () => {
  it('gives the referrer who filed the case the PDF through a single-use link, and audits issue and download', async () => {
    const reference = await fileCase('files-3')
    const lotte = new WebClient()
    await lotte.login('Lotte Bakker')
    // "Mijn casussen" offers the download and the upload of the analysis.
    await lotte.get('/cases')
    expect(lotte.html).toContain(`href="/cases/${reference}/pdf">Download PDF</a>`)
    expect(lotte.html).toContain(`href="/cases/${reference}/attachments/new">Analyse toevoegen</a>`)
    const location = await locationOf(lotte, `/cases/${reference}/pdf`)
    // Opaque: a random id, nothing of the case or the person in it.
    expect(location).toMatch(/^\/files\/[A-Za-z0-9_-]{43}$/)
    const { res, bytes } = await download(lotte, location)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${reference}.pdf"`)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(text(bytes.subarray(0, 5))).toBe('%PDF-')

    // Single use: the same link again (a forwarded copy, or one read from a log) gives nothing.
    const again = await download(lotte, location)
    expect(again.res.status).toBe(403)
    expect(text(again.bytes)).toContain('al gebruikt')
    // Opening the case again gives a new link.
    expect((await download(lotte, await locationOf(lotte, `/cases/${reference}/pdf`))).res.status).toBe(200)

    const audit = await auditOf(reference)
    expect(audit.map((a) => [a.actorKey, a.action, a.detail])).toEqual(
      expect.arrayContaining([
        ['web:dev:lotte-bakker', 'export', 'link_issued:download:pdf:nl'],
        ['web:dev:lotte-bakker', 'download', 'pdf:nl'],
        ['web:dev:lotte-bakker', 'refused', 'download:used'],
      ]),
    )
    expect(audit.filter((a) => a.action === 'download')).toHaveLength(2)
  })

  it('refuses and audits a link of another user (403), an unknown one (404), an expired one (403)', async () => {
    const reference = await fileCase('files-4')
    const lotte = new WebClient()
    await lotte.login('Lotte Bakker')
    const location = await locationOf(lotte, `/cases/${reference}/pdf`)

    // Sanne is signed in, but the link was issued to Lotte; it stays usable for Lotte.
    const sanne = new WebClient()
    await sanne.login('Sanne de Vries')
    const other = await download(sanne, location)
    expect(other.res.status).toBe(403)
    expect(text(other.bytes)).toContain('niet geldig voor jou')

    // One character changed: no such link.
    const token = location.slice('/files/'.length)
    const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1)
    const unknown = await download(lotte, `/files/${flipped}`)
    expect(unknown.res.status).toBe(404)
    expect(text(unknown.bytes)).toContain('bestaat niet (meer)')
    // The readable signed tokens of before are no links any more.
    expect((await download(lotte, '/files/eyJ2IjoxLCJwIjoiZG93bmxvYWQifQ.c2ln')).res.status).toBe(404)

    // Expired: 15 minutes after issue (moved back in time in the store).
    await env.DB.prepare(
      'UPDATE file_links SET created_at = ?2, expires_at = ?3 WHERE reference = ?1 AND used_at IS NULL',
    )
      .bind(
        reference,
        new Date(Date.now() - 16 * 60_000).toISOString(),
        new Date(Date.now() - 60_000).toISOString(),
      )
      .run()
    const expired = await download(lotte, location)
    expect(expired.res.status).toBe(403)
    expect(text(expired.bytes)).toContain('verlopen')

    // An upload link is no download link.
    const uploadPath = await locationOf(lotte, `/cases/${reference}/attachments/new`)
    const uploadToken = uploadPath.slice('/files/upload/'.length)
    expect((await download(lotte, `/files/${uploadToken}`)).res.status).toBe(403)

    const refused = (await auditOf(null))
      .filter((a) => a.action === 'refused')
      .map((a) => [a.actorKey, a.detail])
    expect(refused).toEqual(
      expect.arrayContaining([
        ['web:dev:sanne-de-vries', 'download:other_user'],
        ['web:dev:lotte-bakker', 'download:unknown'],
        ['web:dev:lotte-bakker', 'download:malformed'],
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

  it('serves a chat link (no web identity) once, after a button press, while that person may still see the case', async () => {
    const parsed = parseIntake(structuredClone(unicodeSample.intake))
    if (!parsed.ok) throw new Error('sample does not parse')
    const teamsReferrer: Actor = {
      ...LOTTE,
      surface: 'teams',
      tenant: 'tenant-drenthe-0001',
      userId: 'aad-42',
    }
    const deps = buildDeps(env)
    const { reference } = await runSubmitIntake(deps, {
      intake: parsed.value,
      decision: route(parsed.value, DEFAULT_RULES, new Date()),
      actor: teamsReferrer,
      idempotencyKey: 'files-chat',
    })
    const linkFor = async (tenant: string, userId: string) =>
      (await issueFileLink(deps, { actor: { ...teamsReferrer, tenant, userId }, reference, file: 'pdf:nl' }))
        .path
    const own = await linkFor('tenant-drenthe-0001', 'aad-42')
    const browser = new WebClient()
    // Opening the link (or a link scanner fetching it) uses nothing: a page with a Download button.
    for (const _ of [1, 2]) {
      await browser.get(own)
      expect(browser.status).toBe(200)
      expect(browser.html).toContain('werkt één keer')
      expect(browser.html).toContain('<form method="post">')
    }
    // Without this browser's CSRF token the post is refused and the link stays unused.
    const forged = await postForm(new WebClient(), own, new URLSearchParams({ _csrf: 'forged' }))
    expect(forged.res.status).toBe(403)
    const pressed = await postForm(browser, own, new URLSearchParams({ _csrf: browser.csrf() }))
    expect(pressed.res.status).toBe(200)
    expect(text(pressed.bytes.subarray(0, 5))).toBe('%PDF-')
    const twice = await postForm(browser, own, new URLSearchParams({ _csrf: browser.csrf() }))
    expect(twice.res.status).toBe(403)
    expect((await download(browser, own)).res.status).toBe(403)

    const colleague = await download(browser, await linkFor('tenant-drenthe-0001', 'aad-43'))
    expect(colleague.res.status).toBe(403)
    const foreign = await download(browser, await linkFor('tenant-elsewhere', 'aad-42'))
    expect(foreign.res.status).toBe(403)
    const audit = (await auditOf(reference)).map((a) => [a.actorKey, a.action, a.detail])
    expect(audit).toEqual(
      expect.arrayContaining([
        ['teams:tenant-drenthe-0001:aad-42', 'download', 'pdf:nl'],
        ['web:anonymous:anonymous', 'refused', 'download:used'],
        ['teams:tenant-drenthe-0001:aad-43', 'refused', 'download:no_access'],
        ['teams:tenant-elsewhere:aad-42', 'refused', 'download:tenant'],
      ]),
    )
    expect(audit.filter(([, action]) => action === 'download')).toHaveLength(1)
    expect((await auditOf(null)).some((a) => a.detail === 'download:csrf')).toBe(true)
  })

  it('sends a visitor who is not signed in to the sign-in, audited, and keeps the link unused', async () => {
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
    expect((await download(lotte, location)).res.status).toBe(200)
  })

  it('answers 404 for a link of an erased case', async () => {
    const reference = await fileCase('files-erased')
    const lotte = new WebClient()
    await lotte.login('Lotte Bakker')
    const location = await locationOf(lotte, `/cases/${reference}/pdf`)
    const uploadPath = await locationOf(lotte, `/cases/${reference}/attachments/new`)
    const admin: Actor = { ...LOTTE, userId: 'admin-1', roles: ['admin'] }
    const erased = await runEraseCase(buildPrivacyDeps(env), { reference, reason: 'request', actor: admin })
    expect(erased.ok).toBe(true)
    expect((await download(lotte, location)).res.status).toBe(404)
    expect((await download(lotte, uploadPath)).res.status).toBe(404)
  })
})

describe('attachments', () => {
  const PNG = new Uint8Array([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 1, 2, 3,
  ])
  const EXE = new TextEncoder().encode('MZ\x90\x00 this is not a document')

  /** Posts the upload form as `client`'s browser would: its cookies and the form's CSRF token. */
  async function upload(
    client: WebClient,
    path: string,
    name: string,
    bytes: Uint8Array,
    csrf: string = client.csrf(),
  ) {
    const form = new FormData()
    form.append('_csrf', csrf)
    form.append('file', new File([bytes], name, { type: 'application/pdf' }))
    return exports.default.fetch(
      new Request(new URL(path, client.base), {
        method: 'POST',
        headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
        body: form,
        redirect: 'manual',
      }),
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

    // Without the form's CSRF token (a cross-site post) nothing is stored.
    const forged = await upload(lotte, uploadPath, 'analyse.pdf', PNG, 'forged')
    expect(forged.status).toBe(403)
    // Someone else signed in cannot use Lotte's link.
    const sanne = new WebClient()
    await sanne.login('Sanne de Vries')
    await sanne.get('/cases')
    const sanneCsrf = await buildCsrfToken(env.LINK_SIGNING_KEY ?? '', sanne.cookies.get('ret_csrf') ?? '')
    expect((await upload(sanne, uploadPath, 'analyse.pdf', PNG, sanneCsrf)).status).toBe(403)

    // Submitting without a file gets a message, in the site layout (issue 13 §13): what a browser sends for an
    // empty file input is a part with an empty name and no bytes.
    const empty = await upload(lotte, uploadPath, '', new Uint8Array(0))
    expect(empty.status).toBe(400)
    const emptyPage = await empty.text()
    expect(emptyPage).toContain('<a href="#file">Kies eerst een bestand.</a>')
    expect(emptyPage).toContain('<header class="site">')
    expect(emptyPage).toContain('href="/cases"')

    // A renamed executable is refused; so is a file over 10 MB — the link stays usable.
    const refused = await upload(lotte, uploadPath, 'analyse.pdf', EXE)
    expect(refused.status).toBe(415)
    expect(await refused.text()).toContain('Word-document (.docx)')
    const big = new Uint8Array(10 * 1024 * 1024 + 1)
    big.set(new TextEncoder().encode('%PDF-1.7'))
    expect((await upload(lotte, uploadPath, 'groot.pdf', big)).status).toBe(413)

    // An image named .pdf is stored as what it is.
    const ok = await upload(lotte, uploadPath, 'scan van Łukasiewicz.pdf', PNG)
    expect(ok.status).toBe(200)
    const okPage = await ok.text()
    expect(okPage).toContain(reference)
    expect(okPage).toContain(`href="/cases/${reference}/attachments/new"`)
    // Single use: the same link uploads nothing more.
    const second = await upload(lotte, uploadPath, 'nog een.pdf', PNG)
    expect(second.status).toBe(403)
    const row = await env.DB.prepare(
      "SELECT f.id, f.content_type, f.size, f.name_enc, f.created_by FROM case_files f JOIN cases c ON c.id = f.case_id WHERE c.reference = ?1 AND f.kind = 'attachment'",
    )
      .bind(reference)
      .first<{ id: string; content_type: string; size: number; name_enc: string; created_by: string }>()
    expect(row).toMatchObject({
      content_type: 'image/png',
      size: PNG.length,
      created_by: 'web:dev:lotte-bakker',
    })
    expect(row!.name_enc).not.toContain('Łukasiewicz')
    expect(
      (
        await env.DB.prepare(
          "SELECT COUNT(*) AS n FROM case_files f JOIN cases c ON c.id = f.case_id WHERE c.reference = ?1 AND f.kind = 'attachment'",
        )
          .bind(reference)
          .first<{ n: number }>()
      )?.n,
    ).toBe(1)
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
    expect(audit.map((a) => [a.actorKey, a.action, a.detail])).toEqual(
      expect.arrayContaining([
        ['web:dev:lotte-bakker', 'export', 'link_issued:upload:analysis'],
        ['web:dev:lotte-bakker', 'refused', 'upload:unsupported'],
        ['web:dev:sanne-de-vries', 'refused', 'upload:other_user'],
        ['web:dev:lotte-bakker', 'change', 'attachment_added:image/png'],
        ['web:dev:lotte-bakker', 'refused', 'upload:used'],
        ['web:dev:lotte-bakker', 'download', 'attachment'],
      ]),
    )
    const csrfRefusals = (await auditOf(null)).filter((a) => a.detail === 'upload:csrf')
    expect(csrfRefusals.map((a) => a.actorKey)).toContain('web:dev:lotte-bakker')
  })

  it('offers the upload link only to the referrer who filed the case', async () => {
    const reference = await fileCase('files-8')
    const chair = new WebClient()
    await chair.login('Chair 1', 'chair')
    const res = await download(chair, `/cases/${reference}/attachments/new`)
    expect(res.res.status).toBe(403)
  })

  it('credits an upload through a chat link to whoever really uploads, once', async () => {
    const parsed = parseIntake(structuredClone(unicodeSample.intake))
    if (!parsed.ok) throw new Error('sample does not parse')
    const chatReferrer: Actor = {
      ...LOTTE,
      surface: 'teams',
      tenant: 'tenant-drenthe-0001',
      userId: 'aad-upload-77',
    }
    const deps = buildDeps(env)
    const { reference } = await runSubmitIntake(deps, {
      intake: parsed.value,
      decision: route(parsed.value, DEFAULT_RULES, new Date()),
      actor: chatReferrer,
      idempotencyKey: 'files-chat-upload',
    })
    const link = await issueFileLink(deps, {
      actor: chatReferrer,
      reference,
      file: 'analysis',
      purpose: 'upload',
    })
    // Opened in a browser where someone is signed in on the web: that person is the uploader on record.
    const browser = new WebClient()
    await browser.login('Sanne de Vries')
    await browser.get(link.path)
    expect(browser.status).toBe(200)
    const first = await upload(browser, link.path, 'analyse.png', PNG)
    expect(first.status).toBe(200)
    expect(await first.text()).toContain('nu gebruikt')
    expect((await upload(browser, link.path, 'nog een.png', PNG)).status).toBe(403)
    const rows = await env.DB.prepare(
      "SELECT f.created_by FROM case_files f JOIN cases c ON c.id = f.case_id WHERE c.reference = ?1 AND f.kind = 'attachment'",
    )
      .bind(reference)
      .all<{ created_by: string }>()
    expect(rows.results).toEqual([{ created_by: 'web:dev:sanne-de-vries' }])
    const audit = (await auditOf(reference)).map((a) => [a.actorKey, a.action, a.detail])
    expect(audit).toEqual(
      expect.arrayContaining([
        ['teams:tenant-drenthe-0001:aad-upload-77', 'export', 'link_issued:upload:analysis'],
        ['web:dev:sanne-de-vries', 'change', 'attachment_added:image/png'],
      ]),
    )
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
