import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildHolidaysFile, FIRST_YEAR, LAST_YEAR } from '../../scripts/build-holidays'
import {
  addDays,
  addWorkingDays,
  amsterdamDate,
  amsterdamTime,
  buildCalendar,
  countWorkingDays,
  dayOfIso,
  HOLIDAY_KEYS,
  instantMs,
  isoOfDay,
  isoWeek,
  isoWeekday,
  isWorkingDay,
  isWorkingDayNumber,
  workingDaysBetween,
  yearOfDay,
} from '../../src/domain/calendar'
import holidaysFile from '../../templates/holidays-nl.json'

const cal = buildCalendar()
const withGoodFriday = buildCalendar({ goodFriday: true })
const withLiberation = buildCalendar({ liberationDay: true })

/** Easter Sunday by the anonymous Gregorian algorithm: an independent check on date-holidays. */
function easter(year: number): string {
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

describe('Amsterdam local date of an instant', () => {
  it.each([
    // winter time (CET, UTC+1)
    ['2026-01-15T22:59:59Z', '2026-01-15'],
    ['2026-01-15T23:00:00Z', '2026-01-16'],
    // the spring switch: Sunday 29 March 2026 at 01:00 UTC
    ['2026-03-28T22:59:00Z', '2026-03-28'],
    ['2026-03-28T23:00:00Z', '2026-03-29'],
    ['2026-03-29T21:59:00Z', '2026-03-29'],
    ['2026-03-29T22:00:00Z', '2026-03-30'],
    ['2026-03-29T22:30:00Z', '2026-03-30'],
    // summer time (CEST, UTC+2)
    ['2026-07-01T21:59:59Z', '2026-07-01'],
    ['2026-07-01T22:00:00Z', '2026-07-02'],
    // the autumn switch: Sunday 25 October 2026 at 01:00 UTC
    ['2026-10-24T21:59:00Z', '2026-10-24'],
    ['2026-10-24T22:00:00Z', '2026-10-25'],
    ['2026-10-25T22:30:00Z', '2026-10-25'],
    ['2026-10-25T22:59:59Z', '2026-10-25'],
    ['2026-10-25T23:00:00Z', '2026-10-26'],
    // offsets in the input are honoured
    ['2026-11-02T09:00:00+01:00', '2026-11-02'],
    ['2026-11-02T00:30:00+05:00', '2026-11-01'],
  ])('%s is %s in Amsterdam', (instant, date) => {
    expect(amsterdamDate(new Date(instant))).toBe(date)
  })

  it('reads the wall clock across both switches', () => {
    expect(amsterdamTime(new Date('2026-03-29T00:59:00Z'))).toMatchObject({ hour: 1, minute: 59 })
    expect(amsterdamTime(new Date('2026-03-29T01:00:00Z'))).toMatchObject({ hour: 3, minute: 0 })
    expect(amsterdamTime(new Date('2026-10-25T00:59:00Z'))).toMatchObject({ hour: 2, minute: 59 })
    expect(amsterdamTime(new Date('2026-10-25T01:00:00Z'))).toMatchObject({ hour: 2, minute: 0 })
    expect(amsterdamTime(new Date('2026-11-23T07:00:00Z'))).toEqual({
      date: '2026-11-23',
      weekday: 1,
      hour: 8,
      minute: 0,
    })
  })

  it('agrees with Intl for every hour of 2026', () => {
    const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' })
    const start = Date.UTC(2026, 0, 1)
    for (let ms = start; ms < Date.UTC(2027, 0, 1); ms += 3_600_000) {
      const expected = intl.format(new Date(ms))
      if (amsterdamDate(ms) !== expected) expect(amsterdamDate(ms), new Date(ms).toISOString()).toBe(expected)
    }
  })
})

describe('holidays (date-holidays NL, filtered to DOMAIN.md §6)', () => {
  it('has exactly the seven default holidays of 2026', () => {
    expect(cal.holidays(2026)).toEqual([
      { key: 'newYear', date: '2026-01-01' },
      { key: 'easterMonday', date: '2026-04-06' },
      { key: 'kingsDay', date: '2026-04-27' },
      { key: 'ascension', date: '2026-05-14' },
      { key: 'whitMonday', date: '2026-05-25' },
      { key: 'christmas', date: '2026-12-25' },
      { key: 'boxingDay', date: '2026-12-26' },
    ])
  })

  it('moves King’s Day to 26 April when the 27th is a Sunday (2025)', () => {
    expect(cal.holidays(2025).find((h) => h.key === 'kingsDay')?.date).toBe('2025-04-26')
    // no substitute Monday
    expect(isWorkingDay('2025-04-28', cal)).toBe(true)
  })

  it('adds Good Friday and Liberation Day only when configured', () => {
    expect(cal.holidays(2026).map((h) => h.key)).not.toContain('goodFriday')
    expect(withGoodFriday.holidays(2026)).toContainEqual({ key: 'goodFriday', date: '2026-04-03' })
    expect(withLiberation.holidays(2026)).toContainEqual({ key: 'liberationDay', date: '2026-05-05' })
    expect(withLiberation.holidays(2026).map((h) => h.key)).not.toContain('goodFriday')
  })

  it('keeps templates/holidays-nl.json in step with the installed date-holidays (else: npx tsx scripts/build-holidays.ts)', () => {
    expect(holidaysFile.years).toEqual(buildHolidaysFile().years)
    const years = Object.keys(holidaysFile.years).map(Number)
    expect([Math.min(...years), Math.max(...years)]).toEqual([FIRST_YEAR, LAST_YEAR])
    for (let year = 2014; year <= LAST_YEAR; year++) {
      const keys = Object.keys((holidaysFile.years as Record<string, object>)[String(year)] ?? {})
      expect(keys, String(year)).toEqual([...HOLIDAY_KEYS])
    }
  })

  it('has weekends only outside the generated years', () => {
    expect(cal.holidays(LAST_YEAR + 1)).toEqual([])
    expect(isWorkingDay(`${LAST_YEAR + 1}-01-03`, cal)).toBe(true)
  })

  it('matches independently computed dates for every year 2014–2060', () => {
    const both = buildCalendar({ goodFriday: true, liberationDay: true })
    for (let year = 2014; year <= 2060; year++) {
      const e = easter(year)
      const kings = isoWeekday(dayOfIso(`${year}-04-27`)) === 7 ? `${year}-04-26` : `${year}-04-27`
      const expected = [
        ['newYear', `${year}-01-01`],
        ['goodFriday', addDays(e, -2)],
        ['easterMonday', addDays(e, 1)],
        ['kingsDay', kings],
        ['liberationDay', `${year}-05-05`],
        ['ascension', addDays(e, 39)],
        ['whitMonday', addDays(e, 50)],
        ['christmas', `${year}-12-25`],
        ['boxingDay', `${year}-12-26`],
      ].map(([key, date]) => ({ key, date }))
      const byDateAndKey = (a: { key: string; date: string }, b: { key: string; date: string }) =>
        a.date === b.date ? a.key.localeCompare(b.key) : a.date.localeCompare(b.date)
      expect([...both.holidays(year)].sort(byDateAndKey), String(year)).toEqual(
        (expected as { key: string; date: string }[]).sort(byDateAndKey),
      )
    }
  })
})

describe('isWorkingDay', () => {
  it.each([
    ['2026-11-23', true, 'an ordinary Monday'],
    ['2026-11-21', false, 'Saturday'],
    ['2026-11-22', false, 'Sunday'],
    ['2026-01-01', false, "New Year's Day"],
    ['2026-04-03', true, 'Good Friday (off by default)'],
    ['2026-04-06', false, 'Easter Monday'],
    ['2026-04-27', false, 'King’s Day 2026 (Monday)'],
    ['2026-05-05', true, 'Liberation Day (off by default)'],
    ['2026-05-14', false, 'Ascension Day'],
    ['2026-05-25', false, 'Whit Monday'],
    ['2026-12-24', true, 'Christmas Eve'],
    ['2026-12-25', false, 'Christmas Day'],
    ['2025-12-26', false, 'Boxing Day 2025 (Friday)'],
    ['2026-12-31', true, "New Year's Eve"],
  ])('%s → %s (%s)', (date, expected) => {
    expect(isWorkingDay(date, cal)).toBe(expected)
  })

  it('honours the Good Friday and Liberation Day options', () => {
    expect(isWorkingDay('2026-04-03', withGoodFriday)).toBe(false)
    expect(isWorkingDay('2026-05-05', withLiberation)).toBe(false)
    expect(isWorkingDay('2026-05-05', withGoodFriday)).toBe(true)
  })
})

describe('workingDaysBetween (from the first working day after statusSince through the day of now)', () => {
  it.each([
    ['same day', '2026-11-02T09:00:00+01:00', '2026-11-02T17:00:00+01:00', 0],
    ['now before statusSince', '2026-11-05T09:00:00+01:00', '2026-11-02T09:00:00+01:00', 0],
    ['next day', '2026-11-02T09:00:00+01:00', '2026-11-03T08:00:00+01:00', 1],
    ['Monday to Friday', '2026-11-02T09:00:00+01:00', '2026-11-06T09:00:00+01:00', 4],
    ['late Friday to Monday', '2026-11-06T23:30:00+01:00', '2026-11-09T00:10:00+01:00', 1],
    ['Friday to Sunday', '2026-11-06T10:00:00+01:00', '2026-11-08T23:59:00+01:00', 0],
    ['Saturday to Monday', '2026-11-07T10:00:00+01:00', '2026-11-09T10:00:00+01:00', 1],
    ['across King’s Day 2026', '2026-04-24T16:00:00+02:00', '2026-04-28T09:00:00+02:00', 1],
    ['across King’s Day 2025 (a Saturday)', '2025-04-25T16:00:00+02:00', '2025-04-28T09:00:00+02:00', 1],
    ['across Easter 2026', '2026-04-02T10:00:00+02:00', '2026-04-07T10:00:00+02:00', 2],
    ['across Ascension 2026', '2026-05-13T10:00:00+02:00', '2026-05-15T10:00:00+02:00', 1],
    ['across Whitsun 2026', '2026-05-22T10:00:00+02:00', '2026-05-26T10:00:00+02:00', 1],
    ['across Christmas 2026', '2026-12-23T17:00:00+01:00', '2026-12-29T09:00:00+01:00', 3],
    ['across the year end', '2026-12-23T17:00:00+01:00', '2027-01-05T09:00:00+01:00', 7],
    ['spring DST: Sunday 23:30 CEST is Sunday', '2026-03-29T21:30:00Z', '2026-03-30T10:00:00+02:00', 1],
    ['spring DST: 00:30 CEST Monday is Monday', '2026-03-29T22:30:00Z', '2026-03-30T10:00:00+02:00', 0],
    ['autumn DST: Sunday 23:30 CET is Sunday', '2026-10-25T22:30:00Z', '2026-10-26T10:00:00+01:00', 1],
    ['autumn DST: now 23:59 CET Wednesday', '2026-10-25T22:30:00Z', '2026-10-28T22:59:00Z', 3],
    ['autumn DST: now 00:00 CET Thursday', '2026-10-25T22:30:00Z', '2026-10-28T23:00:00Z', 4],
  ])('%s', (_name, since, now, expected) => {
    expect(workingDaysBetween(new Date(since), new Date(now), cal)).toBe(expected)
  })

  it('counts Good Friday only when it is not configured as a holiday', () => {
    const since = new Date('2026-04-02T10:00:00+02:00')
    const now = new Date('2026-04-07T10:00:00+02:00')
    expect(workingDaysBetween(since, now, cal)).toBe(2)
    expect(workingDaysBetween(since, now, withGoodFriday)).toBe(1)
  })

  it('agrees with a day-by-day count on arbitrary ranges (property)', () => {
    const start = dayOfIso('2024-01-01')
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4000 }),
        fc.integer({ min: -5, max: 800 }),
        fc.boolean(),
        (offset, span, goodFriday) => {
          const c = buildCalendar({ goodFriday })
          const a = start + offset
          const b = a + span
          let slow = 0
          for (let d = a + 1; d <= b; d++) if (isWorkingDayNumber(d, c)) slow++
          expect(countWorkingDays(a, b, c)).toBe(slow)
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('addWorkingDays', () => {
  it.each([
    ['2026-11-02', 0, '2026-11-02'],
    ['2026-11-02', 3, '2026-11-05'],
    ['2026-11-06', 1, '2026-11-09'],
    ['2026-04-24', 1, '2026-04-28'],
    ['2026-04-02', 2, '2026-04-07'],
    ['2026-12-23', 3, '2026-12-29'],
    ['2026-12-28', 5, '2027-01-05'],
    ['2026-11-09', -1, '2026-11-06'],
  ])('%s + %i working days = %s', (date, n, expected) => {
    expect(addWorkingDays(date, n, cal)).toBe(expected)
  })

  it('is the inverse of the §6 count', () => {
    for (const n of [1, 3, 5, 10]) {
      const due = addWorkingDays('2026-12-18', n, cal)
      expect(countWorkingDays(dayOfIso('2026-12-18'), dayOfIso(due), cal)).toBe(n)
      expect(isWorkingDay(due, cal)).toBe(true)
    }
  })
})

describe('instantMs (the fast ISO reader of the scan)', () => {
  it('agrees with Date.parse on instants in every offset and precision (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: -12 * 4, max: 14 * 4 }),
        fc.constantFrom('', '.5', '.123', '.123456'),
        (ms, quarterHours, fraction) => {
          const offset = quarterHours * 15
          const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19)
          const sign = offset < 0 ? '-' : '+'
          const abs = Math.abs(offset)
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
          for (const text of [`${local}${fraction}${zone}`, `${local}${fraction}Z`]) {
            expect(instantMs(text), text).toBe(Date.parse(text))
          }
        },
      ),
      { numRuns: 500 },
    )
  })

  it.each(['2026-11-02T09:00+01:00', '2026-11-02', 'not a time', '2026-11-02T09:00:00+0100'])(
    'falls back to Date.parse for %s',
    (text) => {
      expect(Object.is(instantMs(text), Date.parse(text))).toBe(true)
    },
  )
})

describe('dates and ISO weeks', () => {
  it.each([
    ['2026-11-23', '2026-W48'],
    ['2026-12-31', '2026-W53'],
    ['2027-01-01', '2026-W53'],
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2024-12-30', '2025-W01'],
    ['2021-01-03', '2020-W53'],
    ['2026-01-01', '2026-W01'],
  ])('%s is in %s', (date, week) => {
    expect(isoWeek(date)).toBe(week)
  })

  it('round-trips day numbers and rejects impossible dates', () => {
    for (const date of ['1970-01-01', '2000-02-29', '2026-12-31', '2100-03-01']) {
      expect(isoOfDay(dayOfIso(date))).toBe(date)
    }
    expect(yearOfDay(dayOfIso('2026-12-31'))).toBe(2026)
    expect(yearOfDay(dayOfIso('2027-01-01'))).toBe(2027)
    expect(() => dayOfIso('2026-02-30')).toThrow(RangeError)
    expect(() => dayOfIso('26-1-1')).toThrow(RangeError)
  })
})
