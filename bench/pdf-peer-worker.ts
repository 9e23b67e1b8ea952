import { PDFDocument, StandardFonts } from 'pdf-lib'
import { BUNDLED_PDF_FONTS } from '../adapters/pdf/fonts'
import { renderReportPdf } from '../adapters/pdf/render'
import { parseIntake } from '../src/domain/intake'
import { buildReport, type ReportModel } from '../src/domain/report'
import { route } from '../src/domain/routing'
import { DEFAULT_RULES } from '../src/domain/rules'
import sample from '../tests/fixtures/intakes/sample-unicode-names.json'

/**
 * Peer (b) of issue 8, a bench-only worker (bundled with esbuild, served by Miniflare): renders one
 * 3-page intake PDF (the unicode sample with its timeline and an attachment: ĳ, Ł, ő) with the embedded
 * DejaVu subset (`/ours`), the same strings with pdf-lib's standard Helvetica (`/helvetica`, the floor:
 * nothing embedded, WinAnsi only), or nothing (`/noop`).
 * Timers do not advance during CPU work inside workerd, so the bench times each route from outside and
 * subtracts `/noop`.
 */

const now = new Date('2026-11-23T10:00:00+01:00')

const EVENTS = [
  { type: 'submit', at: '2026-11-23T09:00:00Z', to: 'submitted' },
  { type: 'startTriage', at: '2026-11-23T13:10:00Z', to: 'in_triage' },
  {
    type: 'requestInfo',
    at: '2026-11-24T08:30:00Z',
    to: 'info_requested',
    data: { question: 'Is er een recente analyse van Ĳsbrand Łukasiewicz-Őrs?' },
  },
  {
    type: 'provideInfo',
    at: '2026-11-24T15:45:00Z',
    to: 'in_triage',
    data: { answer: 'Ja, bijgevoegd; besproken met ouders.' },
  },
  {
    type: 'accept',
    at: '2026-11-25T10:00:00Z',
    to: 'accepted',
    data: { intervention: 'RST', reason: 'Meerdere domeinen, geen passend aanbod.' },
  },
  { type: 'schedule', at: '2026-11-26T11:00:00Z', to: 'scheduled', data: { date: '2026-12-03T13:00:00Z' } },
]

function model(): ReportModel {
  const parsed = parseIntake(sample.intake)
  if (!parsed.ok) throw new Error('sample invalid')
  return buildReport({
    intake: parsed.value,
    decision: route(parsed.value, DEFAULT_RULES, now),
    reference: 'RET-2026-0042',
    submittedAt: now,
    // A case some weeks on: its timeline and one attachment make the third page.
    events: EVENTS,
    attachments: [
      {
        name: 'Analyse Łukasz Ĳsselmeer-Kővári.pdf',
        contentType: 'application/pdf',
        size: 183_442,
        uploadedAt: '2026-11-24T09:12:00Z',
      },
    ],
    generatedAt: now,
    lang: 'nl',
  })
}

/** Every string of the report, in order: the text both renderings draw. */
function textOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value)
  else if (Array.isArray(value)) for (const v of value) textOf(v, out)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) textOf(v, out)
  return out
}

/** The floor: the same strings, Helvetica (characters outside WinAnsi replaced), on `pages` pages. */
async function renderHelvetica(lines: string[], pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  const font = await doc.embedFont(StandardFonts.Helvetica)
  const bold = await doc.embedFont(StandardFonts.HelveticaBold)
  const wrapped = lines.flatMap((l) => {
    const safe = l.replace(/[^\x20-\x7e\xa0-\xff]/g, '?')
    const parts: string[] = []
    for (let i = 0; i < safe.length; i += 95) parts.push(safe.slice(i, i + 95))
    return parts.length ? parts : ['']
  })
  const perPage = Math.ceil(wrapped.length / pages)
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595.28, 841.89])
    wrapped.slice(p * perPage, (p + 1) * perPage).forEach((line, i) => {
      page.drawText(line, { x: 50, y: 790 - i * 14, size: 10, font: i === 0 ? bold : font })
    })
  }
  return doc.save()
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/ours') {
      const bytes = await renderReportPdf(model(), BUNDLED_PDF_FONTS)
      return new Response(bytes, { headers: { 'content-type': 'application/pdf' } })
    }
    if (url.pathname === '/helvetica') {
      const pages = Number(url.searchParams.get('pages') ?? 3)
      const bytes = await renderHelvetica(textOf(model()), pages)
      return new Response(bytes, { headers: { 'content-type': 'application/pdf' } })
    }
    return new Response('ok')
  },
}
