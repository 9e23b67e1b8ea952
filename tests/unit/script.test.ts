import { describe, expect, it } from 'vitest'
import { pathsOf } from '../../src/domain/conditions'
import { hasCopy } from '../../src/domain/copy'
import { ENUMS, LANGUAGES } from '../../src/domain/enums'
import { IntakeSchema } from '../../src/domain/intake'
import { intakePathExists, intakeSchemaAt } from '../../src/domain/rules'
import { DEFAULT_SCRIPT, type IntakeScript, parseScript } from '../../src/domain/script'

const script = DEFAULT_SCRIPT
const fields = script.steps.flatMap((s) => s.fields)

/** Every copy key the script refers to. */
function copyKeysOf(s: IntakeScript): string[] {
  const keys: string[] = []
  const notice = (n: { title: string; body: string[] }) => keys.push(n.title, ...n.body)
  for (const step of s.steps) {
    keys.push(step.title, ...(step.intro ? [step.intro] : []))
    step.notices?.forEach(notice)
    for (const field of [...step.fields, ...step.fields.flatMap((f) => f.items ?? [])]) {
      keys.push(field.label, ...(field.hint ? [field.hint] : []))
      if (field.enum && !field.required && field.kind !== 'checkboxes')
        keys.push(field.label.replace(/\.label$/, '.empty'))
      const d = field.default
      if (d !== null && typeof d === 'object' && !Array.isArray(d)) keys.push(d.$copy)
    }
  }
  s.banners?.forEach(notice)
  for (const gate of s.gates) {
    notice(gate)
    keys.push(...gate.choices.map((c) => c.label))
  }
  return keys
}

/** Every leaf path of the intake schema (lists count as one leaf). */
function leafPaths(): string[] {
  const out: string[] = []
  const walk = (prefix: string, shape: Record<string, unknown>) => {
    for (const key of Object.keys(shape)) {
      const path = prefix ? `${prefix}.${key}` : key
      const schema = intakeSchemaAt(path)
      const def = (schema as unknown as { _zod: { def: { type: string; shape?: Record<string, unknown> } } })
        ._zod.def
      if (def.type === 'object' && def.shape) walk(path, def.shape)
      else out.push(path)
    }
  }
  walk('', IntakeSchema.shape)
  return out
}

describe('intake script', () => {
  it('is valid against its schema', () => {
    expect(parseScript(JSON.parse(JSON.stringify(script))).ok).toBe(true)
  })

  it('binds every field to a path of the intake schema (list rows included)', () => {
    const missing = fields.flatMap((f) => [
      ...(intakePathExists(f.path) ? [] : [f.path]),
      ...(f.items ?? [])
        .filter((i) => !intakePathExists(`${f.path}.0.${i.path}`))
        .map((i) => `${f.path}[].${i.path}`),
    ])
    expect(missing).toEqual([])
    expect(Object.keys(script.constants ?? {}).filter((p) => !intakePathExists(p))).toEqual([])
  })

  it('asks for, or fixes, every field of the intake (only language comes from the draft)', () => {
    const covered = new Set([
      ...fields.map((f) => f.path),
      ...Object.keys(script.constants ?? {}),
      'language',
    ])
    expect(leafPaths().filter((p) => !covered.has(p))).toEqual([])
  })

  it('offers exactly the enum values the intake accepts', () => {
    for (const field of [...fields, ...fields.flatMap((f) => f.items ?? [])].filter((f) => f.enum)) {
      const path = fields.includes(field as never)
        ? field.path
        : `${fields.find((f) => f.items?.includes(field))!.path}.0.${field.path}`
      const schema = intakeSchemaAt(path) as unknown as { _zod: { def: Record<string, unknown> } }
      let def = schema._zod.def
      while (def.innerType || def.element)
        def = ((def.innerType ?? def.element) as { _zod: { def: Record<string, unknown> } })._zod.def
      expect(Object.keys(def.entries as object), path).toEqual([...ENUMS[field.enum!]])
    }
  })

  it('has every copy key it uses in Dutch and English', () => {
    const keys = copyKeysOf(script)
    expect(keys.length).toBeGreaterThan(100)
    for (const lang of LANGUAGES)
      expect(
        keys.filter((k) => !hasCopy(lang, k)),
        lang,
      ).toEqual([])
  })

  it('reads only intake paths and derived values ($age, $flow) in its conditions', () => {
    const conditions = [
      ...script.steps.flatMap((s) => [
        s.showIf,
        ...s.fields.map((f) => f.showIf),
        ...(s.notices ?? []).map((n) => n.showIf),
      ]),
      ...(script.banners ?? []).map((b) => b.showIf),
      ...script.gates.map((g) => g.when),
    ].filter((c) => c !== undefined)
    const paths = conditions.flatMap(pathsOf)
    expect(paths.filter((p) => !p.startsWith('$') && !intakePathExists(p))).toEqual([])
    expect(paths.filter((p) => p.startsWith('$') && p !== '$age' && p !== '$flow')).toEqual([])
  })

  it('keeps school for school age (4–18 inclusive) and asks for the birth year only', () => {
    const school = script.steps.find((s) => s.id === 'school')!
    expect(JSON.stringify(school.showIf)).toContain('"$age","gte":4')
    expect(JSON.stringify(school.showIf)).toContain('"$age","lte":18')
    expect(fields.map((f) => f.path).filter((p) => /birth/i.test(p))).toEqual(['child.birthYear'])
  })

  it.each([
    [
      'a gate after an unknown step',
      (s: IntakeScript) => ({ ...s, gates: [{ ...s.gates[0]!, after: 'nope' }] }),
    ],
    [
      'a select without options',
      (s: IntakeScript) => ({
        ...s,
        steps: [
          { ...s.steps[0]!, fields: [{ path: 'x', kind: 'select', label: 'dialogue.x', required: true }] },
        ],
      }),
    ],
    ['a duplicate step id', (s: IntakeScript) => ({ ...s, steps: [s.steps[0]!, s.steps[0]!] })],
    ['an unknown property', (s: IntakeScript) => ({ ...s, extra: true })],
    [
      'a goto to nowhere',
      (s: IntakeScript) => ({
        ...s,
        gates: [{ ...s.gates[0]!, choices: [{ id: 'x', label: 'dialogue.x', does: 'goto', goto: 'nope' }] }],
      }),
    ],
  ])('rejects %s with a bilingual message', (_name, broken) => {
    const result = parseScript(broken(JSON.parse(JSON.stringify(script))))
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.errors[0]!.nl).not.toEqual('')
      expect(result.errors[0]!.en).not.toEqual('')
    }
  })
})
