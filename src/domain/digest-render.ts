import { label, t } from './copy'
import type { Digest, DigestChange } from './digest'
import type { Lang } from './enums'

/**
 * Pure renderers of the digest model for the web page: the CSV download and the SVG bar charts. Both
 * carry only what the model carries (reference and pseudonym identify a case; nothing else personal).
 */

/** CSV cells that a spreadsheet would run as a formula get a leading apostrophe (CSV injection). */
function csvCell(value: string | number | null, separator: string): string {
  let text = value === null ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /["\r\n]/.test(text) || text.includes(separator) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * The stalled list as CSV, headed in the reader's language. Dutch spreadsheets expect `;` between cells,
 * English ones `,`; the file starts with a UTF-8 byte-order mark and uses CRLF line ends (RFC 4180), so
 * Excel opens "Coördinator" and "Informatie gevraagd" as written.
 */
export function buildDigestCsv(digest: Digest, lang: Lang): string {
  const separator = lang === 'nl' ? ';' : ','
  const columns = [
    'reference',
    'pseudonym',
    'status',
    'rule',
    'workingDaysInStatus',
    'owner',
    'nextStep',
    'due',
    'intervention',
    'municipality',
  ] as const
  const rows: (string | number | null)[][] = [columns.map((c) => t(lang, `digest.columns.${c}`))]
  for (const s of digest.stalled) {
    rows.push([
      s.reference,
      s.pseudonym,
      t(lang, `lifecycle.statuses.${s.status}`),
      t(lang, `digest.rules.${s.rule}`),
      s.workingDaysInStatus,
      s.owner ?? t(lang, `digest.owners.${s.nextStep.owner}`),
      s.nextStep[lang],
      s.nextStep.due,
      s.intervention,
      s.municipality,
    ])
  }
  return `\uFEFF${rows.map((r) => r.map((v) => csvCell(v, separator)).join(separator)).join('\r\n')}\r\n`
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** Which breakdown a chart shows. */
export type ChartBreakdown = 'byIntervention' | 'byMunicipality'

/**
 * A horizontal bar chart of stalled cases per intervention or municipality: a bar for now, a thin mark
 * for a week ago, the numbers written out (a chart is never the only carrier of a number). Self-contained
 * SVG with a title and description for screen readers; it scales to the width of a phone.
 */
export function buildDigestChartSvg(change: DigestChange, breakdown: ChartBreakdown, lang: Lang): string {
  // Interventions by their full name, never the code alone (issue 15 §4), as in the chat charts.
  const entries = Object.entries(change[breakdown]).map(
    ([key, d]) => [breakdown === 'byIntervention' ? label(lang, 'intervention', key) : key, d] as const,
  )
  const title = `${t(lang, 'digest.headings.stalled')} — ${t(lang, `digest.headings.${breakdown}`)}`
  const max = Math.max(1, ...entries.map(([, d]) => Math.max(d.now, d.weekAgo)))
  // About 6.5 px per character at 12 px: the longest name fits beside its bar.
  const labelWidth = Math.max(130, Math.ceil(Math.max(...entries.map(([name]) => name.length)) * 6.5) + 12)
  const barMax = 220
  const rowHeight = 22
  const width = labelWidth + barMax + 90
  const legendHeight = 22
  const height = entries.length * rowHeight + 16 + legendHeight
  const now = t(lang, 'digest.columns.now')
  const weekAgo = t(lang, 'digest.columns.weekAgo')
  const rows = entries.map(([name, d], i) => {
    const y = 8 + legendHeight + i * rowHeight
    const bar = Math.round((d.now / max) * barMax)
    const mark = labelWidth + Math.round((d.weekAgo / max) * barMax)
    const sign = d.delta > 0 ? `+${d.delta}` : String(d.delta)
    return [
      `<g><title>${escapeXml(`${name}: ${now} ${d.now}, ${weekAgo} ${d.weekAgo}`)}</title>`,
      `<text x="${labelWidth - 6}" y="${y + 14}" text-anchor="end">${escapeXml(name)}</text>`,
      `<rect x="${labelWidth}" y="${y + 3}" width="${bar}" height="14" rx="2" fill="#1f6f8b"/>`,
      `<line x1="${mark}" x2="${mark}" y1="${y}" y2="${y + 20}" stroke="#d1495b" stroke-width="2"/>`,
      `<text x="${labelWidth + barMax + 8}" y="${y + 14}">${d.now} (${escapeXml(sign)})</text></g>`,
    ].join('')
  })
  const id = `digest-${breakdown}`
  const desc = entries.map(([name, d]) => `${name}: ${d.now} (${weekAgo}: ${d.weekAgo})`).join('; ')
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="${id}-title">${escapeXml(title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(desc)}</desc>`,
    `<g aria-hidden="true"><rect x="${labelWidth}" y="6" width="14" height="10" rx="2" fill="#1f6f8b"/>`,
    `<text x="${labelWidth + 20}" y="15">${escapeXml(now)}</text>`,
    `<line x1="${labelWidth + 90}" x2="${labelWidth + 90}" y1="4" y2="18" stroke="#d1495b" stroke-width="2"/>`,
    `<text x="${labelWidth + 98}" y="15">${escapeXml(weekAgo)}</text></g>`,
    ...rows,
    '</svg>',
  ].join('')
}
