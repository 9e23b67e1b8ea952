import { describe, expect, it } from 'vitest'
import type { PageContext } from '../../adapters/web/layout'
import { renderMonitoringWeb } from '../../adapters/web/monitoring-page'
import { buildMonitoring, type MonitoringCase } from '../../src/domain/monitoring'
import {
  buildMonitoringCsv,
  buildMonitoringExport,
  buildMonitoringJson,
  buildTrendSvg,
} from '../../src/domain/monitoring-render'
import { defaultMonitoringQuery } from '../../src/routes/web-monitoring'
import { caseSummary } from '../fixtures/case-summary'

const NOW = new Date('2026-12-07T09:00:00+01:00')
const QUERY = { from: '2026-07-01', to: '2026-12-31' }

function mc(i: number, over: Partial<MonitoringCase> = {}): MonitoringCase {
  const submittedAt = '2026-10-05T09:00:00+02:00'
  return {
    ...caseSummary({ status: 'closed', statusSince: submittedAt }),
    reference: `RET-2026-${String(700 + i).padStart(4, '0')}`,
    pseudonym: 'Z.',
    triagedAt: '2026-10-07T09:00:00+02:00',
    ...over,
  }
}

const ctx: PageContext = {
  lang: 'nl',
  csrf: 'csrf',
  nonce: 'nonce',
  devMode: true,
  user: { name: 'Coby', roles: ['coordinator'] },
  path: '/monitoring',
}

describe('monitoring export', () => {
  // Six ROP cases in Assen, two RST cases in Emmen.
  const cases = [
    ...Array.from({ length: 6 }, (_, i) => mc(i)),
    mc(10, { municipality: 'Emmen', intervention: 'RST' }),
    mc(11, { municipality: 'Emmen', intervention: 'RST' }),
  ]
  const model = buildMonitoring(cases, QUERY, NOW)
  const rows = buildMonitoringExport(model)
  const value = (section: string, group: string, measure: string) =>
    rows.find((r) => r.section === section && r.group === group && r.measure === measure)?.value

  it('masks every count under 5 and every median or p90 over fewer than 5 cases', () => {
    expect(value('period', 'all', 'submitted')).toBe('8')
    expect(value('leadTimes', 'all', 'submissionToTriage.median')).toBe('2')
    expect(value('leadTimes.intervention', 'ROP', 'submissionToTriage.n')).toBe('6')
    expect(value('leadTimes.intervention', 'ROP', 'submissionToTriage.p90')).toBe('2')
    expect(value('leadTimes.intervention', 'RST', 'submissionToTriage.n')).toBe('<5')
    expect(value('leadTimes.intervention', 'RST', 'submissionToTriage.median')).toBe('<5')
    expect(value('leadTimes.municipality', 'Emmen', 'submissionToTriage.p90')).toBe('<5')
    expect(value('quarter', '2026-Q3', 'submitted')).toBe('<5')
    expect(value('outcomes', 'all', 'usefulness.mean')).toBe('<5')
    // No number under 5 survives anywhere in the export.
    const small = rows.filter(
      (r) =>
        /^\d+$/.test(r.value) &&
        Number(r.value) < 5 &&
        !r.measure.endsWith('.median') &&
        !r.measure.endsWith('.p90'),
    )
    expect(small).toEqual([])
  })

  it('holds no reference and no pseudonym, as CSV or JSON', () => {
    const csv = buildMonitoringCsv(model, 'nl')
    const json = JSON.stringify(buildMonitoringJson(model))
    for (const text of [csv, json]) {
      expect(text).not.toMatch(/RET-2026/)
      expect(text).not.toContain('Z.')
    }
    expect(csv.slice(1).split('\r\n')[0]).toBe('Onderdeel;Groep;Maat;Waarde')
    expect(buildMonitoringCsv(model, 'en').slice(1).split('\r\n')[0]).toBe('Section,Group,Measure,Value')
    expect(JSON.parse(json).rows).toHaveLength(rows.length)
  })
})

describe('monitoring page', () => {
  it('renders a chart with a table beside it for every trend, and the filters', () => {
    const model = buildMonitoring([mc(1), mc(2)], QUERY, NOW)
    const html = renderMonitoringWeb.page(
      ctx,
      model,
      { ...QUERY, municipality: 'Assen', intervention: null },
      false,
    )
    expect(html.match(/<svg[^>]*role="img"/g)).toHaveLength(5)
    expect(html.match(/<figure class="chart"/g)).toHaveLength(5)
    expect(html).toContain('<caption>Aanmeldingen per kwartaal</caption>')
    expect(html).toContain('<option value="Assen" selected')
    expect(html).toContain('href="/monitoring.csv?from=2026-07-01&amp;to=2026-12-31&amp;municipality=Assen"')
    expect(html).toContain('Regie op plaatsing')
    expect(html).not.toContain('RET-2026')
    expect(html).not.toContain('role="alert"')
  })

  it('draws a bar per quarter with its value, and a dash for no data', () => {
    const svg = buildTrendSvg(
      'x',
      'Titel',
      [
        { label: '2026-Q3', value: 4 },
        { label: '2026-Q4', value: null },
      ],
      'geen gegevens',
    )
    expect(svg.match(/<rect /g)).toHaveLength(1)
    expect(svg).toContain('>4</text>')
    expect(svg).toContain('>–</text>')
    expect(svg).toContain('<desc id="x-desc">2026-Q3: 4; 2026-Q4: geen gegevens</desc>')
  })

  it.each([
    ['2026-12-07T09:00:00+01:00', '2026-01-01', '2026-12-07'],
    ['2026-03-31T23:30:00+02:00', '2025-04-01', '2026-03-31'],
    ['2026-04-01T00:30:00+02:00', '2025-07-01', '2026-04-01'],
  ])('defaults at %s to %s … %s (this quarter and the three before)', (now, from, to) => {
    expect(defaultMonitoringQuery(new Date(now))).toMatchObject({ from, to })
  })
})
