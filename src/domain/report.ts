import { z } from 'zod'
import layoutJson from '../../templates/pdf-layout.json'
import { hasCopy, interventionName, label, t } from './copy'
import { INTERVENTIONS, type Lang } from './enums'
import { ageOf, type Intake, parseWith, type ValidationError } from './intake'
import { reasonGroups } from './routing'
import type { RoutingDecision } from './types'

/**
 * The intake report: what the RET chair prints and reads at the table (issue 3). Pure: it turns an
 * intake, its routing decision and the case's events into sections of labelled rows, tables,
 * paragraphs and highlighted items, every text already in the reader's language. The PDF adapter
 * (adapters/pdf) only lays this model out; which sections and fields appear, in which order, and the
 * page geometry live in templates/pdf-layout.json.
 *
 * Privacy: the child appears by pseudonym, age and municipality only — never a birth date or year,
 * never a BSN (the intake holds neither a BSN nor a birth date; the birth year becomes an age here).
 */

// ---------------------------------------------------------------------------------------------
// Layout template

/** Every field the layout may place, in the order a section lists them. */
export const REPORT_FIELDS = [
  'reference',
  'submittedAt',
  'urgency',
  'consultation',
  'primary',
  'alternatives',
  'reasons',
  'chairDecides',
  'gates',
  'missing',
  'referrer.name',
  'referrer.organisation',
  'referrer.role',
  'referrer.email',
  'referrer.phone',
  'child.pseudonym',
  'child.age',
  'child.municipality',
  'situation.living',
  'legal.framework',
  'legal.authority',
  'consent.required',
  'consent.child',
  'consent.parents',
  'consent.date',
  'consent.scope',
  'acuteDanger',
  'situation.problemDomains',
  'safety.signals',
  'safety.structural',
  'safety.veiligThuis',
  'safety.veiligThuisDate',
  'placement.needed',
  'placement.threatened',
  'placement.onWaitingList',
  'placement.movesLast12Months',
  'placement.rejectedByProviders',
  'placement.breakdown',
  'placement.closedCareRequested',
  'help.monthsWithoutProgress',
  'help.protocolsFailing',
  'help.professionalsDisagree',
  'help.noFittingOffer',
  'help.repeatedRequests',
  'help.missingExpertise',
  'help.caseDirector',
  'help.history',
  'help.parties',
  'school.type',
  'school.attendance',
  'school.weeksAbsent',
  'school.leerplichtInvolved',
  'analysis.present',
  'analysis.sharedWithFamily',
  'analysis.attachment',
  'question',
  'perspective',
  'attachments',
  'timeline',
] as const
export type ReportField = (typeof REPORT_FIELDS)[number]

/** Sections the layout may place; each has a title in `pdf.sections.<id>`. */
export const REPORT_SECTIONS = [
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
] as const
export type ReportSectionId = (typeof REPORT_SECTIONS)[number]

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, { message: 'validation.format' })
const points = z.number().min(0).max(2000)
const weights = <K extends string>(keys: readonly [K, ...K[]]) =>
  z.strictObject(
    Object.fromEntries(keys.map((k) => [k, z.number().positive().max(100)])) as Record<K, z.ZodNumber>,
  )

/** The layout template's shape (templates/pdf-layout.json). Sizes are PDF points (1/72 inch). */
export const PdfLayoutSchema = z.strictObject({
  page: z.strictObject({
    width: points,
    height: points,
    margin: z.strictObject({ top: points, right: points, bottom: points, left: points }),
  }),
  type: z.strictObject({
    title: z.number().min(4).max(48),
    section: z.number().min(4).max(36),
    body: z.number().min(4).max(24),
    label: z.number().min(4).max(24),
    table: z.number().min(4).max(24),
    small: z.number().min(4).max(24),
    lineHeight: z.number().min(1).max(3),
  }),
  colors: z.strictObject({
    text: colour,
    muted: colour,
    accent: colour,
    confidential: colour,
    rule: colour,
    tableHeader: colour,
    zebra: colour,
    highlight: colour,
    highlightBar: colour,
  }),
  /** The share of the content width the labels of labelled rows take. */
  labelColumn: z.number().min(0.1).max(0.7),
  sections: z
    .array(z.strictObject({ id: z.enum(REPORT_SECTIONS), fields: z.array(z.enum(REPORT_FIELDS)).min(1) }))
    .min(1),
  /** Relative column widths of each table. */
  tables: z.strictObject({
    history: weights(['what', 'provider', 'period', 'result', 'why']),
    parties: weights(['organisation', 'role']),
    attachments: weights(['name', 'type', 'size', 'uploaded']),
    timeline: weights(['at', 'what', 'status', 'detail']),
  }),
})
export type PdfLayout = z.infer<typeof PdfLayoutSchema>

