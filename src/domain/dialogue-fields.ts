import { z } from 'zod'
import { both, label, t } from './copy'
import type { FieldError } from './dialogue-types'
import { ENUMS, type Lang } from './enums'
import { isInitial } from './intake'
import { intakeSchemaAt } from './rules'
import type { ItemField, ScriptField, ScriptStep } from './script'

/**
 * Field-level parsing for the intake dialogue: raw form/card input (strings as typed) → typed intake
 * values, with a bilingual message that names the field's label; and the way back (typed value → form
 * value, review text). Pure; kept apart from the state machine in dialogue.ts.
 */

/** A raw form value: what a surface posts. */
export type RawValue = string | string[]

/** Raw values of one step, by field name ('child.birthYear', 'help.history[0].what'). */
export type RawValues = Record<string, RawValue>

type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; key: string; params?: Record<string, string | number> }

const MAX_ROW_INDEX = 999
const ROW_KEY = /^(.+)\[(\d{1,3})\]\.(\w+)$/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const NL_DATE = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/
const ISO_MONTH = /^(\d{4})-(\d{1,2})$/
const NL_MONTH = /^(\d{1,2})[-/.](\d{4})$/
const TRUE = new Set(['true', 'ja', 'yes', 'j', 'y', 'on', '1'])
const FALSE = new Set(['false', 'nee', 'no', 'n', 'off', '0'])
const EMAIL = z.email()
// A 9-digit number (optionally grouped) that passes the "elfproef" is very likely a BSN.
const BSN_CANDIDATE = /(?<![\d])\d(?:[ .-]?\d){8}(?![\d])/g

/** Row key of a list field: `help.history[0].what`. */
export function rowKey(listPath: string, index: number, item: string): string {
  return `${listPath}[${index}].${item}`
}

/** Turns one raw value from any surface into a string or string[]; `undefined` when absent or unusable. */
function normalize(value: unknown): RawValue | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) {
    const out = value.filter((v) => typeof v === 'string' || typeof v === 'number').map(String)
    return out
  }
  return undefined
}

/**
 * How much of one typed text a draft keeps: well above the longest field (5,000), so text that is too long is
 * refused with a message and shown back whole, never silently cut (issue 13 §7).
 */
export const RAW_TEXT_CAP = 20_000

/**
 * Keeps only the values that belong to the step's fields (list rows as `path[i].item`; a list may also
 * come as an array of row objects) and caps every text, so a draft never stores an arbitrary payload.
 */
export function rawValuesFor(step: ScriptStep, values: Record<string, unknown>, cap: number): RawValues {
  const out: RawValues = {}
  const lists = new Map(step.fields.filter((f) => f.kind === 'list').map((f) => [f.path, f]))
  const scalars = new Set(step.fields.filter((f) => f.kind !== 'list').map((f) => f.path))
  const put = (key: string, value: unknown) => {
    const raw = normalize(value)
    if (raw === undefined) return
    out[key] = typeof raw === 'string' ? raw.slice(0, cap) : raw.slice(0, 50).map((v) => v.slice(0, cap))
  }
  for (const [key, value] of Object.entries(values)) {
    if (scalars.has(key)) {
      put(key, value)
      continue
    }
    const list = lists.get(key)
    if (list && Array.isArray(value)) {
      value.slice(0, MAX_ROW_INDEX).forEach((row, i) => {
        if (row === null || typeof row !== 'object') return
        for (const item of list.items ?? [])
          put(rowKey(key, i, item.path), (row as Record<string, unknown>)[item.path])
      })
      continue
    }
    const match = ROW_KEY.exec(key)
    if (match && lists.get(match[1]!)?.items?.some((i) => i.path === match[3])) put(key, value)
  }
  return out
}

/** The number of rows a list field has in raw values (highest index + 1). */
export function rowCount(raw: RawValues, listPath: string): number {
  let n = 0
  const prefix = `${listPath}[`
  for (const key of Object.keys(raw)) {
    if (!key.startsWith(prefix)) continue
    const match = ROW_KEY.exec(key)
    if (match && match[1] === listPath) n = Math.max(n, Number(match[2]) + 1)
  }
  return n
}

/** Raw values with row `index` of a list removed and the rows after it moved up. */
export function withoutRow(raw: RawValues, listPath: string, index: number): RawValues {
  const out: RawValues = {}
  for (const [key, value] of Object.entries(raw)) {
    const match = ROW_KEY.exec(key)
    if (!match || match[1] !== listPath) out[key] = value
    else {
      const i = Number(match[2])
      if (i < index) out[key] = value
      else if (i > index) out[rowKey(listPath, i - 1, match[3]!)] = value
    }
  }
  return out
}

