import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { COPY, copyKeys, interpolate, interventionName, label, t } from '../../src/domain/copy'
import { ENUMS, type EnumName, INTERVENTIONS } from '../../src/domain/enums'

describe('copy', () => {
  it('has every key in both Dutch and English', () => {
    const nl = new Set(copyKeys(COPY.nl))
    const en = new Set(copyKeys(COPY.en))
    expect([...nl].filter((k) => !en.has(k))).toEqual([])
    expect([...en].filter((k) => !nl.has(k))).toEqual([])
  })

  it('has no empty text', () => {
    for (const lang of ['nl', 'en'] as const) {
      const empty = copyKeys(COPY[lang]).filter((k) => t(lang, k).trim() === '')
      expect(empty).toEqual([])
    }
  })

  it('labels every enum value in both languages', () => {
    for (const [name, values] of Object.entries(ENUMS)) {
      for (const value of values) {
        for (const lang of ['nl', 'en'] as const) {
          expect(label(lang, name as EnumName, value), `${lang} ${name}.${value}`).not.toBe(
            `enum.${name}.${value}`,
          )
        }
      }
    }
  })

  it('uses the same placeholders in both languages', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    for (const key of copyKeys(COPY.nl)) {
      expect(placeholders(t('en', key)), key).toEqual(placeholders(t('nl', key)))
    }
  })

  it('interpolates and falls back to the key', () => {
    expect(interpolate('a {x} b {y}', { x: 1 })).toBe('a 1 b {y}')
    expect(t('en', 'no.such.key')).toBe('no.such.key')
  })
})

/** Every text of a language in templates/: its copy files, and its texts in other templates (routing rules). */
function textsIn(lang: 'nl' | 'en'): { where: string; text: string }[] {
  const root = fileURLToPath(new URL('../../templates/', import.meta.url))
  const out: { where: string; text: string }[] = []
  const visit = (node: unknown, where: string, dutch: boolean) => {
    if (typeof node === 'string') {
      if (dutch) out.push({ where, text: node })
    } else if (Array.isArray(node)) {
      for (const [i, v] of node.entries()) visit(v, `${where}[${i}]`, dutch)
    } else if (node !== null && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) visit(v, `${where}.${k}`, dutch || k === lang)
  }
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.json') && !f.includes('holidays'),
  )
  for (const file of files) {
    const name = file.split('/').pop()!
    const other = lang === 'nl' ? 'en' : 'nl'
    const whole = name === `${lang}.json` || name.endsWith(`.${lang}.json`)
    if (name === `${other}.json` || name.endsWith(`.${other}.json`)) continue
    visit(JSON.parse(readFileSync(root + file, 'utf8')), file, whole)
  }
  return out
}

describe('form of address', () => {
  // "je" everywhere: a formal "u", "uw" or "U" as a word (not "u." in an abbreviation, not inside a word).
  const FORMAL = /(?<![\p{L}\d'’.-])(u|uw|U|Uw|UW)(?![\p{L}\d'’-])/u

  it('finds Dutch copy to check in every area', () => {
    const texts = textsIn('nl')
    expect(texts.length).toBeGreaterThan(500)
    expect(texts.some((x) => x.where.startsWith('copy/teams.nl.json'))).toBe(true)
    expect(FORMAL.test('Dank u voor uw melding.')).toBe(true)
    expect(FORMAL.test('Uw antwoord')).toBe(true)
    expect(FORMAL.test('Je uploadlink, uur, duur, u-bocht')).toBe(false)
  })

  it('uses "je" and never the formal "u"/"uw" in any Dutch text in templates/', () => {
    const formal = textsIn('nl').filter((x) => FORMAL.test(x.text))
    expect(formal.map((x) => `${x.where}: ${x.text}`)).toEqual([])
  })
})

describe('intervention names', () => {
  it('uses one English name per intervention everywhere, with the Dutch name only beside it', () => {
    const names = INTERVENTIONS.map((i) => label('en', 'intervention', i))
    const dutch = INTERVENTIONS.map((i) => label('nl', 'intervention', i)).filter((n) => !names.includes(n))
    expect(dutch).toEqual(['Experttafel', 'Regie op 3', 'Regie op plaatsing', 'Reizend Specialistisch Team'])
    // every English name that differs from the Dutch one carries it: "Placement direction (Regie op plaatsing)"
    for (const i of INTERVENTIONS) {
      const nl = label('nl', 'intervention', i)
      if (nl !== label('en', 'intervention', i)) expect(label('en', 'intervention', i)).toContain(`(${nl})`)
    }
    const stray = textsIn('en')
      .map((x) => ({ ...x, rest: names.reduce((text, name) => text.split(name).join(''), x.text) }))
      .filter(
        (x) =>
          dutch.some((d) => x.rest.includes(d)) ||
          /expert ?(table|panel)|travel+ing specialist|placement direction|direction across/i.test(x.rest),
      )
    expect(stray.map((x) => `${x.where}: ${x.text}`)).toEqual([])
  })

  it('shows an intervention with its code, in Dutch and in English', () => {
    expect(interventionName('nl', 'ROP')).toBe('Regie op plaatsing (ROP)')
    expect(interventionName('en', 'ROP')).toBe('Placement direction (Regie op plaatsing, ROP)')
    expect(interventionName('en', 'EXPERTTAFEL')).toBe('Expert table (Experttafel, EXPERTTAFEL)')
    expect(interventionName('nl', 'MDA++')).toBe('MDA++')
  })
})
