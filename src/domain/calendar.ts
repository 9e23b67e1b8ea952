import holidaysJson from '../../templates/holidays-nl.json'

/**
 * The working-day calendar of DOMAIN.md §6: dates in Europe/Amsterdam, weekends and Dutch public holidays
 * skipped. Holidays come from the maintained `date-holidays` library (NL), filtered to the spec's list and
 * generated into templates/holidays-nl.json for 2000–2100 by scripts/build-holidays.ts, so the Worker does
 * not bundle the library (a test keeps file and library in step). Good Friday and Liberation Day are
 * options (off by default). Years outside the file have weekends only.
 *
 * Internally a date is a *day number*: whole days since 1970-01-01 on the Amsterdam wall calendar. Day
 * numbers make counting cheap (10,000 cases are scanned several times per digest), and every public
 * function also has an ISO-date (`YYYY-MM-DD`) form.
 */

/** A calendar date as `YYYY-MM-DD` (Amsterdam wall calendar). */
export type IsoDate = string

/** Whole days since 1970-01-01 on the Amsterdam wall calendar. */
export type DayNumber = number

/** Which optional holidays count as days off. */
export interface CalendarOptions {
  goodFriday: boolean
  liberationDay: boolean
}

/** The Dutch public holidays a working-day clock skips (DOMAIN.md §6), plus the two optional ones. */
export const HOLIDAY_KEYS = [
  'newYear',
  'goodFriday',
  'easterMonday',
  'kingsDay',
  'liberationDay',
  'ascension',
  'whitMonday',
  'christmas',
  'boxingDay',
] as const
export type HolidayKey = (typeof HOLIDAY_KEYS)[number]

/** One holiday of a year. */
export interface Holiday {
  key: HolidayKey
  date: IsoDate
}

/** A working-day calendar: holiday look-ups cached per year. Build with `buildCalendar`. */
export interface WorkingCalendar {
  readonly options: Readonly<CalendarOptions>
  /** The holidays of a year that this calendar skips, in date order. */
  holidays(year: number): readonly Holiday[]
  /** Whether a day is one of those holidays (weekday or not). */
  isHoliday(day: DayNumber): boolean
  /** The holidays of a year that fall on a weekday, as sorted day numbers. */
  weekdayHolidays(year: number): readonly DayNumber[]
}

const MS_DAY = 86_400_000
const MS_HOUR = 3_600_000
const TIME_ZONE = 'Europe/Amsterdam'
/** Day number of Monday 1970-01-05: the origin of the weekday arithmetic. */
const FIRST_MONDAY = 4

// ---------------------------------------------------------------------------------------------------
// Amsterdam wall-clock time of an instant

let formatter: Intl.DateTimeFormat | undefined
const offsetByUtcDay = new Map<number, number | null>()
const offsetByUtcHour = new Map<number, number>()

function amsterdamFormatter(): Intl.DateTimeFormat {
  formatter ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
  return formatter
}

/** The UTC offset of Amsterdam at an instant, in ms, straight from Intl (slow: callers cache). */
function intlOffset(ms: number): number {
  const parts: Record<string, number> = {}
  for (const part of amsterdamFormatter().formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  )
  return wall - (ms - (((ms % 1000) + 1000) % 1000))
}

/**
 * The UTC offset of Amsterdam at an instant, in ms. Amsterdam changes offset at most once per UTC day and
 * on a whole UTC hour (01:00 UTC, last Sunday of March and October), so the offset is cached per UTC day
 * and, only on the two switch days a year, per UTC hour: Intl runs a few times per distinct day.
 */
export function amsterdamOffsetMs(ms: number): number {
  const utcDay = Math.floor(ms / MS_DAY)
  let offset = offsetByUtcDay.get(utcDay)
  if (offset === undefined) {
    const start = intlOffset(utcDay * MS_DAY)
    const end = intlOffset(utcDay * MS_DAY + MS_DAY - 1)
    offset = start === end ? start : null
    offsetByUtcDay.set(utcDay, offset)
  }
  if (offset !== null) return offset
  const utcHour = Math.floor(ms / MS_HOUR)
  let hourly = offsetByUtcHour.get(utcHour)
  if (hourly === undefined) {
    hourly = intlOffset(utcHour * MS_HOUR)
    offsetByUtcHour.set(utcHour, hourly)
  }
  return hourly
}

