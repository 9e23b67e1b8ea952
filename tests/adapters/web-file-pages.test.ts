import { describe, expect, it } from 'vitest'
import { renderFilePages } from '../../adapters/web/file-pages'
import type { PageContext } from '../../adapters/web/layout'

const ctx: PageContext = {
  lang: 'nl',
  csrf: 'csrf-token-123',
  nonce: 'nonce-abc',
  devMode: false,
  user: { name: 'Sanne de Vries', roles: ['referrer'] },
  path: '/files/upload/tok.sig',
}

describe('upload and file-error pages in the site layout (issue 13 §13)', () => {
  it('the upload page has the header, the language switch and a way back', () => {
    const html = renderFilePages.upload(ctx, {
      reference: 'RET-2026-0042',
      validUntil: '24 november 2026 10:15',
      action: '/files/upload/tok.sig',
    })
    expect(html).toContain('<header class="site">')
    expect(html).toContain('action="/lang"')
    expect(html).toContain('name="next" value="/files/upload/tok.sig"')
    expect(html).toContain('href="/cases"')
    expect(html).toMatch(
      /<form method="post" action="\/files\/upload\/tok.sig" enctype="multipart\/form-data" novalidate/,
    )
    expect(html).toContain('RET-2026-0042')
  })

  it.each(['nl', 'en'] as const)(
    'submitting without a file shows a message at the field and in a summary (%s)',
    (lang) => {
      const html = renderFilePages.upload(
        { ...ctx, lang },
        {
          reference: 'RET-2026-0042',
          validUntil: '24 november 2026 10:15',
          action: '/files/upload/tok.sig',
          error: 'empty',
        },
      )
      const message = lang === 'nl' ? 'Kies eerst een bestand.' : 'Choose a file first.'
      expect(html).toContain(`<a href="#file">${message}</a>`)
      expect(html).toContain(`<p class="field-error" id="file-error">${message}</p>`)
      expect(html).toMatch(/aria-invalid="true"/)
      expect(html).toContain(`<html lang="${lang}">`)
    },
  )

  it('a file error page (expired link) has the layout and a way back', () => {
    const html = renderFilePages.message({ ...ctx, lang: 'en' }, 'expired', { minutes: 15 })
    expect(html).toContain('<header class="site">')
    expect(html).toContain('This link has expired')
    expect(html).toContain('href="/cases"')
  })
})
