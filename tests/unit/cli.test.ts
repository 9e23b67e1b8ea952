import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseIntake } from '../../src/domain/intake'
import { route, toRoutingOutput } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import { loadSample, loadSamples, SAMPLES_DIR } from '../fixtures/samples'

const root = fileURLToPath(new URL('../../', import.meta.url))
const NOW = '2026-11-23T09:00:00+01:00'
const tmp = mkdtempSync(join(tmpdir(), 'ret-cli-'))

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs the real command line, as `npm run ret` does (tsx src/cli/main.ts). */
function ret(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      join(root, 'node_modules/.bin/tsx'),
      ['src/cli/main.ts', ...args],
      { cwd: root, env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        resolve({ code, stdout: String(stdout), stderr: String(stderr) })
      },
    )
    child.stdin?.end(stdin ?? '')
  })
}

function file(name: string, content: string): string {
  const path = join(tmp, name)
  writeFileSync(path, content)
  return path
}

function noStackTrace(run: Run) {
  expect(run.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/)
  expect(run.stderr).not.toMatch(/Error:/)
}

describe('ret route / validate on every shared sample', () => {
  for (const sample of loadSamples()) {
    it(`${sample.name}: route prints the expected routing; validate prints ok`, {
      timeout: 60_000,
    }, async () => {
      const intakeFile = file(sample.name, JSON.stringify(sample.intake))
      const [routed, wrapped, valid] = await Promise.all([
        ret(['route', intakeFile, '--now', NOW]),
        ret(['route', SAMPLES_DIR + sample.name, '--now', NOW]),
        ret(['validate', intakeFile]),
      ])
      expect(routed.stderr).toBe('')
      expect(routed.code).toBe(0)
      const output = JSON.parse(routed.stdout)
      expect(Object.keys(output)).toEqual(['primary', 'alternatives', 'reasons', 'gates', 'missing'])
      expect(output.primary).toBe(sample.expected.primary)
      expect(output.gates.map((g: { gate: string }) => g.gate)).toEqual(sample.expected.gates)
      expect(output.missing).toEqual(sample.expected.missing)
      expect([...output.alternatives].sort()).toEqual([...sample.expected.alternatives].sort())
      // Exactly what the domain gives for the same clock (pretty JSON, 2 spaces).
      const parsed = parseIntake(sample.intake)
      if (!parsed.ok) throw new Error(sample.name)
      const expected = toRoutingOutput(route(parsed.value, DEFAULT_RULES, new Date(NOW)))
      expect(routed.stdout).toBe(`${JSON.stringify(expected, null, 2)}\n`)
      // A sample file ({ intake, expected }) is read as its intake.
      expect(wrapped.code).toBe(0)
      expect(wrapped.stdout).toBe(routed.stdout)
      expect(valid).toEqual({ code: 0, stdout: 'ok\n', stderr: '' })
    })
  }
})