/** The Amsterdam day number of an instant (ms since the epoch or a Date). */
export function amsterdamDay(instant: Date | number): DayNumber {
  const ms = typeof instant === 'number' ? instant : instant.getTime()
  return Math.floor((ms + amsterdamOffsetMs(ms)) / MS_DAY)
}

/** The Amsterdam calendar date of an instant, e.g. 2026-03-29T22:30:00Z → `2026-03-30` (CEST, UTC+2). */
export function amsterdamDate(instant: Date | number): IsoDate {
  return isoOfDay(amsterdamDay(instant))
}

/** The Amsterdam wall-clock parts of an instant: date, ISO weekday (1 = Monday … 7 = Sunday), hour, minute. */
export function amsterdamTime(instant: Date | number): {
  date: IsoDate
  weekday: number
  hour: number
  minute: number
} {
  const ms = typeof instant === 'number' ? instant : instant.getTime()
  const local = ms + amsterdamOffsetMs(ms)
  const day = Math.floor(local / MS_DAY)
  const inDay = local - day * MS_DAY
  return {
    date: isoOfDay(day),
    weekday: isoWeekday(day),
    hour: Math.floor(inDay / MS_HOUR),
    minute: Math.floor((inDay % MS_HOUR) / 60_000),
  }
}

// ---------------------------------------------------------------------------------------------------
// Day numbers and ISO dates

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** The day number of an ISO date; throws on anything that is not a real `YYYY-MM-DD` date. */
export function dayOfIso(date: IsoDate): DayNumber {
  const m = ISO_DATE.exec(date)
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
    const ms = Date.UTC(y, mo - 1, d)
    const check = new Date(ms)
    if (check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d) {
      return ms / MS_DAY
    }
  }
  throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`)
}

/**
 * Year, month (1–12) and day of a day number, by integer arithmetic (H. Hinnant's `civil_from_days`):
 * scans call this for every case, and a `Date` per call costs more than the whole count.
 */
function civilOfDay(day: DayNumber): [number, number, number] {
  const z = day + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d]
}

const isoCache = new Map<DayNumber, IsoDate>()

/** The ISO date of a day number. */
export function isoOfDay(day: DayNumber): IsoDate {
  let iso = isoCache.get(day)
  if (iso === undefined) {
    const [y, m, d] = civilOfDay(day)
    iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
    if (isoCache.size > 50_000) isoCache.clear()
    isoCache.set(day, iso)
  }
  return iso
}

/** The year of a day number (the year part of `civilOfDay`, without allocating). */
export function yearOfDay(day: DayNumber): number {
  const z = day + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  return yoe + era * 400 + (doy >= 306 ? 1 : 0)
}

/** Day number of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function dayOfCivil(y: number, m: number, d: number): DayNumber {
  const yy = m <= 2 ? y - 1 : y
  const era = Math.floor(yy / 400)
  const yoe = yy - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

function digits(s: string, from: number, count: number): number {
  let n = 0
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) return Number.NaN
    n = n * 10 + c
  }
  return n
}

/**
 * Milliseconds since the epoch of an ISO 8601 instant. The common shape `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`
 * is read by hand (a scan of 10,000 cases parses ~50,000 instants; `Date.parse` dominated it); anything
 * else goes to `Date.parse`. Returns NaN for text that is not an instant.
 */
export function instantMs(text: string): number {
  const s = text
  if (s.length < 20 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return Date.parse(s)
  }
  let i = 19
  let ms = 0
  if (s.charCodeAt(i) === 46) {
    let scale = 100
    i++
    while (i < s.length) {
      const c = s.charCodeAt(i) - 48
      if (c < 0 || c > 9) break
      ms += c * scale
      scale /= 10
      i++
    }
    ms = Math.floor(ms)
  }
  const zone = s.charCodeAt(i)
  let offsetMin: number
  if (zone === 90 && i === s.length - 1) offsetMin = 0
  else if ((zone === 43 || zone === 45) && s.length === i + 6 && s.charCodeAt(i + 3) === 58) {
    offsetMin = (digits(s, i + 1, 2) * 60 + digits(s, i + 4, 2)) * (zone === 43 ? 1 : -1)
  } else return Date.parse(s)
  const y = digits(s, 0, 4)
  const mo = digits(s, 5, 2)
  const d = digits(s, 8, 2)
  const h = digits(s, 11, 2)
  const mi = digits(s, 14, 2)
  const sec = digits(s, 17, 2)
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && sec <= 59)) return Date.parse(s)
  return dayOfCivil(y, mo, d) * MS_DAY + h * MS_HOUR + mi * 60_000 + sec * 1000 + ms - offsetMin * 60_000
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: DayNumber): number {
  return ((((day - FIRST_MONDAY) % 7) + 7) % 7) + 1
}

/** Adds calendar days to an ISO date. */
export function addDays(date: IsoDate, days: number): IsoDate {
  return isoOfDay(dayOfIso(date) + days)
}

/** The ISO 8601 week of a date, e.g. `2026-W48`; 2026-12-31 is `2026-W53`, 2027-01-01 too. */
export function isoWeekOfDay(day: DayNumber): string {
  const thursday = day + 4 - isoWeekday(day)
  const year = yearOfDay(thursday)
  const week = Math.floor((thursday - Date.UTC(year, 0, 1) / MS_DAY) / 7) + 1
  return `${year}-W${String(week).padStart(2, '0')}`
}

/** The ISO week of an ISO date. */
export function isoWeek(date: IsoDate): string {
  return isoWeekOfDay(dayOfIso(date))
}

// ---------------------------------------------------------------------------------------------------
// Holidays

const HOLIDAY_YEARS = (holidaysJson as { years: Record<string, Partial<Record<HolidayKey, IsoDate>>> }).years

function fileHolidays(year: number): Holiday[] {
  const entry = HOLIDAY_YEARS[String(year)] ?? {}
  return HOLIDAY_KEYS.flatMap((key) => {
    const date = entry[key]
    return date ? [{ key, date }] : []
  })
}

const yearCache = new Map<number, Holiday[]>()

function allHolidays(year: number): Holiday[] {
  let list = yearCache.get(year)
  if (!list) {
    list = fileHolidays(year)
    yearCache.set(year, list)
  }
  return list
}

const calendars = new Map<string, WorkingCalendar>()

/**
 * A working-day calendar. Calendars are cached per option set, and each caches its holidays per year, so
 * building one per call is cheap.
 */
export function buildCalendar(options: Partial<CalendarOptions> = {}): WorkingCalendar {
  const opts: CalendarOptions = {
    goodFriday: options.goodFriday ?? false,
    liberationDay: options.liberationDay ?? false,
  }
  const id = `${opts.goodFriday}:${opts.liberationDay}`
  const cached = calendars.get(id)
  if (cached) return cached

  const byYear = new Map<number, { list: Holiday[]; days: Set<DayNumber>; weekdays: DayNumber[] }>()
  const load = (year: number) => {
    let entry = byYear.get(year)
    if (!entry) {
      const list = allHolidays(year)
        .filter((h) => (h.key === 'goodFriday' ? opts.goodFriday : true))
        .filter((h) => (h.key === 'liberationDay' ? opts.liberationDay : true))
        .sort(
          (a, b) => a.date.localeCompare(b.date) || HOLIDAY_KEYS.indexOf(a.key) - HOLIDAY_KEYS.indexOf(b.key),
        )
      const days = new Set(list.map((h) => dayOfIso(h.date)))
      const weekdays = [...days].filter((d) => isoWeekday(d) <= 5).sort((a, b) => a - b)
      entry = { list, days, weekdays }
      byYear.set(year, entry)
    }
    return entry
  }
  const calendar: WorkingCalendar = {
    options: Object.freeze(opts),
    holidays: (year) => load(year).list,
    isHoliday: (day) => load(yearOfDay(day)).days.has(day),
    weekdayHolidays: (year) => load(year).weekdays,
  }
  calendars.set(id, calendar)
  return calendar
}

/** The default calendar: the spec's seven holidays, Good Friday and Liberation Day off. */
export const defaultCalendarOptions: Readonly<CalendarOptions> = Object.freeze({
  goodFriday: false,
  liberationDay: false,
})

// ---------------------------------------------------------------------------------------------------
// Working days

/** Whether a day number is a working day: Monday–Friday and not a holiday of the calendar. */
export function isWorkingDayNumber(day: DayNumber, cal: WorkingCalendar): boolean {
  return isoWeekday(day) <= 5 && !cal.isHoliday(day)
}

/** Whether an ISO date is a working day. */
export function isWorkingDay(date: IsoDate, cal: WorkingCalendar): boolean {
  return isWorkingDayNumber(dayOfIso(date), cal)
}

/** Weekdays (Mon–Fri) among the days up to and including `day`, relative to a fixed Monday. */
function weekdaysThrough(day: DayNumber): number {
  const k = day - FIRST_MONDAY
  const weeks = Math.floor(k / 7)
  const rest = k - weeks * 7
  return weeks * 5 + Math.min(rest + 1, 5)
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] as number) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Working days in `(afterDay, throughDay]`: the first day counted is the day after `afterDay`, the last
 * is `throughDay` itself. 0 when `throughDay <= afterDay`.
 */
export function countWorkingDays(afterDay: DayNumber, throughDay: DayNumber, cal: WorkingCalendar): number {
  if (throughDay <= afterDay) return 0
  let count = weekdaysThrough(throughDay) - weekdaysThrough(afterDay)
  const lastYear = yearOfDay(throughDay)
  for (let year = yearOfDay(afterDay + 1); year <= lastYear; year++) {
    const days = cal.weekdayHolidays(year)
    count -= lowerBound(days, throughDay + 1) - lowerBound(days, afterDay + 1)
  }
  return count
}

/**
 * Working days a case has spent in its status (DOMAIN.md §6): counted from the first working day after
 * the Amsterdam day of `statusSince` up to and including the Amsterdam day of `now`. Same day → 0; a
 * status set on Friday evening counts Monday as day 1.
 */
export function workingDaysBetween(statusSince: Date, now: Date, cal: WorkingCalendar): number {
  return countWorkingDays(amsterdamDay(statusSince), amsterdamDay(now), cal)
}

/** The day `n` working days after `day` (n ≥ 0), or before it (n < 0); n = 0 returns `day` itself. */
export function addWorkingDayNumber(day: DayNumber, n: number, cal: WorkingCalendar): DayNumber {
  const steps = Math.trunc(n)
  if (steps === 0) return day
  // Many cases share a start day and a limit: the answer is cached per calendar.
  let memo = addMemo.get(cal)
  if (!memo) {
    memo = new Map()
    addMemo.set(cal, memo)
  }
  const key = day * 4096 + steps + 2048
  const cached = Math.abs(steps) < 2048 ? memo.get(key) : undefined
  if (cached !== undefined) return cached
  const step = steps < 0 ? -1 : 1
  let left = Math.abs(steps)
  let current = day
  while (left > 0) {
    current += step
    if (isWorkingDayNumber(current, cal)) left--
  }
  if (memo.size > 100_000) memo.clear()
  memo.set(key, current)
  return current
}

const addMemo = new WeakMap<WorkingCalendar, Map<number, DayNumber>>()

/**
 * The date `n` working days after `date`: with the §6 count, a clock started on `date` reads `n` on
 * that day. `addWorkingDays('2026-04-24', 1)` (a Friday) is Tuesday 2026-04-28: the weekend and King's
 * Day are skipped.
 */
export function addWorkingDays(date: IsoDate, n: number, cal: WorkingCalendar): IsoDate {
  return isoOfDay(addWorkingDayNumber(dayOfIso(date), n, cal))
}
