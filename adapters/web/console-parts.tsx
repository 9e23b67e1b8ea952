/** @jsxImportSource hono/jsx */
import { label, t } from '../../src/domain/copy'
import type { Lang } from '../../src/domain/enums'

/** Shared bits of the web console's pages (adapters/web/cases-page.tsx, case-page.tsx). */

/** A console text (`web.console.*`). */
export const ct = (lang: Lang, key: string, params?: Record<string, string | number>) =>
  t(lang, `web.console.${key}`, params)

/** A console text with its first letter upper case (a label; the same text sits inside sentences). */
export const label1 = (lang: Lang, key: string) => {
  const text = ct(lang, key)
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** A lifecycle status in words. */
export function statusText(lang: Lang, status: string): string {
  return t(lang, `lifecycle.statuses.${status}`)
}

/** An enum value in words (intervention, municipality, urgency…). */
export function enumText(lang: Lang, name: Parameters<typeof label>[1], value: string): string {
  return label(lang, name, value)
}

const formats = new Map<string, Intl.DateTimeFormat>()

function format(lang: Lang, withTime: boolean): Intl.DateTimeFormat {
  const key = `${lang}:${withTime}`
  let f = formats.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
      dateStyle: withTime ? 'long' : 'medium',
      ...(withTime ? { timeStyle: 'short' } : {}),
      timeZone: 'Europe/Amsterdam',
    })
    formats.set(key, f)
  }
  return f
}

/** A moment in Amsterdam time: `3 december 2026 om 14:30` (date only with `withTime: false`). */
export function when(lang: Lang, iso: string | null, withTime = true): string {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : format(lang, withTime).format(d)
}

/** The status as a badge (text, never colour alone). */
export function StatusBadge({ lang, status }: { lang: Lang; status: string }) {
  return <span class={`badge status-${status}`}>{statusText(lang, status)}</span>
}