/** Checks a layout template; a typo is a field-named error, not a section that silently disappears. */
export function parsePdfLayout(
  input: unknown,
): { ok: true; value: PdfLayout } | { ok: false; errors: ValidationError[] } {
  return parseWith(PdfLayoutSchema, input, 'layout')
}

/**
 * The committed layout (templates/pdf-layout.json).
 * Validated by tests/unit/templates.test.ts (its schema must accept it unchanged) rather than at every
 * isolate start, which the start-up budget cannot afford (DESIGN.md §5); a region's edit is caught by CI.
 */
export const DEFAULT_PDF_LAYOUT: PdfLayout = layoutJson as unknown as PdfLayout

// ---------------------------------------------------------------------------------------------
// Model

/** A labelled value; `highlight` marks what the chair must act on (a missing consent, acute danger…). */
export interface ReportRow {
  label: string
  value: string
  highlight: boolean
}

/** A table column: its header and its relative width. */
export interface ReportColumn {
  label: string
  width: number
}

/** One block of a section, laid out top to bottom. */
export type ReportBlock =
  | { kind: 'rows'; rows: ReportRow[] }
  | { kind: 'text'; label: string | null; text: string; muted: boolean }
  | { kind: 'list'; label: string; items: string[]; highlight: boolean }
  | { kind: 'table'; label: string | null; columns: ReportColumn[]; rows: string[][] }

/** A titled section of the report. */
export interface ReportSection {
  id: ReportSectionId
  title: string
  blocks: ReportBlock[]
}

/** Everything the renderer draws, already translated. */
export interface ReportModel {
  lang: Lang
  reference: string
  /** The download name: the case reference only (`RET-2026-0042.pdf`). */
  fileName: string
  layout: Omit<PdfLayout, 'sections' | 'tables'>
  /** Document metadata. No personal data: it shows in file browsers and mail previews. */
  meta: {
    title: string
    subject: string
    creator: string
    producer: string
    language: 'nl-NL' | 'en-GB'
    createdAt: Date
  }
  /** On every page. `pageTemplate` holds `{page}` and `{pages}`. */
  header: { confidential: string; reference: string }
  footer: { generated: string; pageTemplate: string }
  title: string
  subtitle: string
  notice: string
  /** Above a table continued on a new page; holds `{title}`. */
  continued: string
  sections: ReportSection[]
}

/** A timeline entry, structurally a `CaseEvent` from the lifecycle (who is left out: identity keys). */
export interface ReportEvent {
  type: string
  at: string
  to: string
  data?: Record<string, unknown>
}

/** An uploaded file of the case (e.g. the shared explanatory analysis). `name` is as uploaded. */
export interface ReportAttachment {
  name: string
  /** The sniffed content type (`application/pdf`, `image/png`, …). */
  contentType: string
  size: number
  uploadedAt: string
}

/** What `buildReport` needs. Time is a parameter: `generatedAt` also sets the age shown. */
export interface ReportInput {
  intake: Intake
  decision: RoutingDecision
  reference: string
  /** `null` for a concept that was never submitted (the command line). */
  submittedAt: Date | null
  events?: readonly ReportEvent[]
  attachments?: readonly ReportAttachment[]
  generatedAt: Date
  lang: Lang
}