function isEmpty(raw: RawValue | undefined): boolean {
  return raw === undefined || (typeof raw === 'string' ? raw.trim() === '' : raw.length === 0)
}

function first(raw: RawValue): string {
  return (typeof raw === 'string' ? raw : (raw[0] ?? '')).trim()
}

function validDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

const pad = (n: number) => String(n).padStart(2, '0')

function elfproef(digits: string): boolean {
  if (/^0+$/.test(digits)) return false
  let sum = 0
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i)
  return (sum - Number(digits[8])) % 11 === 0
}

function looksLikeBsn(text: string): boolean {
  for (const m of text.matchAll(BSN_CANDIDATE)) if (elfproef(m[0].replace(/\D/g, ''))) return true
  return false
}

/** Default value of a field, resolving `{ "$copy": key }` in the draft's language. */
export function defaultOf(field: ItemField, lang: Lang): unknown {
  const value = field.default
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && '$copy' in value)
    return t(lang, value.$copy)
  return value === undefined ? null : value
}

/**
 * Parses one raw value by the field's kind. `today` is the local date (YYYY-MM-DD) for "not in the
 * future" checks. Empty optional fields take their default.
 */
export function parseValue(
  field: ItemField,
  raw: RawValue | undefined,
  required: boolean,
  today: string,
): Outcome {
  if (isEmpty(raw)) {
    if (required) return { ok: false, key: field.kind === 'boolean' ? 'boolean' : 'required' }
    const fallback = field.default
    const plain =
      fallback !== null && typeof fallback === 'object' && !Array.isArray(fallback) ? null : fallback
    return { ok: true, value: field.kind === 'checkboxes' ? [] : (plain ?? null) }
  }
  const value = raw as RawValue
  switch (field.kind) {
    case 'boolean': {
      const text = first(value).toLowerCase()
      if (TRUE.has(text)) return { ok: true, value: true }
      if (FALSE.has(text)) return { ok: true, value: false }
      return { ok: false, key: 'boolean' }
    }
    case 'select':
    case 'radio': {
      const text = first(value)
      const options = field.options ?? (ENUMS[field.enum!] as readonly string[])
      if (options.includes(text)) return { ok: true, value: text }
      // A municipality of another region (a region pack's own list): say so, not just "choose an option".
      if (field.options && field.enum === 'municipality' && ENUMS.municipality.some((m) => m === text))
        return { ok: false, key: 'municipalityElsewhere', params: { municipality: text } }
      return { ok: false, key: 'choice' }
    }
    case 'checkboxes': {
      const options = field.options ?? (ENUMS[field.enum!] as readonly string[])
      const chosen = (typeof value === 'string' ? [value] : value)
        .map((v) => v.trim())
        .filter((v) => v !== '')
      if (chosen.some((v) => !options.includes(v))) return { ok: false, key: 'choice' }
      return { ok: true, value: [...new Set(chosen)] }
    }
    case 'year': {
      const text = first(value)
      if (!/^\d{4}$/.test(text)) return { ok: false, key: 'year' }
      const year = Number(text)
      const max = field.notFuture ? Number(today.slice(0, 4)) : (field.max ?? 9999)
      const min = field.min ?? 0
      if (year > max && field.notFuture) return { ok: false, key: 'yearFuture' }
      if (year < min || year > max) return { ok: false, key: 'yearRange', params: { min, max } }
      return { ok: true, value: year }
    }
    case 'integer': {
      const text = first(value)
      if (!/^\d{1,6}$/.test(text)) return { ok: false, key: 'integer' }
      const n = Number(text)
      const min = field.min ?? 0
      const max = field.max ?? 999999
      if (n < min || n > max) return { ok: false, key: 'integerRange', params: { min, max } }
      return { ok: true, value: n }
    }
    case 'date': {
      const text = first(value)
      const iso = ISO_DATE.exec(text)
      const nl = NL_DATE.exec(text)
      const [y, m, d] = iso
        ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
        : nl
          ? [Number(nl[3]), Number(nl[2]), Number(nl[1])]
          : [0, 0, 0]
      if (!validDate(y, m, d) || y < 1900) return { ok: false, key: 'date' }
      const date = `${y}-${pad(m)}-${pad(d)}`
      if (field.notFuture && date > today) return { ok: false, key: 'dateFuture' }
      return { ok: true, value: date }
    }
    case 'month': {
      const text = first(value)
      const iso = ISO_MONTH.exec(text)
      const nl = NL_MONTH.exec(text)
      const [y, m] = iso ? [Number(iso[1]), Number(iso[2])] : nl ? [Number(nl[2]), Number(nl[1])] : [0, 0]
      if (y < 1900 || m < 1 || m > 12) return { ok: false, key: 'month' }
      const month = `${y}-${pad(m)}`
      if (field.notFuture && month > today.slice(0, 7)) return { ok: false, key: 'monthFuture' }
      return { ok: true, value: month }
    }
    case 'email': {
      const text = first(value)
      if (field.maxLength && text.length > field.maxLength)
        return { ok: false, key: 'tooLong', params: { max: field.maxLength, count: text.length } }
      return EMAIL.safeParse(text).success ? { ok: true, value: text } : { ok: false, key: 'email' }
    }
    case 'tel': {
      const text = first(value)
      if (
        text.length > (field.maxLength ?? 40) ||
        !/^\+?[\d\s().-]+$/.test(text) ||
        text.replace(/\D/g, '').length < 6
      )
        return { ok: false, key: 'phone' }
      return { ok: true, value: text }
    }
    default: {
      // text, textarea
      const text = first(value)
      if (field.maxLength && text.length > field.maxLength)
        return { ok: false, key: 'tooLong', params: { max: field.maxLength, count: text.length } }
      if (looksLikeBsn(text)) return { ok: false, key: 'bsn' }
      if (field.format === 'initial' && !isInitial(text)) return { ok: false, key: 'initial' }
      return { ok: true, value: text }
    }
  }
}

