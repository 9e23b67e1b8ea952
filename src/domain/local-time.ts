import type { Lang } from './enums'

/** Where the product shows times: the Netherlands. */
const TIME_ZONE = 'Europe/Amsterdam'

/** A time (ISO) as the reader expects it, in Amsterdam time; the input itself when it is not a time. */
export function formatLocalTime(iso: string, lang: Lang, withTime = true): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'nl-NL', {
    timeZone: TIME_ZONE,
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
  }).format(date)
}