/** The download file name: the case reference only, nothing personal (`RET-2026-0042.pdf`). */
export function pdfFileName(reference: string): string {
  const safe = reference.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '')
  return `${safe || 'RET'}.pdf`
}

// ---------------------------------------------------------------------------------------------
// Dates (Europe/Amsterdam, fixed formats so Node and workerd print the same)

const AMSTERDAM = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

interface LocalParts {
  year: number
  month: number
  day: number
  hour: string
  minute: string
}

function amsterdamParts(date: Date): LocalParts {
  const parts = Object.fromEntries(AMSTERDAM.formatToParts(date).map((p) => [p.type, p.value]))
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: parts.hour ?? '00',
    minute: parts.minute ?? '00',
  }
}

function formatDay(lang: Lang, year: number, month: number, day: number): string {
  return t(lang, 'pdf.dateFormat', { day, month: t(lang, `pdf.monthNames.m${month}`), year })
}

/** `23 november 2026` for a calendar date `2026-11-23` (no time zone: it is a date, not a moment). */
export function formatIsoDate(lang: Lang, iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  if (!m) return iso
  return formatDay(lang, Number(m[1]), Number(m[2]), Number(m[3]))
}

/** `jan 2025` for a month `2025-01`. */
function formatIsoMonth(lang: Lang, iso: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(iso)
  if (!m) return iso
  const text = t(lang, 'pdf.monthFormat', { month: t(lang, `pdf.monthShort.m${Number(m[2])}`), year: m[1]! })
  // No-break spaces: a period in a narrow table column wraps at the dash, not inside "jan 2025".
  return text.replace(/ /g, '\u00A0')
}

/** The date of a moment in Europe/Amsterdam: `23 november 2026`. */
export function formatLocalDate(lang: Lang, at: Date): string {
  const p = amsterdamParts(at)
  return formatDay(lang, p.year, p.month, p.day)
}

/** The time of a moment in Europe/Amsterdam: `19:35`. */
export function formatLocalTime(at: Date): string {
  const p = amsterdamParts(at)
  return `${p.hour}:${p.minute}`
}

function formatMoment(lang: Lang, at: Date): string {
  return t(lang, 'pdf.dateTimeFormat', { date: formatLocalDate(lang, at), time: formatLocalTime(at) })
}

function formatIsoMoment(lang: Lang, iso: string): string {
  const at = new Date(iso)
  return Number.isNaN(at.getTime()) ? iso : formatMoment(lang, at)
}

// ---------------------------------------------------------------------------------------------
// Builder

type Built =
  | ReportRow
  | Exclude<ReportBlock, { kind: 'rows' }>
  | Exclude<ReportBlock, { kind: 'rows' }>[]
  | null

interface Ctx {
  input: ReportInput
  lang: Lang
  intake: Intake
  decision: RoutingDecision
  layout: PdfLayout
  firedGates: Set<string>
}

function row(label: string, value: string, highlight = false): ReportRow {
  return { label, value, highlight }
}

function isRow(b: Built): b is ReportRow {
  return b !== null && !('kind' in b)
}

/** Which consent the child's age requires (DOMAIN.md §2 G3). */
function requiredConsent(lang: Lang, intake: Intake, age: number): string {
  const rule = age < 12 ? 'under12' : age < 16 ? 'from12' : 'from16'
  const text = t(lang, `pdf.consentRule.${rule}`)
  if (intake.legal.framework === 'vrijwillig') return text
  const basis = t(lang, 'pdf.consentRule.legalBasis', {
    framework: label(lang, 'legalFramework', intake.legal.framework),
  })
  return `${text}. ${basis}`
}

function missingLabel(lang: Lang, item: string): string {
  return hasCopy(lang, `pdf.missing.${item}`) ? t(lang, `pdf.missing.${item}`) : item
}

function sizeText(lang: Lang, bytes: number): string {
  const kb = bytes / 1024
  const [value, unit] = kb >= 1024 ? [kb / 1024, 'MB'] : [Math.max(kb, 0.1), 'kB']
  const text = value.toFixed(value >= 10 ? 0 : 1)
  return `${lang === 'nl' ? text.replace('.', ',') : text} ${unit}`
}