/** The label of a field in one language; list rows read "Eerdere hulp, rij 2 – Aanbieder". */
export function fieldLabel(
  lang: Lang,
  field: ItemField,
  list?: { field: ScriptField; index: number },
): string {
  const own = t(lang, field.label)
  if (!list) return own
  return t(lang, 'dialogue.common.rowLabel', {
    list: t(lang, list.field.label),
    row: list.index + 1,
    field: own,
  })
}

/** A bilingual inline error that names the field by its label. */
export function fieldError(
  name: string,
  key: string,
  field: ItemField,
  params: Record<string, string | number> = {},
  list?: { field: ScriptField; index: number },
): FieldError {
  const copyKey = `dialogue.errors.${key}`
  return {
    field: name,
    nl: joinLabel(t('nl', copyKey, { ...params, field: fieldLabel('nl', field, list) })),
    en: joinLabel(t('en', copyKey, { ...params, field: fieldLabel('en', field, list) })),
  }
}

/**
 * A label that is a question ("Waarvoor is toestemming gegeven?") takes no colon after it: "…gegeven? Vul dit
 * in." rather than "…gegeven?: vul dit in.".
 */
export function joinLabel(message: string): string {
  return message.replace(
    /([?!.:])\s*:\s+(\p{L})/u,
    (_, mark: string, letter: string) => `${mark} ${letter.toUpperCase()}`,
  )
}

const schemaCache = new Map<string, z.ZodType | undefined>()

/** Backstop: a parsed value must also satisfy the intake schema at its path (the single source of truth). */
export function fitsIntake(path: string, value: unknown): boolean {
  let schema = schemaCache.get(path)
  if (!schemaCache.has(path)) {
    schema = intakeSchemaAt(path)
    schemaCache.set(path, schema)
  }
  return schema ? schema.safeParse(value).success : false
}

/** Today's date in the Netherlands (YYYY-MM-DD): "not in the future" must not flip at 00:00 UTC. */
const AMSTERDAM = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})
export function localToday(now: Date): string {
  return AMSTERDAM.format(now)
}

/** A typed value as a form shows it: strings, string[] for checkboxes, null when there is none. */
export function toFormValue(value: unknown): string | string[] | null {
  if (value === undefined || value === null) return null
  if (Array.isArray(value)) return value.map(String)
  return String(value)
}

/** A typed value as the review shows it, in one language. */
export function toDisplay(lang: Lang, field: ItemField, value: unknown): string {
  if (value === undefined || value === null || value === '') return t(lang, 'dialogue.common.empty')
  if (field.kind === 'boolean') return t(lang, value ? 'dialogue.common.yes' : 'dialogue.common.no')
  if (field.enum) {
    const values = Array.isArray(value) ? value : [value]
    if (values.length === 0) return t(lang, 'dialogue.common.none')
    return values.map((v) => label(lang, field.enum!, String(v))).join(', ')
  }
  if (lang === 'nl' && field.kind === 'date' && typeof value === 'string')
    return value.split('-').reverse().join('-')
  if (lang === 'nl' && field.kind === 'month' && typeof value === 'string')
    return value.split('-').reverse().join('-')
  return String(value)
}

/** Both languages of a dialogue copy key (for errors that are not about one field). */
export function dialogueBoth(key: string, params?: Record<string, string | number>) {
  return both(`dialogue.${key}`, params)
}
