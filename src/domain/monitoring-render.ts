import { label, t } from './copy'
import type { LeadTimeStats } from './digest'
import type { Intervention, Lang, Municipality } from './enums'
import {
  AGE_BUCKETS,
  DECLINE_DESTINATIONS,
  type Monitoring,
  type MonitoringShares,
  maskSmall,
  SMALL_COUNT,
  STAGES,
  WAITING_STATUSES,
  YES_PARTLY_NO,
} from './monitoring'

/**
 * Pure renderers of the monitoring model: the export rows (CSV and JSON) and the quarterly SVG charts.
 * Aggregates only: no reference, pseudonym or owner is in the model, so none can be in an export.
 * In exports every count under 5 reads "<5", and a median or p90 over fewer than 5 cases is left out
 * ("<5"), since one case's own lead time would show through it.
 */

/** One exported number: section, group (e.g. a quarter or a municipality), measure, value. */
export interface ExportRow {
  section: string
  group: string
  measure: string
  value: string
}

function stageRows(section: string, group: string, stats: Record<string, LeadTimeStats>): ExportRow[] {
  return STAGES.flatMap((stage) => {
    const s = stats[stage] as LeadTimeStats
    const small = s.n < SMALL_COUNT
    return [
      { section, group, measure: `${stage}.n`, value: maskSmall(s.n) },
      { section, group, measure: `${stage}.median`, value: small ? '<5' : String(s.median) },
      { section, group, measure: `${stage}.p90`, value: small ? '<5' : String(s.p90) },
    ]
  })
}

function shareRows(section: string, group: string, shares: MonitoringShares): ExportRow[] {
  const out: ExportRow[] = []
  for (const key of ['analysisPresent', 'urgent', 'consultation', 'gpRedirected', 'declined'] as const) {
    const s = shares[key]
    out.push(
      { section, group, measure: `${key}.count`, value: maskSmall(s.count) },
      { section, group, measure: `${key}.of`, value: maskSmall(s.of) },
    )
  }
  for (const d of DECLINE_DESTINATIONS) {
    out.push({ section, group, measure: `declinedTo.${d}`, value: maskSmall(shares.declinedTo[d]) })
  }
  return out
}

/**
 * The model as export rows, language-neutral measure names (`submissionToCare.median`), small counts
 * masked. The same rows feed the CSV and the JSON download.
 */
export function buildMonitoringExport(m: Monitoring): ExportRow[] {
  const rows: ExportRow[] = [
    { section: 'period', group: 'all', measure: 'submitted', value: maskSmall(m.submitted) },
  ]
  rows.push(...stageRows('leadTimes', 'all', m.leadTimes.overall))
  // The model's own interventions and municipalities (the region pack's), in its order.
  for (const i of Object.keys(m.leadTimes.byIntervention) as Intervention[])
    rows.push(...stageRows('leadTimes.intervention', i, m.leadTimes.byIntervention[i]))
  for (const mu of Object.keys(m.leadTimes.byMunicipality) as Municipality[])
    rows.push(...stageRows('leadTimes.municipality', mu, m.leadTimes.byMunicipality[mu]))
  for (const q of m.quarters) {
    rows.push({ section: 'quarter', group: q.quarter, measure: 'submitted', value: maskSmall(q.submitted) })
    rows.push(...stageRows('quarter', q.quarter, q.leadTimes))
  }
  rows.push({ section: 'waiting', group: 'all', measure: 'total', value: maskSmall(m.waiting.total) })
  for (const s of WAITING_STATUSES) {
    rows.push({ section: 'waiting', group: 'status', measure: s, value: maskSmall(m.waiting.byStatus[s]) })
  }
  for (const b of AGE_BUCKETS) {
    rows.push({
      section: 'waiting',
      group: 'ageWorkingDays',
      measure: b,
      value: maskSmall(m.waiting.byAge[b]),
    })
  }
  rows.push(...shareRows('shares', 'all', m.shares))
  const o = m.outcomes
  const outcome = (measure: string, n: number) =>
    rows.push({ section: 'outcomes', group: 'all', measure, value: maskSmall(n) })
  outcome('advised', o.advised)
  outcome('answered', o.answered)
  for (const a of YES_PARTLY_NO) outcome(`adviceFollowed.${a}`, o.adviceFollowed[a])
  outcome('careStarted', o.careStarted)
  for (const a of YES_PARTLY_NO) outcome(`goalsReached.${a}`, o.goalsReached[a])
  outcome('stoppedEarly', o.stoppedEarly)
  for (const k of ['1', '2', '3', '4', '5'] as const) outcome(`usefulness.${k}`, o.usefulness.counts[k])
  rows.push({
    section: 'outcomes',
    group: 'all',
    measure: 'usefulness.mean',
    value: o.answered < SMALL_COUNT || o.usefulness.mean === null ? '<5' : String(o.usefulness.mean),
  })
  return rows
}