function fileKind(contentType: string): string {
  if (contentType === 'application/pdf') return 'pdf'
  if (contentType.includes('wordprocessingml')) return 'docx'
  if (contentType.startsWith('image/')) return 'image'
  return 'other'
}

const EVENT_DETAIL_KEYS = ['reason', 'question', 'items', 'answer', 'advice', 'note', 'alternative'] as const

function eventDetail(lang: Lang, event: ReportEvent): string {
  const data = event.data ?? {}
  const parts: string[] = []
  const intervention = data.intervention
  if (typeof intervention === 'string' && (INTERVENTIONS as readonly string[]).includes(intervention)) {
    parts.push(interventionName(lang, intervention))
  }
  if (typeof data.at === 'string') parts.push(formatIsoMoment(lang, data.at))
  for (const key of EVENT_DETAIL_KEYS) {
    const value = data[key]
    if (typeof value === 'string' && value.trim()) parts.push(value.trim())
    else if (Array.isArray(value)) {
      const items = value.filter((v): v is string => typeof v === 'string').map((v) => missingLabel(lang, v))
      if (items.length) parts.push(items.join(', '))
    }
  }
  return parts.join(' — ')
}

function copyOr(lang: Lang, key: string, fallback: string): string {
  return hasCopy(lang, key) ? t(lang, key) : fallback
}

