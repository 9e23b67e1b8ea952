import { describe, expect, it } from 'vitest'
import { COPY, copyKeys, t } from '../../src/domain/copy'
import type { Lang } from '../../src/domain/enums'
import { type Intake, parseIntake } from '../../src/domain/intake'
import {
  buildReport,
  DEFAULT_PDF_LAYOUT,
  formatIsoDate,
  parsePdfLayout,
  pdfFileName,
  REPORT_SECTIONS,
  type ReportBlock,
  type ReportInput,
  type ReportModel,
} from '../../src/domain/report'
import type { RoutingDecision } from '../../src/domain/types'
import layoutJson from '../../templates/pdf-layout.json'
import { loadSample } from '../fixtures/samples'

const GENERATED = new Date('2026-11-23T18:35:00Z') // 19:35 in Amsterdam (CET)
const SUBMITTED = new Date('2026-11-20T09:12:00Z') // 10:12 in Amsterdam

function intakeOf(name: string, change?: (i: Intake) => void): Intake {
  const parsed = parseIntake(structuredClone(loadSample(name).intake))
  if (!parsed.ok) throw new Error(`sample ${name} does not parse`)
  change?.(parsed.value)
  return parsed.value
}

/** A routing decision written out by hand: these tests check the report, not the rules. */
const DECISION: RoutingDecision = {
  primary: 'MDA++',
  alternatives: ['EXPERTTAFEL'],
  reasons: [
    {
      rule: 'mda_structural',
      field: 'situation.safety.structural',
      intervention: 'MDA++',
      weight: 3,
      nl: 'Structurele onveiligheid (situation.safety.structural).',
      en: 'Structural unsafety (situation.safety.structural).',
    },
    {
      rule: 'et_progress',
      field: 'help.monthsWithoutProgress',
      intervention: 'EXPERTTAFEL',
      weight: 1,
      nl: 'Al 4 maanden geen voortgang (help.monthsWithoutProgress).',
      en: 'No progress for 4 months (help.monthsWithoutProgress).',
    },
  ],
  gates: [
    {
      gate: 'G5',
      nl: 'Een gedeelde verklarende analyse is nodig.',
      en: 'A shared explanatory analysis is needed.',
    },
  ],
  missing: ['analysis'],
  scores: { 'MDA++': 3, EXPERTTAFEL: 1, ROP: 0, RO3: 0, RST: 0 },
}

function input(over: Partial<ReportInput> = {}): ReportInput {
  return {
    intake: intakeOf('mda', (i) => {
      i.analysis.present = false
      i.help.history.push({
        what: 'Gezinscoaching',
        provider: 'Aanbieder Z',
        from: '2024-02',
        to: null,
        result: 'loopt',
        why: null,
      })
    }),
    decision: DECISION,
    reference: 'RET-2026-0042',
    submittedAt: SUBMITTED,
    generatedAt: GENERATED,
    lang: 'nl',
    ...over,
  }
}

/** Every text in the model, for "appears somewhere" and "never appears" checks. */
function texts(model: ReportModel): string[] {
  const out = [model.title, model.subtitle, model.notice, model.header.confidential, model.footer.generated]
  for (const s of model.sections) {
    out.push(s.title)
    for (const b of s.blocks) out.push(...blockTexts(b))
  }
  return out
}

function blockTexts(b: ReportBlock): string[] {
  switch (b.kind) {
    case 'rows':
      return b.rows.flatMap((r) => [r.label, r.value])
    case 'text':
      return [b.label ?? '', b.text]
    case 'list':
      return [b.label, ...b.items]
    case 'table':
      return [...b.columns.map((c) => c.label), ...b.rows.flat()]
  }
}

function section(model: ReportModel, id: string) {
  const found = model.sections.find((s) => s.id === id)
  if (!found) throw new Error(`no section ${id}`)
  return found
}

function rowValue(
  model: ReportModel,
  sectionId: string,
  rowLabel: string,
): { value: string; highlight: boolean } {
  for (const b of section(model, sectionId).blocks) {
    if (b.kind !== 'rows') continue
    const r = b.rows.find((x) => x.label === rowLabel)
    if (r) return { value: r.value, highlight: r.highlight }
  }
  throw new Error(`no row ${rowLabel} in ${sectionId}`)
}

