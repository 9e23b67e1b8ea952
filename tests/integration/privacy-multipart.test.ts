import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import type { AppEnv } from '../../src/app'
import type { CaseFileStore } from '../../src/ports/case-files'
import { buildFilesRoutes } from '../../src/routes/files'
import { Browser, fileCase } from './helpers/console'

/**
 * Issue 14 §7 for multipart bodies: file names and text parts of an upload (or of any form a client
 * sends as multipart) must be valid UTF-8 without control characters — 400 with a clear page, nothing
 * stored, the link not used. And the upload link is given back (`releaseLink`) when storing the file
 * fails after the link was used, so the referrer can try again.
 */

const BOUNDARY = '----ret-test-boundary-42'
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 9])

function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : p))
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

/** A multipart body as a browser builds it, with the file name and the CSRF part as raw bytes. */
function uploadBody(csrf: string | Uint8Array, fileName: string | Uint8Array, file = PNG): Uint8Array {
  return concat(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n`,
    csrf,
    `\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="`,
    fileName,
    '"\r\nContent-Type: application/pdf\r\n\r\n',
    file,
    `\r\n--${BOUNDARY}--\r\n`,
  )
}

const multipart = (body: Uint8Array): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  body,
})

async function attachmentCount(reference: string): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT COUNT(*) AS n FROM case_files f JOIN cases c ON c.id = f.case_id WHERE c.reference = ? AND f.kind = 'attachment'",
  )
    .bind(reference)
    .first<{ n: number }>()
  return row?.n ?? 0
}

async function linkUsed(reference: string): Promise<(string | null)[]> {
  const { results } = await env.DB.prepare(
    "SELECT used_at FROM file_links WHERE reference = ? AND purpose = 'upload' ORDER BY created_at",
  )
    .bind(reference)
    .all<{ used_at: string | null }>()
  return results.map((r) => r.used_at)
}

/** The referrer signed in, on the upload form of a fresh link: its path and the form's CSRF token. */
async function openUploadForm(name: string, reference: string) {
  const browser = await new Browser().login(name)
  const issued = await browser.send(`/cases/${reference}/attachments/new`)
  expect(issued.status).toBe(303)
  const path = issued.headers.get('location') ?? ''
  expect(path).toMatch(/^\/files\/upload\//)
  await browser.get(path)
  expect(browser.status).toBe(200)
  return { browser, path, csrf: browser.csrf() }
}

describe('multipart text (issue 14 §7)', () => {
  it('refuses invalid UTF-8 and control characters in file names and text parts with a 400 page', async () => {
    const reference = await fileCase('multipart-ref')
    const { browser, path, csrf } = await openUploadForm('Multipart Ref', reference)

    const cases: [string, Uint8Array, string][] = [
      ['file name with a control character', uploadBody(csrf, 'analyse\u0001.pdf'), 'stuurteken'],
      ['file name with a NUL byte', uploadBody(csrf, 'analyse\u0000.pdf'), 'stuurteken'],
      ['file name escaping a line break', uploadBody(csrf, 'analyse%0A.pdf'), 'stuurteken'],
      [
        'file name that is not UTF-8',
        uploadBody(csrf, new Uint8Array([0x61, 0x6e, 0xe9, 0x2e, 0x70, 0x64, 0x66])),
        'geen geldige UTF-8',
      ],
      ['text part that is not UTF-8', uploadBody(concat(csrf, new Uint8Array([0xff])), 'a.pdf'), 'UTF-8'],
      ['text part with an escape sequence', uploadBody(`${csrf}\u001b[2J`, 'a.pdf'), 'stuurteken'],
    ]
    for (const [what, body, message] of cases) {
      const res = await browser.send(path, multipart(body))
      expect(res.status, what).toBe(400)
      const html = await res.text()
      expect(html, what).toContain(message)
      expect(res.headers.get('content-security-policy'), what).toContain("default-src 'none'")
    }
    expect(await attachmentCount(reference)).toBe(0)
    expect(await linkUsed(reference)).toEqual([null])

    // The English page for an English reader.
    browser.cookies.set('ret_lang', 'en')
    const en = await browser.send(path, multipart(uploadBody(csrf, 'x\u0007.pdf')))
    expect(en.status).toBe(400)
    expect(await en.text()).toContain('control character')

    // Any web form sent as multipart gets the same check (not only the upload).
    const chair = await new Browser().login('Chair Multipart', 'chair')
    await chair.get(`/cases/${reference}`)
    const command = concat(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${chair.csrf()}`,
      `\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="command"\r\n\r\nrequestInfo`,
      `\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="question"\r\n\r\nWaar\u0000?`,
      `\r\n--${BOUNDARY}--\r\n`,
    )
    const refused = await chair.send(`/cases/${reference}`, multipart(command))
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('stuurteken')

    // A clean upload through the same link still works: the refusals used nothing.
    const ok = await browser.send(path, multipart(uploadBody(csrf, 'analyse Łukasiewicz.pdf')))
    expect(ok.status).toBe(200)
    expect(await attachmentCount(reference)).toBe(1)
    expect((await linkUsed(reference))[0]).not.toBeNull()
  })

  it('gives the upload link back when storing the file fails, so the upload can be tried again', async () => {
    const reference = await fileCase('release-ref')
    const { browser, path, csrf } = await openUploadForm('Release Ref', reference)

    // The same files routes, with a file store whose R2/D1 write fails.
    const failing = new Hono<AppEnv>()
    failing.use('*', async (c, next) => {
      c.set('requestId', 'test-release')
      await next()
    })
    failing.route(
      '/',
      buildFilesRoutes({
        files: (e) => {
          const real = buildCaseFileStore(e)
          const store: CaseFileStore = Object.create(real)
          store.putAttachment = async () => {
            throw new Error('storage unavailable')
          }
          return store
        },
      }),
    )
    failing.onError((_err, c) => c.text('failed', 500))
    const headers = new Headers({ 'content-type': `multipart/form-data; boundary=${BOUNDARY}` })
    headers.set('cookie', [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const ctx = createExecutionContext()
    const broken = await failing.fetch(
      new Request(new URL(path, 'http://127.0.0.1:8787'), {
        method: 'POST',
        headers,
        body: uploadBody(csrf, 'analyse.pdf'),
      }),
      env,
      ctx,
    )
    await waitOnExecutionContext(ctx)
    expect(broken.status).toBe(500)
    // Released: the link is unused again and nothing was attached.
    expect(await linkUsed(reference)).toEqual([null])
    expect(await attachmentCount(reference)).toBe(0)

    // The real app then takes the upload through the same link, once.
    const ok = await browser.send(path, multipart(uploadBody(csrf, 'analyse.pdf')))
    expect(ok.status).toBe(200)
    expect(await attachmentCount(reference)).toBe(1)
    const again = await browser.send(path, multipart(uploadBody(csrf, 'nog een.pdf')))
    expect(again.status).toBe(403)
    expect(await attachmentCount(reference)).toBe(1)
  })
})
