import { describe, expect, it } from 'vitest'
import { buildDigest } from '../../src/domain/digest'
import { buildDigestChartSvg, buildDigestCsv } from '../../src/domain/digest-render'
import { MUNICIPALITIES } from '../../src/domain/enums'
import type { CaseSummary } from '../../src/domain/stalled'
import { caseSummary } from '../fixtures/case-summary'

const NOW = new Date('2026-11-23T08:00:00+01:00')

function summary(over: Partial<CaseSummary>): CaseSummary {
  const since = '2026-11-02T09:00:00+01:00'
  return caseSummary({ status: 'submitted', statusSince: since, submittedAt: since, ...over })
}

const digest = buildDigest(
  [
    summary({}),
    summary({
      reference: 'RET-2026-0008',
      status: 'info_requested',
      pseudonym: '=HYPERLINK("x")',
      municipality: 'Coevorden',
      intervention: 'MDA++',
    }),
    summary({ reference: 'RET-2026-0009', pseudonym: 'A;B', owner: 'teams:t1:lead-1', status: 'accepted' }),
  ],
  NOW,
)

describe('buildDigestCsv', () => {
  it('writes a Dutch CSV with ; separators, a BOM and CRLF line ends', () => {
    const csv = buildDigestCsv(digest, 'nl')
    expect(csv.startsWith('\uFEFFCasusnummer;Pseudoniem;Status;Signaal;')).toBe(true)
    const lines = csv.slice(1).split('\r\n')
    expect(lines).toHaveLength(5)
    expect(lines[4]).toBe('')
    expect(lines).toContain(
      'RET-2026-0007;J.;Ingediend;Triage te laat;15;RET-voorzitters;Triage starten;2026-11-05;ROP;Assen',
    )
  })

  it('writes an English CSV with , separators', () => {
    const csv = buildDigestCsv(digest, 'en')
    expect(csv.split('\r\n')[0]).toBe(
      '\uFEFFReference,Pseudonym,Status,Signal,Working days in status,Owner,Next step,Due,Intervention,Municipality',
    )
    expect(csv).toContain(
      'RET-2026-0007,J.,Submitted,Triage overdue,15,RET chairs,Start triage,2026-11-05,ROP,Assen',
    )
  })

  it('defuses formulas and quotes separators and quotes', () => {
    const csv = buildDigestCsv(digest, 'nl')
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`)
    expect(csv).not.toMatch(/[;\n]=HYPERLINK/)
    expect(csv).toContain('"A;B"')
    expect(csv).toContain('teams:t1:lead-1')
  })
})

describe('buildDigestChartSvg', () => {
  it('draws one labelled bar per municipality with the numbers written out', () => {
    const svg = buildDigestChartSvg(digest.change, 'byMunicipality', 'nl')
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.endsWith('</svg>')).toBe(true)
    expect(svg.match(/<rect /g)).toHaveLength(MUNICIPALITIES.length + 1) // + the legend
    for (const m of MUNICIPALITIES) expect(svg).toContain(`>${m}</text>`)
    expect(svg).toContain(
      '<title id="digest-byMunicipality-title">Vastgelopen casussen — Per gemeente</title>',
    )
    expect(svg).toContain('Assen: 2 (Vorige week: ')
    expect(svg).toMatch(/>2 \([+-]?\d+\)<\/text>/)
  })

  it('escapes text and scales the longest bar to the full width', () => {
    const svg = buildDigestChartSvg(digest.change, 'byIntervention', 'en')
    expect(svg).toContain('>MDA++</text>')
    expect(svg).toContain('Stalled cases — Per intervention')
    const widths = [...svg.matchAll(/<rect [^>]*width="(\d+)"/g)].map((m) => Number(m[1]))
    expect(Math.max(...widths)).toBe(220)
    expect(widths.filter((w) => w === 0)).toHaveLength(3)
  })

  it('escapes XML in every text it writes', () => {
    const change = structuredClone(digest.change)
    const odd = {
      ...change,
      byIntervention: { 'A&B <x>': { now: 1, weekAgo: 0, delta: 1 } },
    } as unknown as typeof change
    const svg = buildDigestChartSvg(odd, 'byIntervention', 'en')
    expect(svg).toContain('A&amp;B &lt;x&gt;')
    expect(svg).not.toContain('<x>')
  })
})