function buildField(field: ReportField, ctx: Ctx): Built {
  const { lang, intake, decision, input, layout } = ctx
  const f = (key: string) => t(lang, `pdf.fields.${key}`)
  const yesNo = (value: boolean) => t(lang, value ? 'pdf.yes' : 'pdf.no')
  const list = (values: readonly string[]) => (values.length ? values.join(', ') : t(lang, 'pdf.none'))
  const orNotGiven = (value: string | null) => (value?.trim() ? value : t(lang, 'pdf.notGiven'))
  const age = ageOf(intake.child.birthYear, input.generatedAt)
  const { safety, placement } = intake.situation
  const { help, school, analysis, legal, referrer } = intake
  const columns = <K extends string>(table: Record<K, number>, labels: Record<K, string>): ReportColumn[] =>
    (Object.keys(labels) as K[]).map((k) => ({ label: f(labels[k]), width: table[k] }))

  switch (field) {
    case 'reference':
      return row(f('reference'), input.reference)
    case 'submittedAt':
      return row(
        f('submittedAt'),
        input.submittedAt ? formatMoment(lang, input.submittedAt) : t(lang, 'pdf.concept'),
      )
    case 'urgency':
      return row(f('urgency'), label(lang, 'urgency', intake.urgency), intake.urgency !== 'regulier')
    case 'consultation':
      return row(
        f('consultation'),
        f(intake.consultationOnly ? 'consultationOnly' : 'regular'),
        intake.consultationOnly,
      )
    case 'primary':
      return row(f('primary'), interventionName(lang, decision.primary))
    case 'alternatives':
      return row(f('alternatives'), list(decision.alternatives.map((a) => interventionName(lang, a))))
    case 'reasons':
      if (!decision.reasons.length)
        return { kind: 'text', label: f('reasons'), text: f('noReasons'), muted: true }
      // Each reason under the intervention it scored for (an override, weight 0, decides outright).
      return reasonGroups(decision).map((g) => ({
        kind: 'list' as const,
        label: t(lang, 'pdf.fields.reasonsFor', {
          intervention: interventionName(lang, g.intervention),
          score: g.score,
        }),
        highlight: false,
        items: g.reasons.map((r) =>
          r.weight === 0
            ? r[lang]
            : t(lang, 'pdf.reasonWeight', {
                weight: r.weight > 0 ? `+${r.weight}` : r.weight,
                text: r[lang],
              }),
        ),
      }))
    case 'chairDecides':
      return { kind: 'text', label: null, text: f('chairDecides'), muted: true }
    case 'gates':
      if (!decision.gates.length) return { kind: 'text', label: f('gates'), text: f('noGates'), muted: true }
      return {
        kind: 'list',
        label: f('gates'),
        highlight: true,
        items: decision.gates.map((g) =>
          t(lang, 'pdf.gate', { gate: `${g.gate} ${label(lang, 'gate', g.gate)}`, text: g[lang] }),
        ),
      }
    case 'missing':
      if (!decision.missing.length)
        return { kind: 'text', label: f('missing'), text: f('noMissing'), muted: true }
      return {
        kind: 'list',
        label: f('missing'),
        highlight: true,
        items: decision.missing.map((m) => missingLabel(lang, m)),
      }
    case 'referrer.name':
      return row(f('referrerName'), referrer.name)
    case 'referrer.organisation':
      return row(f('referrerOrganisation'), referrer.organisation)
    case 'referrer.role':
      return row(f('referrerRole'), label(lang, 'referrerRole', referrer.role), referrer.role === 'huisarts')
    case 'referrer.email':
      return row(f('referrerEmail'), referrer.email)
    case 'referrer.phone':
      return row(f('referrerPhone'), orNotGiven(referrer.phone))
    case 'child.pseudonym':
      return row(f('pseudonym'), intake.child.pseudonym ?? t(lang, 'pdf.anonymous'))
    case 'child.age':
      return row(f('age'), t(lang, 'pdf.age', { age }))
    case 'child.municipality':
      return row(f('municipality'), label(lang, 'municipality', intake.child.municipality))
    case 'situation.living':
      return row(f('living'), label(lang, 'living', intake.situation.living))
    case 'legal.framework':
      return row(f('framework'), label(lang, 'legalFramework', legal.framework))
    case 'legal.authority':
      return row(f('authority'), label(lang, 'authority', legal.authority))
    case 'consent.required':
      return row(f('consentRequired'), requiredConsent(lang, intake, age), ctx.firedGates.has('G3'))
    case 'consent.child':
      return row(
        f('consentChild'),
        yesNo(legal.consent.child),
        ctx.firedGates.has('G3') && !legal.consent.child,
      )
    case 'consent.parents':
      return row(
        f('consentParents'),
        yesNo(legal.consent.parents),
        ctx.firedGates.has('G3') && !legal.consent.parents,
      )
    case 'consent.date':
      return row(
        f('consentDate'),
        legal.consent.date ? formatIsoDate(lang, legal.consent.date) : t(lang, 'pdf.notGiven'),
      )
    case 'consent.scope':
      return row(f('consentScope'), orNotGiven(legal.consent.scope))
    case 'acuteDanger':
      return row(f('acuteDanger'), yesNo(intake.acuteDanger), intake.acuteDanger)
    case 'situation.problemDomains':
      return row(
        f('problemDomains'),
        list(intake.situation.problemDomains.map((d) => label(lang, 'problemDomain', d))),
      )
    case 'safety.signals':
      return row(
        f('safetySignals'),
        list(safety.signals.map((s) => label(lang, 'safetySignal', s))),
        safety.signals.length > 0,
      )
    case 'safety.structural':
      return row(
        f('safetyStructural'),
        yesNo(safety.structural),
        safety.signals.length > 0 && safety.structural,
      )
    case 'safety.veiligThuis':
      return row(f('veiligThuis'), label(lang, 'veiligThuis', safety.veiligThuis), ctx.firedGates.has('G2'))
    case 'safety.veiligThuisDate':
      return row(
        f('veiligThuisDate'),
        safety.veiligThuisDate ? formatIsoDate(lang, safety.veiligThuisDate) : t(lang, 'pdf.notGiven'),
      )
    case 'placement.needed':
      return row(f('placementNeeded'), yesNo(placement.needed))
    case 'placement.threatened':
      return row(f('placementThreatened'), yesNo(placement.threatened))
    case 'placement.onWaitingList':
      return row(f('placementWaiting'), yesNo(placement.onWaitingList))
    case 'placement.movesLast12Months':
      return row(f('placementMoves'), numberOrNotGiven(lang, placement.movesLast12Months))
    case 'placement.rejectedByProviders':
      return row(f('placementRejected'), numberOrNotGiven(lang, placement.rejectedByProviders))
    case 'placement.breakdown':
      return row(f('placementBreakdown'), yesNo(placement.breakdown))
    case 'placement.closedCareRequested':
      return row(f('closedCare'), yesNo(placement.closedCareRequested), placement.closedCareRequested)
    case 'help.monthsWithoutProgress':
      return row(f('monthsWithoutProgress'), t(lang, 'pdf.months', { months: help.monthsWithoutProgress }))
    case 'help.protocolsFailing':
      return row(f('protocolsFailing'), yesNo(help.protocolsFailing))
    case 'help.professionalsDisagree':
      return row(f('professionalsDisagree'), yesNo(help.professionalsDisagree))
    case 'help.noFittingOffer':
      return row(f('noFittingOffer'), yesNo(help.noFittingOffer))
    case 'help.repeatedRequests':
      return row(f('repeatedRequests'), yesNo(help.repeatedRequests))
    case 'help.missingExpertise':
      return row(
        f('missingExpertise'),
        help.missingExpertise ? label(lang, 'missingExpertise', help.missingExpertise) : t(lang, 'pdf.none'),
      )
    case 'help.caseDirector':
      return row(f('caseDirector'), yesNo(help.caseDirector))
    case 'help.history':
      if (!help.history.length)
        return { kind: 'text', label: f('history'), text: f('noHistory'), muted: true }
      return {
        kind: 'table',
        label: f('history'),
        columns: columns(layout.tables.history, {
          what: 'historyWhat',
          provider: 'historyProvider',
          period: 'historyPeriod',
          result: 'historyResult',
          why: 'historyWhy',
        }),
        rows: help.history.map((h) => [
          h.what,
          h.provider,
          `${formatIsoMonth(lang, h.from)} – ${h.to ? formatIsoMonth(lang, h.to) : t(lang, 'pdf.ongoing')}`,
          label(lang, 'historyResult', h.result),
          h.why ?? '',
        ]),
      }
    case 'help.parties':
      if (!help.parties.length) return { kind: 'text', label: null, text: f('noParties'), muted: true }
      return {
        kind: 'table',
        label: null,
        columns: columns(layout.tables.parties, { organisation: 'partyOrganisation', role: 'partyRole' }),
        rows: help.parties.map((p) => [p.organisation, p.role]),
      }
    case 'school.type':
      return row(f('schoolType'), label(lang, 'schoolType', school.type))
    case 'school.attendance':
      return row(
        f('attendance'),
        label(lang, 'attendance', school.attendance),
        school.attendance === 'verzuim' || school.attendance === 'thuiszitter',
      )
    case 'school.weeksAbsent':
      return row(f('weeksAbsent'), t(lang, 'pdf.weeks', { weeks: school.weeksAbsent }))
    case 'school.leerplichtInvolved':
      return row(f('leerplicht'), yesNo(school.leerplichtInvolved))
    case 'analysis.present':
      return row(f('analysisPresent'), yesNo(analysis.present), decision.missing.includes('analysis'))
    case 'analysis.sharedWithFamily':
      return row(f('analysisShared'), yesNo(analysis.sharedWithFamily))
    case 'analysis.attachment': {
      const names = (input.attachments ?? []).map((a) => a.name)
      return row(f('analysisAttachment'), names.length ? names.join(', ') : f('notAttached'))
    }
    case 'question':
      return { kind: 'text', label: null, text: intake.question, muted: false }
    case 'perspective':
      return { kind: 'text', label: null, text: intake.perspective, muted: false }
    case 'attachments': {
      const files = input.attachments ?? []
      // Without files the analysis section already says "not attached"; no empty section at the end.
      if (!files.length) return null
      return {
        kind: 'table',
        label: null,
        columns: columns(layout.tables.attachments, {
          name: 'attachmentName',
          type: 'attachmentType',
          size: 'attachmentSize',
          uploaded: 'attachmentUploaded',
        }),
        rows: files.map((a) => [
          a.name,
          t(lang, `pdf.fileTypes.${fileKind(a.contentType)}`),
          sizeText(lang, a.size),
          formatIsoMoment(lang, a.uploadedAt),
        ]),
      }
    }
    case 'timeline': {
      const events = input.events ?? []
      // Only a re-generated PDF has a history worth showing; the first one would repeat "submitted".
      if (!events.length) return null
      return {
        kind: 'table',
        label: null,
        columns: columns(layout.tables.timeline, {
          at: 'eventAt',
          what: 'eventWhat',
          status: 'eventStatus',
          detail: 'eventDetail',
        }),
        rows: [...events]
          .sort((a, b) => a.at.localeCompare(b.at))
          .map((e) => [
            formatIsoMoment(lang, e.at),
            copyOr(lang, `lifecycle.commands.${e.type}`, e.type),
            copyOr(lang, `lifecycle.statuses.${e.to}`, e.to),
            eventDetail(lang, e),
          ]),
      }
    }
  }
}

