import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { COPY, copyKeys, interpolate, label, t } from '../../src/domain/copy'
import { ENUMS, type EnumName } from '../../src/domain/enums'

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

/** Every Dutch text in templates/: the nl copy files, and `nl` texts in other templates (routing rules). */
function dutchTexts(): { where: string; text: string }[] {
  const root = fileURLToPath(new URL('../../templates/', import.meta.url))
  const out: { where: string; text: string }[] = []
  const visit = (node: unknown, where: string, dutch: boolean) => {
    if (typeof node === 'string') {
      if (dutch) out.push({ where, text: node })
    } else if (Array.isArray(node)) node.forEach((v, i) => visit(v, `${where}[${i}]`, dutch))
    else if (node !== null && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) visit(v, `${where}.${k}`, dutch || k === 'nl')
  }
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.json') && !f.includes('holidays'),
  )
  for (const file of files) {
    const name = file.split('/').pop()!
    const whole = name === 'nl.json' || name.endsWith('.nl.json')
    if (name === 'en.json' || name.endsWith('.en.json')) continue
    visit(JSON.parse(readFileSync(root + file, 'utf8')), file, whole)
  }
  return out
}

describe('form of address', () => {
  // "je" everywhere: a formal "u", "uw" or "U" as a word (not "u." in an abbreviation, not inside a word).
  const FORMAL = /(?<![\p{L}\d'’.-])(u|uw|U|Uw|UW)(?![\p{L}\d'’-])/u

  it('finds Dutch copy to check in every area', () => {
    const texts = dutchTexts()
    expect(texts.length).toBeGreaterThan(500)
    expect(texts.some((x) => x.where.startsWith('copy/teams.nl.json'))).toBe(true)
    expect(FORMAL.test('Dank u voor uw melding.')).toBe(true)
    expect(FORMAL.test('Uw antwoord')).toBe(true)
    expect(FORMAL.test('Je uploadlink, uur, duur, u-bocht')).toBe(false)
  })

  it('uses "je" and never the formal "u"/"uw" in any Dutch text in templates/', () => {
    const formal = dutchTexts().filter((x) => FORMAL.test(x.text))
    expect(formal.map((x) => `${x.where}: ${x.text}`)).toEqual([])
  })
})