describe('pdf layout template', () => {
  it('is valid and places every section once', () => {
    expect(parsePdfLayout(layoutJson).ok).toBe(true)
    const ids = DEFAULT_PDF_LAYOUT.sections.map((s) => s.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual([...REPORT_SECTIONS].sort())
  })

  it('rejects an unknown field with a message naming it', () => {
    const bad = structuredClone(layoutJson) as { sections: { id: string; fields: string[] }[] }
    bad.sections[0]!.fields.push('child.birthYear')
    const parsed = parsePdfLayout(bad)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.errors[0]!.path).toBe('sections[0].fields[4]')
  })

  it('follows the order of the template', () => {
    const layout = structuredClone(DEFAULT_PDF_LAYOUT)
    layout.sections = [
      { id: 'question', fields: ['question'] },
      { id: 'child', fields: ['child.municipality', 'child.pseudonym'] },
    ]
    const model = buildReport(input(), layout)
    expect(model.sections.map((s) => s.id)).toEqual(['question', 'child'])
    const rows = model.sections[1]!.blocks[0]
    expect(rows?.kind === 'rows' && rows.rows.map((r) => r.value)).toEqual(['Emmen', 'L.'])
  })
})

describe('buildReport', () => {
  for (const lang of ['nl', 'en'] as const) {
    it(`translates everything (${lang}): no copy key or enum value leaks through`, () => {
      const model = buildReport(input({ lang }))
      expect(model.sections.map((s) => s.id)).toEqual(
        DEFAULT_PDF_LAYOUT.sections
          .map((s) => s.id)
          .filter((id) => id !== 'attachments' && id !== 'timeline'),
      )
      for (const s of model.sections) expect(s.title).toBe(t(lang, `pdf.sections.${s.id}`))
      const leaked = texts(model).filter((x) => /\b(pdf|enum|lifecycle)\.[a-z]/.test(x))
      expect(leaked).toEqual([])
      expect(model.meta.language).toBe(lang === 'nl' ? 'nl-NL' : 'en-GB')
      expect(model.header.confidential).toBe(lang === 'nl' ? 'Vertrouwelijk' : 'Confidential')
      expect(model.footer.pageTemplate).toBe(
        lang === 'nl' ? 'pagina {page} van {pages}' : 'page {page} of {pages}',
      )
    })
  }

  it('shows the child by pseudonym, age and municipality, never the birth year', () => {
    const i = input()
    const model = buildReport(i)
    expect(rowValue(model, 'child', 'Pseudoniem').value).toBe('L.')
    expect(rowValue(model, 'child', 'Leeftijd').value).toBe(`${2026 - i.intake.child.birthYear} jaar`)
    expect(rowValue(model, 'child', 'Gemeente').value).toBe('Emmen')
    expect(texts(model).join('\n')).not.toContain(String(i.intake.child.birthYear))
  })

  it('shows an unanswered optional number as unanswered, never as 0 (issue 13 §6)', () => {
    const model = buildReport(
      input({
        intake: intakeOf('mda', (i) => {
          i.situation.placement.movesLast12Months = null
          i.situation.placement.rejectedByProviders = 0
        }),
      }),
    )
    const section = DEFAULT_PDF_LAYOUT.sections.find((s) =>
      s.fields.includes('placement.movesLast12Months'),
    )!.id
    expect(rowValue(model, section, 'Overplaatsingen (12 maanden)').value).toBe('Niet ingevuld')
    expect(rowValue(model, section, t('nl', 'pdf.fields.placementRejected')).value).toBe('0')
  })

  it('counts the age at generation time (a re-generated PDF a year later shows the child a year older)', () => {
    const later = buildReport(input({ generatedAt: new Date('2027-11-23T12:00:00Z') }))
    expect(rowValue(later, 'child', 'Leeftijd').value).toBe('13 jaar')
  })

  it('names an anonymous consultation instead of a pseudonym', () => {
    const model = buildReport(input({ intake: intakeOf('consultation') }))
    expect(rowValue(model, 'child', 'Pseudoniem').value).toBe(t('nl', 'pdf.anonymous'))
    expect(rowValue(model, 'summary', 'Soort aanmelding')).toEqual({
      value: t('nl', 'pdf.fields.consultationOnly'),
      highlight: true,
    })
  })

  it('groups every routing reason under the intervention it scored for, with its weight, in the reader’s language', () => {
    for (const lang of ['nl', 'en'] as const) {
      const model = buildReport(input({ lang }))
      const lists = section(model, 'routing').blocks.filter((b) => b.kind === 'list')
      expect(lists.map((b) => b.kind === 'list' && [b.label, b.items])).toEqual([
        [
          lang === 'nl' ? 'Redenen voor MDA++ (score 3)' : 'Reasons for MDA++ (score 3)',
          [`+3: ${DECISION.reasons[0]![lang]}`],
        ],
        [
          lang === 'nl'
            ? 'Redenen voor Experttafel (EXPERTTAFEL) (score 1)'
            : 'Reasons for Expert table (Experttafel, EXPERTTAFEL) (score 1)',
          [`+1: ${DECISION.reasons[1]![lang]}`],
        ],
      ])
      expect(rowValue(model, 'routing', t(lang, 'pdf.fields.alternatives')).value).toBe(
        lang === 'nl' ? 'Experttafel (EXPERTTAFEL)' : 'Expert table (Experttafel, EXPERTTAFEL)',
      )
    }
  })

  it('highlights fired gates and missing items, and marks the analysis row', () => {
    const model = buildReport(input())
    const lists = section(model, 'attention').blocks.filter((b) => b.kind === 'list')
    expect(lists).toEqual([
      {
        kind: 'list',
        label: 'Signalen',
        highlight: true,
        items: ['G5 Gedeelde verklarende analyse: Een gedeelde verklarende analyse is nodig.'],
      },
      { kind: 'list', label: 'Ontbreekt nog', highlight: true, items: ['Gedeelde verklarende analyse'] },
    ])
    expect(rowValue(model, 'analysis', 'Analyse aanwezig')).toEqual({ value: 'Nee', highlight: true })
  })

  it('says so plainly when nothing fired', () => {
    const model = buildReport(input({ decision: { ...DECISION, reasons: [], gates: [], missing: [] } }))
    const texts = section(model, 'attention').blocks.map((b) => (b.kind === 'text' ? b.text : b.kind))
    expect(texts).toEqual(['Geen signalen.', 'Niets.'])
  })

  it('shows consent (who, date, scope) and the consent the age requires', () => {
    const model = buildReport(input())
    expect(rowValue(model, 'legal', 'Toestemming jeugdige').value).toBe('Ja')
    expect(rowValue(model, 'legal', 'Datum toestemming').value).toBe('12 oktober 2026')
    expect(rowValue(model, 'legal', 'Reikwijdte toestemming').value).toBe('RET-bespreking')
    expect(rowValue(model, 'legal', 'Vereiste toestemming').value).toBe(t('nl', 'pdf.consentRule.from12'))
    const young = buildReport(input({ generatedAt: new Date('2024-06-01T12:00:00Z') }))
    expect(rowValue(young, 'legal', 'Vereiste toestemming').value).toBe(t('nl', 'pdf.consentRule.under12'))
    const old = buildReport(input({ generatedAt: new Date('2030-06-01T12:00:00Z'), lang: 'en' }))
    expect(rowValue(old, 'legal', 'Consent required').value).toBe(t('en', 'pdf.consentRule.from16'))
  })

  it('highlights missing consent when G3 fired, and names a legal basis', () => {
    const i = input()
    i.intake.legal.consent.parents = false
    i.intake.legal.framework = 'ots'
    const model = buildReport({ ...i, decision: { ...DECISION, gates: [{ gate: 'G3', nl: 'x', en: 'x' }] } })
    expect(rowValue(model, 'legal', 'Toestemming ouders met gezag')).toEqual({
      value: 'Nee',
      highlight: true,
    })
    expect(rowValue(model, 'legal', 'Vereiste toestemming').value).toContain(
      'Wettelijke grondslag: Ondertoezichtstelling (OTS)',
    )
  })

  it('makes the help history a table with readable periods', () => {
    const model = buildReport(input())
    const table = section(model, 'help').blocks.find((b) => b.kind === 'table')
    if (table?.kind !== 'table') throw new Error('no history table')
    expect(table.columns.map((c) => c.label)).toEqual([
      'Hulp',
      'Aanbieder',
      'Periode',
      'Resultaat',
      'Toelichting',
    ])
    const last = table.rows[table.rows.length - 1]!
    expect(last.map((c) => c.replace(/\u00A0/g, ' '))).toEqual([
      'Gezinscoaching',
      'Aanbieder Z',
      'feb 2024 – heden',
      'Loopt nog',
      '',
    ])
  })

  it('formats times in Europe/Amsterdam, summer and winter', () => {
    const winter = buildReport(input())
    expect(winter.footer.generated).toBe('Gegenereerd op 23 november 2026 om 19:35 (Europe/Amsterdam)')
    expect(rowValue(winter, 'summary', 'Ingediend op').value).toBe('20 november 2026, 10:12')
    const summer = buildReport(input({ generatedAt: new Date('2026-06-30T22:30:00Z'), lang: 'en' }))
    expect(summer.footer.generated).toBe('Generated on 1 July 2026 at 00:30 (Europe/Amsterdam)')
    expect(formatIsoDate('en', '2026-02-03')).toBe('3 February 2026')
  })

  it('marks a never-submitted concept', () => {
    const model = buildReport(input({ submittedAt: null }))
    expect(rowValue(model, 'summary', 'Ingediend op').value).toBe(t('nl', 'pdf.concept'))
  })

  it('adds a sorted timeline only when there are events, with what, status and details', () => {
    expect(buildReport(input()).sections.some((s) => s.id === 'timeline')).toBe(false)
    const model = buildReport(
      input({
        events: [
          {
            type: 'accept',
            at: '2026-11-21T10:00:00Z',
            to: 'accepted',
            data: { intervention: 'ROP', reason: 'Plaatsing dreigt alsnog' },
          },
          { type: 'submitted', at: '2026-11-20T09:12:00Z', to: 'submitted' },
        ],
      }),
    )
    const table = section(model, 'timeline').blocks[0]
    if (table?.kind !== 'table') throw new Error('no timeline table')
    expect(table.rows).toEqual([
      [
        '20 november 2026, 10:12',
        t('nl', 'lifecycle.commands.submitted'),
        t('nl', 'lifecycle.statuses.submitted'),
        '',
      ],
      [
        '21 november 2026, 11:00',
        t('nl', 'lifecycle.commands.accept'),
        t('nl', 'lifecycle.statuses.accepted'),
        'Regie op plaatsing (ROP) — Plaatsing dreigt alsnog',
      ],
    ])
  })

  it('lists attachments (name, type, size, time) and names them in the analysis section', () => {
    const model = buildReport(
      input({
        lang: 'en',
        attachments: [
          {
            name: 'analyse.pdf',
            contentType: 'application/pdf',
            size: 1_572_864,
            uploadedAt: '2026-11-20T09:15:00Z',
          },
        ],
      }),
    )
    const table = section(model, 'attachments').blocks[0]
    expect(table?.kind === 'table' && table.rows).toEqual([
      ['analyse.pdf', 'PDF', '1.5 MB', '20 November 2026, 10:15'],
    ])
    expect(rowValue(model, 'analysis', 'Attached').value).toBe('analyse.pdf')
    const nl = buildReport(
      input({
        attachments: [
          { name: 'a.png', contentType: 'image/png', size: 2048, uploadedAt: '2026-11-20T09:15:00Z' },
        ],
      }),
    )
    const nlTable = section(nl, 'attachments').blocks[0]
    expect(nlTable?.kind === 'table' && nlTable.rows[0]?.slice(1, 3)).toEqual(['Afbeelding', '2,0 kB'])
  })

  it('keeps personal data out of the metadata and the file name', () => {
    const i = input()
    const model = buildReport(i)
    const meta = JSON.stringify(model.meta) + model.fileName
    for (const personal of [i.intake.referrer.name, i.intake.child.pseudonym!, i.intake.referrer.email]) {
      expect(meta).not.toContain(personal)
    }
    expect(model.fileName).toBe('RET-2026-0042.pdf')
    expect(pdfFileName('RET 2026/0042')).toBe('RET-2026-0042.pdf')
  })

  it('is deterministic', () => {
    expect(buildReport(input())).toEqual(buildReport(input()))
  })

  it('has every pdf copy key in both languages', () => {
    const keys = (lang: Lang) => copyKeys(COPY[lang]).filter((k) => k.startsWith('pdf.'))
    expect(keys('en')).toEqual(keys('nl'))
  })
})
