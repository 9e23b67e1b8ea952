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