/** CSV cells that a spreadsheet would run as a formula get a leading apostrophe (CSV injection). */
function csvCell(value: string, separator: string): string {
  let text = value
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /["\r\n]/.test(text) || text.includes(separator) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * The export as CSV: a header in the reader's language, then one row per number. Dutch uses `;`, English
 * `,`; UTF-8 byte-order mark and CRLF, as the digest CSV.
 */
export function buildMonitoringCsv(m: Monitoring, lang: Lang): string {
  const separator = lang === 'nl' ? ';' : ','
  const header = (['section', 'group', 'measure', 'value'] as const).map((c) =>
    t(lang, `monitoring.page.csvColumns.${c}`),
  )
  const lines = [header, ...buildMonitoringExport(m).map((r) => [r.section, r.group, r.measure, r.value])]
  return `\uFEFF${lines.map((l) => l.map((v) => csvCell(v, separator)).join(separator)).join('\r\n')}\r\n`
}

/** The export as JSON: period, filter and the same rows as the CSV. */
export function buildMonitoringJson(m: Monitoring): {
  generatedAt: string
  from: string
  to: string
  filter: Monitoring['filter']
  rows: ExportRow[]
} {
  return {
    generatedAt: m.generatedAt,
    from: m.from,
    to: m.to,
    filter: m.filter,
    rows: buildMonitoringExport(m),
  }
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** One bar of a quarterly chart: a quarter and its value (null: no data, drawn as a dash). */
export interface TrendPoint {
  label: string
  value: number | null
}

/**
 * A vertical bar chart, one bar per quarter, the value written above each bar (a chart is never the only
 * carrier of a number; the page puts a table beside it). Self-contained SVG with a title and a
 * description for screen readers.
 */
export function buildTrendSvg(
  id: string,
  title: string,
  points: readonly TrendPoint[],
  noData: string,
): string {
  const barWidth = 44
  const gap = 18
  const chartHeight = 140
  const top = 20
  const bottom = 34
  const width = Math.max(200, points.length * (barWidth + gap) + gap)
  const height = top + chartHeight + bottom
  const max = Math.max(1, ...points.map((p) => p.value ?? 0))
  const bars = points.map((p, i) => {
    const x = gap + i * (barWidth + gap)
    const h = p.value === null ? 0 : Math.round((p.value / max) * chartHeight)
    const y = top + chartHeight - h
    const text = p.value === null ? '–' : String(p.value)
    return [
      `<g><title>${escapeXml(`${p.label}: ${p.value === null ? noData : text}`)}</title>`,
      h > 0 ? `<rect x="${x}" y="${y}" width="${barWidth}" height="${h}" rx="2" fill="#1f6f8b"/>` : '',
      `<text x="${x + barWidth / 2}" y="${y - 4}" text-anchor="middle">${escapeXml(text)}</text>`,
      `<text x="${x + barWidth / 2}" y="${top + chartHeight + 16}" text-anchor="middle" class="q">${escapeXml(p.label)}</text></g>`,
    ].join('')
  })
  const desc = points.map((p) => `${p.label}: ${p.value === null ? noData : p.value}`).join('; ')
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="${id}-title">${escapeXml(title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(desc)}</desc>`,
    `<line x1="${gap / 2}" x2="${width - gap / 2}" y1="${top + chartHeight}" y2="${top + chartHeight}" stroke="#505a5f"/>`,
    ...bars,
    '</svg>',
  ].join('')
}

/** The label of a quarter row: `2026-Q4`, or `2026-Q4 (deel)` when the period cuts it. */
export function quarterLabel(lang: Lang, quarter: string, partial: boolean): string {
  return partial ? t(lang, 'monitoring.page.partial', { quarter }) : quarter
}

/** An intervention's full name for tables and charts. */
export function interventionLabel(lang: Lang, code: string): string {
  return label(lang, 'intervention', code)
}
