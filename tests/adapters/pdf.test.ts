import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PDFDocument, PDFName, PDFString } from 'pdf-lib'
import { afterAll, describe, expect, it } from 'vitest'
import { loadPdfFontsFromDisk } from '../../adapters/pdf/fonts-node'
import { pdfFileName, renderReportPdf } from '../../adapters/pdf/render'
import { label, t } from '../../src/domain/copy'
import type { Lang } from '../../src/domain/enums'
import { type Intake, parseIntake } from '../../src/domain/intake'
import { buildReport, DEFAULT_PDF_LAYOUT, type ReportInput } from '../../src/domain/report'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import { loadSample } from '../fixtures/samples'

/**
 * Renders real PDFs and reads them back with poppler's pdftotext (poppler-utils), the way a reader
 * would: every section and value must come out as typed, on the pages where it belongs.
 */

const GENERATED = new Date('2026-11-23T18:35:00Z')
const SUBMITTED = new Date('2026-11-20T09:12:00Z')
const fonts = loadPdfFontsFromDisk()
const dir = mkdtempSync(join(tmpdir(), 'ret-pdf-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let counter = 0
/** The text of each page (pdftotext separates pages with a form feed). */
function pagesOf(bytes: Uint8Array): string[] {
  const file = join(dir, `t${counter++}.pdf`)
  writeFileSync(file, bytes)
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' })
  return text.split('\f').slice(0, -1)
}

/** Whitespace collapsed: wrapped lines read as one text again. */
const flat = (s: string) => s.replace(/\s+/g, ' ')

/** The pages without their header and footer lines, joined: text flowing over a page break reads on. */
function bodyText(pages: readonly string[]): string {
  const furniture =
    /^(Vertrouwelijk|Confidential|RET-2026-0042|Gegenereerd op .*|Generated on .*|pagina \d+ van \d+|page \d+ of \d+)$/
  return flat(
    pages
      .map((p) =>
        p
          .split('\n')
          .filter((l) => !furniture.test(l.trim()))
          .join('\n'),
      )
      .join('\n'),
  )
}

function intakeOf(name: string, change?: (i: Intake) => void): Intake {
  const parsed = parseIntake(structuredClone(loadSample(name).intake))
  if (!parsed.ok) throw new Error(`sample ${name} does not parse`)
  change?.(parsed.value)
  return parsed.value
}

function reportInput(intake: Intake, lang: Lang, extra: Partial<ReportInput> = {}): ReportInput {
  return {
    intake,
    decision: route(intake, DEFAULT_RULES, GENERATED),
    reference: 'RET-2026-0042',
    submittedAt: SUBMITTED,
    generatedAt: GENERATED,
    lang,
    ...extra,
  }
}

async function render(input: ReportInput): Promise<{ bytes: Uint8Array; pages: string[]; text: string }> {
  const bytes = await renderReportPdf(buildReport(input), fonts)
  const pages = pagesOf(bytes)
  return { bytes, pages, text: flat(pages.join(' ')) }
}

/** The richest sample: safety signals, no analysis (G5), a placement threat, events and an attachment. */
function richIntake(): Intake {
  return intakeOf('mda', (i) => {
    i.analysis.present = false
    i.situation.placement.threatened = true
    i.help.monthsWithoutProgress = 5
    i.help.parties.push({ organisation: 'Veilig Thuis Drenthe', role: 'melding' })
  })
}

const EVENTS = [
  { type: 'submitted', at: '2026-11-20T09:12:00Z', to: 'submitted' },
  {
    type: 'requestInfo',
    at: '2026-11-21T08:30:00Z',
    to: 'info_requested',
    data: { items: ['analysis'], question: 'Kunt u de analyse sturen?' },
  },
]
const ATTACHMENTS = [
  {
    name: 'verklarende-analyse.pdf',
    contentType: 'application/pdf',
    size: 183_000,
    uploadedAt: '2026-11-22T14:05:00Z',
  },
]

describe('intake PDF: every section and value, both languages', () => {
  for (const lang of ['nl', 'en'] as const) {
    it(`renders the full case (${lang})`, async () => {
      const intake = richIntake()
      const input = reportInput(intake, lang, { events: EVENTS, attachments: ATTACHMENTS })
      const { decision } = input
      const { text } = await render(input)
      const f = (key: string) => t(lang, `pdf.fields.${key}`)
      const yes = t(lang, 'pdf.yes')

      for (const id of [
        'summary',
        'routing',
        'attention',
        'referrer',
        'child',
        'legal',
        'situation',
        'help',
        'parties',
        'school',
        'analysis',
        'question',
        'perspective',
        'attachments',
        'timeline',
      ]) {
        expect(text, id).toContain(t(lang, `pdf.sections.${id}`))
      }
      const expected = [
        // summary
        'RET-2026-0042',
        lang === 'nl' ? '20 november 2026, 10:12' : '20 November 2026, 10:12',
        label(lang, 'urgency', intake.urgency),
        // suggested intervention with every reason
        label(lang, 'intervention', decision.primary),
        ...decision.reasons.map((r) => flat(r[lang])),
        f('chairDecides'),
        // fired gates and missing items
        ...decision.gates.map((g) => flat(g[lang])),
        t(lang, 'pdf.missing.analysis'),
        // referrer
        intake.referrer.name,
        intake.referrer.organisation,
        label(lang, 'referrerRole', intake.referrer.role),
        intake.referrer.email,
        intake.referrer.phone!,
        // child
        intake.child.pseudonym!,
        t(lang, 'pdf.age', { age: 12 }),
        intake.child.municipality,
        label(lang, 'living', intake.situation.living),
        // legal framework, authority and consent
        label(lang, 'legalFramework', intake.legal.framework),
        label(lang, 'authority', intake.legal.authority),
        lang === 'nl' ? '12 oktober 2026' : '12 October 2026',
        intake.legal.consent.scope!,
        t(lang, 'pdf.consentRule.from12'),
        // situation, safety and Veilig Thuis
        ...intake.situation.problemDomains.map((d) => label(lang, 'problemDomain', d)),
        label(lang, 'safetySignal', 'huiselijk_geweld'),
        label(lang, 'veiligThuis', intake.situation.safety.veiligThuis),
        lang === 'nl' ? '15 juni 2026' : '15 June 2026',
        f('placementThreatened'),
        // help history
        ...intake.help.history.flatMap((h) => [h.what, h.provider, label(lang, 'historyResult', h.result)]),
        t(lang, 'pdf.months', { months: 5 }),
        // parties
        ...intake.help.parties.flatMap((p) => [p.organisation, p.role]),
        // school
        label(lang, 'schoolType', intake.school.type),
        label(lang, 'attendance', intake.school.attendance),
        // analysis, question, perspective
        f('analysisPresent'),
        flat(intake.question),
        flat(intake.perspective),
        // attachments and timeline
        'verklarende-analyse.pdf',
        t(lang, 'lifecycle.commands.requestInfo'),
        'Kunt u de analyse sturen?',
      ]
      for (const value of expected) expect(text, value).toContain(value)
      expect(text).toContain(yes)
    })
  }

  it('never shows the birth year or a birth date', async () => {
    const intake = richIntake()
    const { text } = await render(reportInput(intake, 'nl'))
    expect(text).not.toContain(String(intake.child.birthYear))
  })
})

describe('intake PDF: pages', () => {
  it('puts "Vertrouwelijk", the reference, "pagina X van Y" and the generation time on every page', async () => {
    const intake = richIntake()
    intake.question = 'Lang verhaal. '.repeat(300).trim()
    for (const lang of ['nl', 'en'] as const) {
      const { pages } = await render(reportInput(intake, lang))
      expect(pages.length).toBeGreaterThanOrEqual(3)
      pages.forEach((page, i) => {
        expect(page).toContain(lang === 'nl' ? 'Vertrouwelijk' : 'Confidential')
        expect(page).toContain('RET-2026-0042')
        expect(page).toContain(
          lang === 'nl' ? `pagina ${i + 1} van ${pages.length}` : `page ${i + 1} of ${pages.length}`,
        )
        expect(page).toContain(
          lang === 'nl'
            ? 'Gegenereerd op 23 november 2026 om 19:35 (Europe/Amsterdam)'
            : 'Generated on 23 November 2026 at 19:35 (Europe/Amsterdam)',
        )
      })
    }
  })

  it('wraps a 3,000-character question and flows it onto a new page, complete and in order', async () => {
    const words = Array.from({ length: 334 }, (_, i) => `vraag${String(i).padStart(3, '0')}`)
    const question = `${words.join(' ').slice(0, 2989).trimEnd()} EINDEVRAAG`
    expect(question.length).toBe(3000)
    const intake = richIntake()
    intake.question = question
    // The layout is data: with the question right after the referrer (the grouped routing reasons fill more of page 1), it starts low on page 1.
    const layout = structuredClone(DEFAULT_PDF_LAYOUT)
    const at = layout.sections.findIndex((s) => s.id === 'question')
    const [moved] = layout.sections.splice(at, 1)
    layout.sections.splice(layout.sections.findIndex((s) => s.id === 'referrer') + 1, 0, moved!)
    const bytes = await renderReportPdf(buildReport(reportInput(intake, 'nl'), layout), fonts)
    const pages = pagesOf(bytes)
    expect(bodyText(pages)).toContain(question)
    expect((await render(reportInput(intake, 'nl'))).text).toContain(question)
    const first = pages.findIndex((p) => p.includes('vraag000'))
    const last = pages.findIndex((p) => p.includes('EINDEVRAAG'))
    expect(first).toBeGreaterThanOrEqual(0)
    expect(last).toBeGreaterThan(first)
    // Wrapped by measured width: many lines, none running into the margin (≈ 100 characters at 9.5 pt).
    const lines = pages
      .join('\n')
      .split('\n')
      .filter((l) => l.includes('vraag'))
    expect(lines.length).toBeGreaterThan(20)
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(110)
  })

  it('keeps a help history of 20 entries a readable table across pages, header repeated', async () => {
    const intake = richIntake()
    intake.help.history = Array.from({ length: 20 }, (_, i) => ({
      what: `Traject-${String(i + 1).padStart(2, '0')} ambulante hulp`,
      provider: `Zorgaanbieder ${i + 1}`,
      from: '2023-01',
      to: i % 4 === 0 ? null : '2023-09',
      result: 'gestopt' as const,
      why: 'Ouders haakten af na wisselingen van hulpverlener; de jeugdige wilde niet meer praten.',
    }))
    const { pages, text } = await render(reportInput(intake, 'nl'))
    const withTable = pages.filter((p) => /Traject-\d\d/.test(p))
    expect(withTable.length).toBeGreaterThanOrEqual(2)
    for (const page of withTable) {
      for (const header of ['Hulp', 'Aanbieder', 'Periode', 'Resultaat', 'Toelichting'])
        expect(page).toContain(header)
    }
    expect(pages.filter((p) => p.includes('Eerdere en huidige hulp (vervolg)')).length).toBe(
      withTable.length - 1,
    )
    const order = [...text.matchAll(/Traject-(\d\d)/g)].map((m) => Number(m[1]))
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(text).toContain('jan 2023 – heden')
  })

  it('stays within the size budget for a 3-page intake (≤ 80 KB)', async () => {
    const intake = richIntake()
    intake.question = 'Lang verhaal over de situatie thuis en op school. '.repeat(40).trim()
    const { bytes, pages } = await render(
      reportInput(intake, 'nl', { events: EVENTS, attachments: ATTACHMENTS }),
    )
    expect(pages.length).toBe(3)
    expect(bytes.length).toBeLessThanOrEqual(80 * 1024)
  })
})

describe('intake PDF: names and characters', () => {
  it('renders Ĳ, Ł and Ő names exactly as typed (sample-unicode-names.json)', async () => {
    const intake = intakeOf('unicode-names')
    for (const lang of ['nl', 'en'] as const) {
      const { text } = await render(reportInput(intake, lang))
      expect(text).toContain('Ĳsbrand Łukasiewicz-Őrs')
      expect(text).toContain(intake.child.pseudonym!)
    }
  })

  it('renders Dutch and Central European letters, quotes, dashes and the euro sign', async () => {
    const intake = richIntake()
    intake.perspective =
      'Zoë en Chloë: „Wij willen thuis blijven” — kosten € 1.250, ’s avonds; Dvořák, Čapek, Müller, Søren.'
    const { text } = await render(reportInput(intake, 'nl'))
    expect(text).toContain(intake.perspective)
  })

  it('composes a decomposed accent and shows a letter the font lacks by its code point, never �', async () => {
    const intake = richIntake()
    intake.referrer.name = 'Rene\u0301e Σοφία'
    const { text } = await render(reportInput(intake, 'nl'))
    expect(text).toContain('Renée ')
    expect(text).toContain('[U+03A3][U+03BF]')
    expect(text).not.toContain('\uFFFD')
  })

  it('shows an emoji the font lacks as a visible "[emoji]", one per emoji, never � (issue 13 §15)', async () => {
    const intake = richIntake()
    intake.perspective = 'Gaat goed 👍🏽, thuis 👨‍👩‍👧 ❤️ en vlag 🇳🇱; Vietnamees ệ.'
    const { text } = await render(reportInput(intake, 'nl'))
    expect(text).toContain('Gaat goed [emoji], thuis [emoji] [emoji] en vlag [emoji]; Vietnamees e.')
    expect(text).not.toContain('\uFFFD')
  })
})

describe('intake PDF: document', () => {
  it('carries title, subject, language, creator and producer, nothing personal', async () => {
    for (const lang of ['nl', 'en'] as const) {
      const intake = richIntake()
      const { bytes } = await render(reportInput(intake, lang))
      const doc = await PDFDocument.load(bytes, { updateMetadata: false })
      expect(doc.getTitle()).toBe(
        lang === 'nl' ? 'Aanmelding RET RET-2026-0042' : 'RET referral RET-2026-0042',
      )
      expect(doc.getSubject()).toBe(t(lang, 'pdf.subject'))
      expect(doc.getCreator()).toBe(t(lang, 'pdf.creator'))
      expect(doc.getProducer()).toBe('ret-intake (pdf-lib)')
      const language = doc.catalog.lookup(PDFName.of('Lang'))
      expect(language instanceof PDFString ? language.decodeText() : String(language)).toBe(
        lang === 'nl' ? 'nl-NL' : 'en-GB',
      )
      const info = [
        doc.getTitle(),
        doc.getSubject(),
        doc.getCreator(),
        doc.getAuthor(),
        doc.getKeywords(),
      ].join(' ')
      expect(info).not.toContain(intake.referrer.name)
      expect(info).not.toContain(intake.child.pseudonym!)
      const page = doc.getPage(0).getSize()
      expect([Math.round(page.width), Math.round(page.height)]).toEqual([595, 842])
    }
  })

  it('is A4, byte-for-byte the same for the same case, and named after the reference only', async () => {
    const input = reportInput(richIntake(), 'nl', { events: EVENTS })
    const a = await renderReportPdf(buildReport(input), fonts)
    const b = await renderReportPdf(buildReport(input), fonts)
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    expect(pdfFileName('RET-2026-0042')).toBe('RET-2026-0042.pdf')
  })
})