describe('ret: bad input', { timeout: 60_000 }, () => {
  it('reads the intake from standard input with -', async () => {
    const run = await ret(['route', '-', '--now=2026-01-01'], JSON.stringify(loadSample('rop').intake))
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).primary).toBe('ROP')
  })

  it('uses --now for the age: 22 in 2026 fires the 18-/18+ rule, 23 in 2027 does not', async () => {
    const intake = structuredClone(loadSample('rst').intake) as { child: { birthYear: number } }
    intake.child.birthYear = 2004
    const path = file('age.json', JSON.stringify(intake))
    const [in2026, in2027] = await Promise.all([
      ret(['route', path, '--now', '2026-06-01T12:00:00Z']),
      ret(['route', path, '--now', '2027-06-01T12:00:00Z']),
    ])
    const rules = (run: Run) => JSON.parse(run.stdout).reasons.map((r: { rule: string }) => r.rule)
    expect(rules(in2026)).toContain('et_transition_18')
    expect(rules(in2027)).not.toContain('et_transition_18')
  })

  it('validate lists every error as `path: message`, Dutch then English, exit 1', async () => {
    const intake = structuredClone(loadSample('mda').intake) as Record<string, unknown> & {
      child: { birthYear: number }
    }
    intake.child.birthYear = 1800
    intake.extra = true
    const run = await ret(['validate', file('bad.json', JSON.stringify(intake))])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr.trim().split('\n')).toEqual([
      'child.birthYear: moet minimaal 1990 zijn.',
      'extra: onbekend veld; dit veld hoort niet in de intake.',
      'child.birthYear: must be at least 1990.',
      'extra: unknown field; it is not part of the intake.',
    ])
  })

  it('--lang en prints English only', async () => {
    const run = await ret(['validate', '-', '--lang', 'en'], '{"language":"fr"}')
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('language: invalid value. Choose one of: nl, en.')
    expect(run.stderr).toContain('acuteDanger: this field is required.')
    expect(run.stderr).not.toMatch(/verplicht|ongeldige/)
  })

  it('route on an invalid intake: a heading and the errors on stderr, nothing on stdout, exit 1', async () => {
    const run = await ret(['route', '-', '--now', NOW], '{"language":"nl"}')
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^De intake klopt niet:\n/)
    expect(run.stderr).toContain('\nThe intake is not valid:\n')
    expect(run.stderr).toContain('referrer: dit veld is verplicht.')
    noStackTrace(run)
  })

  it('text that is not JSON: a clear message, exit 1', async () => {
    const run = await ret(['route', file('broken.json', '{ "language": ')])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/intake: De invoer is geen geldige JSON/)
    expect(run.stderr).toMatch(/intake: The input is not valid JSON/)
    noStackTrace(run)
    const empty = await ret(['validate', '-'], '')
    expect(empty.code).toBe(1)
    expect(empty.stderr).toMatch(/geen geldige JSON/)
  })

  it('JSON that is not an object, and an array', async () => {
    const [text, array] = await Promise.all([ret(['validate', '-'], '"hallo"'), ret(['validate', '-'], '[]')])
    for (const run of [text, array]) {
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('De intake moet een JSON-object zijn.')
    }
  })

  it('a missing file or a directory: a clear message, exit 1', async () => {
    const [missing, dir] = await Promise.all([
      ret(['route', join(tmp, 'no-such-file.json')]),
      ret(['validate', tmp, '--lang', 'nl']),
    ])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(
      `Bestand niet gevonden: ${join(tmp, 'no-such-file.json')}\nFile not found: ${join(tmp, 'no-such-file.json')}\n`,
    )
    expect(dir.code).toBe(1)
    expect(dir.stderr).toBe(`Het bestand ${tmp} kan niet worden gelezen (EISDIR).\n`)
  })

  it('wrong use of the command line: exit 2 with a message', async () => {
    const runs = await Promise.all([
      ret(['route']),
      ret(['route', 'a.json', 'b.json']),
      ret(['route', 'a.json', '--now', 'morgen']),
      ret(['route', 'a.json', '--now']),
      ret(['route', 'a.json', '--verbose']),
      ret(['frobnicate']),
      ret(['help', '--lang', 'de']),
    ])
    for (const run of runs) {
      expect(run.code).toBe(2)
      expect(run.stdout).toBe('')
      expect(run.stderr.trim().split('\n')).toHaveLength(2)
      noStackTrace(run)
    }
    const [missing, extra, badNow, noValue, unknownOption, unknownCommand, badLang] = runs.map(
      (r) => r.stderr,
    )
    expect(missing).toMatch(/route: geef een bestand op/)
    expect(extra).toMatch(/te veel argumenten \(b\.json\)/)
    expect(badNow).toMatch(/--now: .*ISO 8601/)
    expect(noValue).toMatch(/--now heeft een waarde nodig/)
    expect(unknownOption).toMatch(/onbekende optie --verbose/)
    expect(unknownCommand).toMatch(/Onbekend commando „frobnicate”/)
    expect(unknownCommand).toMatch(/Unknown command "frobnicate"/)
    expect(badLang).toMatch(/--lang: kies nl of en/)
  })

  it('help lists the commands in both languages, or one with --lang', async () => {
    const [both, en, none] = await Promise.all([ret(['help']), ret(['help', '--lang', 'en']), ret([])])
    expect(both.code).toBe(0)
    expect(both.stdout).toMatch(/^Gebruik: ret <commando>/)
    expect(both.stdout).toContain('\nUsage: ret <command>')
    for (const name of ['help', 'route', 'validate']) expect(both.stdout).toMatch(new RegExp(`\\n  ${name} `))
    expect(en.stdout).not.toContain('Gebruik')
    expect(en.stdout).toContain('routes an intake')
    expect(none).toEqual(both)
  })
})