/**
 * Builds the report model of one case in one language. Pure and deterministic: the same input gives
 * the same model, so a re-generated PDF differs only where the case (or `generatedAt`) changed.
 */
export function buildReport(input: ReportInput, layout: PdfLayout = DEFAULT_PDF_LAYOUT): ReportModel {
  const { lang, intake, decision } = input
  const ctx: Ctx = {
    input,
    lang,
    intake,
    decision,
    layout,
    firedGates: new Set(decision.gates.map((g) => g.gate)),
  }

  const sections: ReportSection[] = []
  for (const spec of layout.sections) {
    const blocks: ReportBlock[] = []
    for (const field of spec.fields) {
      const built = buildField(field, ctx)
      if (built === null) continue
      if (Array.isArray(built)) blocks.push(...built)
      else if (isRow(built)) {
        const last = blocks[blocks.length - 1]
        if (last?.kind === 'rows') last.rows.push(built)
        else blocks.push({ kind: 'rows', rows: [built] })
      } else blocks.push(built)
    }
    if (blocks.length) sections.push({ id: spec.id, title: t(lang, `pdf.sections.${spec.id}`), blocks })
  }

  const generatedAt = input.generatedAt
  const subtitle = [
    input.reference,
    input.submittedAt ? formatLocalDate(lang, input.submittedAt) : t(lang, 'pdf.concept'),
    `${t(lang, 'pdf.fields.urgency')}: ${label(lang, 'urgency', intake.urgency)}`,
  ].join('  ·  ')

  return {
    lang,
    reference: input.reference,
    fileName: pdfFileName(input.reference),
    layout: { page: layout.page, type: layout.type, colors: layout.colors, labelColumn: layout.labelColumn },
    meta: {
      title: t(lang, 'pdf.metaTitle', { reference: input.reference }),
      subject: t(lang, 'pdf.subject'),
      creator: t(lang, 'pdf.creator'),
      producer: 'ret-intake (pdf-lib)',
      language: lang === 'nl' ? 'nl-NL' : 'en-GB',
      createdAt: generatedAt,
    },
    header: { confidential: t(lang, 'pdf.confidential'), reference: input.reference },
    footer: {
      generated: t(lang, 'pdf.generated', {
        date: formatLocalDate(lang, generatedAt),
        time: formatLocalTime(generatedAt),
      }),
      pageTemplate: t(lang, 'pdf.page'),
    },
    title: t(lang, 'pdf.title'),
    subtitle,
    notice: t(lang, 'pdf.notice'),
    continued: t(lang, 'pdf.continued'),
    sections,
  }
}

/** An optional number: unanswered reads "Niet ingevuld" / "Not given", never 0 (issue 13 §6). */
function numberOrNotGiven(lang: Lang, value: number | null): string {
  return value === null ? t(lang, 'pdf.notGiven') : String(value)
}
