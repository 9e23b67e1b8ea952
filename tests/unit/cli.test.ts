import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { COMMANDS, run as runRet } from '../../src/cli/main'
import { runCli } from '../../src/cli/run'
import type { CommandEntry } from '../../src/cli/types'
import { t } from '../../src/domain/copy'
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

/** Runs the command line in this process (`run(argv, io)`, as src/cli/main.ts does) with captured streams. */
async function ret(args: string[], stdin = '', entries?: readonly CommandEntry[]): Promise<Run> {
  const out: string[] = []
  const err: string[] = []
  const io = {
    stdout: (text: string) => out.push(`${text}\n`),
    stderr: (text: string) => err.push(`${text}\n`),
    readStdin: async () => stdin,
    now: () => new Date(NOW),
  }
  const code = entries ? await runCli(args, entries, io) : await runRet(args, io)
  return { code, stdout: out.join(''), stderr: err.join('') }
}

/** Runs the real entry point once, as a person does: `npm run --silent ret -- …` (tsx src/cli/main.ts). */
function retSpawned(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      'npm',
      ['run', '--silent', 'ret', '--', ...args],
      { cwd: root, env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        resolve({ code, stdout: String(stdout), stderr: String(stderr) })
      },
    )
    child.stdin?.end('')
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

describe('ret route / validate on every shared sample (in process)', () => {
  for (const sample of loadSamples()) {
    it(`${sample.name}: route prints the expected routing; validate prints ok`, async () => {
      const intakeFile = file(sample.name, JSON.stringify(sample.intake))
      const [routed, valid] = await Promise.all([
        ret(['route', intakeFile, '--now', NOW]),
        ret(['validate', SAMPLES_DIR + sample.name]),
      ])
      expect(routed.stderr).toBe('')
      expect(routed.code).toBe(0)
      const output = JSON.parse(routed.stdout)
      expect(Object.keys(output)).toEqual([
        'primary',
        'alternatives',
        'reasons',
        'gates',
        'missing',
        'scores',
      ])
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
      expect(valid).toEqual({ code: 0, stdout: 'ok\n', stderr: '' })
      const wrapped = await ret(['route', SAMPLES_DIR + sample.name, '--now', NOW])
      expect(wrapped).toEqual(routed)
    })
  }
})

describe('ret: bad input (in process)', () => {
  it('reads the intake from standard input with -', async () => {
    const run = await ret(['route', '-', '--now=2026-01-01'], JSON.stringify(loadSample('rop').intake))
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).primary).toBe('ROP')
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

  it('text that is not JSON: a clear message, exit 1, no stack trace', async () => {
    const run = await ret(['route', file('broken.json', '{ "language": ')])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^De intake klopt niet:\nintake: De invoer is geen geldige JSON/)
    expect(run.stderr).toMatch(/\nThe intake is not valid:\nintake: The input is not valid JSON/)
    noStackTrace(run)
  })

  it('a missing file: a clear message, exit 1', async () => {
    const missing = join(tmp, 'no-such-file.json')
    const run = await ret(['route', missing])
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `Bestand niet gevonden: ${missing}\nFile not found: ${missing}\n`,
    })
  })

  it('an unknown command: exit 2 with a message', async () => {
    const run = await ret(['frobnicate', '--lang', 'en'])
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'Unknown command "frobnicate". See ret help.\n' })
  })

  it('help lists the commands', async () => {
    const run = await ret(['help'])
    expect(run.code).toBe(0)
    for (const name of ['help', 'route', 'validate']) expect(run.stdout).toMatch(new RegExp(`\\n  ${name} `))
  })
})

describe('ret: edge cases (in process)', () => {
  it('uses --now for the age: 22 in 2026 fires the 18-/18+ rule, 23 in 2027 does not', async () => {
    const intake = structuredClone(loadSample('rst').intake) as { child: { birthYear: number } }
    intake.child.birthYear = 2004
    const text = JSON.stringify(intake)
    const rules = (run: Run) => JSON.parse(run.stdout).reasons.map((r: { rule: string }) => r.rule)
    expect(rules(await ret(['route', '-', '--now', '2026-06-01T12:00:00Z'], text))).toContain(
      'et_transition_18',
    )
    expect(rules(await ret(['route', '-', '--now', '2027-06-01T12:00:00Z'], text))).not.toContain(
      'et_transition_18',
    )
    // Without --now the context's clock (here fixed in 2026) counts.
    expect(rules(await ret(['route', '-'], text))).toContain('et_transition_18')
  })

  it('--lang en prints English only, --lang nl Dutch only', async () => {
    const en = await ret(['validate', '-', '--lang', 'en'], '{"language":"fr"}')
    expect(en.code).toBe(1)
    expect(en.stderr).toContain('language: invalid value. Choose one of: nl, en.')
    expect(en.stderr).toContain('acuteDanger: this field is required.')
    expect(en.stderr).not.toMatch(/verplicht|ongeldige/)
    const nl = await ret(['--lang=nl', 'validate', '-'], '{"language":"fr"}')
    expect(nl.stderr).toContain('acuteDanger: dit veld is verplicht.')
    expect(nl.stderr).not.toMatch(/required/)
  })

  it('route on an invalid intake: a heading and the errors on stderr, nothing on stdout, exit 1', async () => {
    const run = await ret(['route', '-', '--now', NOW], '{"language":"nl"}')
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^De intake klopt niet:\n/)
    expect(run.stderr).toContain('\nThe intake is not valid:\n')
    expect(run.stderr).toContain('referrer: dit veld is verplicht.')
  })

  it('empty input, JSON that is not an object, an array', async () => {
    const empty = await ret(['validate', '-'], '')
    expect(empty.code).toBe(1)
    expect(empty.stderr).toMatch(/geen geldige JSON/)
    for (const text of ['"hallo"', '[]', 'null']) {
      const run = await ret(['validate', '-'], text)
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('De intake moet een JSON-object zijn.')
    }
  })

  it('a wrapper with other keys than intake/expected is validated as an intake (strictly)', async () => {
    const run = await ret(
      ['validate', '-', '--lang', 'en'],
      JSON.stringify({ ...loadSample('rop'), name: 'x' }),
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('intake: unknown field')
  })

  it('a directory: a clear message, exit 1', async () => {
    const dir = await ret(['validate', tmp, '--lang', 'nl'])
    expect(dir).toEqual({
      code: 1,
      stdout: '',
      stderr: `Het bestand ${tmp} kan niet worden gelezen (EISDIR).\n`,
    })
  })

  it('wrong use of the command line: exit 2 with a message in both languages', async () => {
    const cases: [string[], RegExp][] = [
      [['route'], /route: geef een bestand op/],
      [['validate'], /validate: geef een bestand op/],
      [['route', 'a.json', 'b.json'], /te veel argumenten \(b\.json\)/],
      [['route', 'a.json', '--now', 'morgen'], /--now: .*ISO 8601/],
      [['route', 'a.json', '--now', '2026-13-45'], /--now: .*ISO 8601/],
      [['route', 'a.json', '--now'], /--now heeft een waarde nodig/],
      [['route', 'a.json', '--verbose'], /route: onbekende optie --verbose/],
      [['validate', 'a.json', '--now', NOW], /validate: onbekende optie --now/],
      [['frobnicate'], /Onbekend commando „frobnicate”/],
      [['help', '--lang', 'de'], /--lang: kies nl of en/],
      [['help', '--lang'], /--lang: kies nl of en/],
    ]
    for (const [args, message] of cases) {
      const run = await ret(args)
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stdout).toBe('')
      expect(run.stderr).toMatch(message)
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(2)
    }
  })

  it('a failing command: a bilingual message without a stack trace, exit 1', async () => {
    const broken: CommandEntry[] = [
      {
        name: 'boom',
        summary: 'routing.cli.help',
        usage: 'routing.cli.usage',
        load: async () => ({
          command: {
            run: async () => {
              throw new Error('disk full')
            },
          },
        }),
      },
    ]
    const run = await ret(['boom'], '', broken)
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Het commando is mislukt: disk full\nThe command failed: disk full\n',
    })
  })

  it('help in both languages, one language with --lang, and without a command', async () => {
    const [both, en, none, dashH] = [
      await ret(['help']),
      await ret(['help', '--lang', 'en']),
      await ret([]),
      await ret(['--help']),
    ]
    expect(both.code).toBe(0)
    expect(both.stdout).toMatch(/^Gebruik: ret <commando>/)
    expect(both.stdout).toContain('\nUsage: ret <command>')
    expect(en.stdout).not.toContain('Gebruik')
    expect(en.stdout).toContain('routes an intake')
    expect(none).toEqual(both)
    expect(dashH).toEqual(both)
    const one = await ret(['help', 'validate', '--lang', 'en'])
    expect(one.stdout).toContain('validate')
    expect(one.stdout).not.toMatch(/\n {2}route /)
  })

  it('registers every command with a summary in both languages', () => {
    for (const entry of COMMANDS) {
      expect(t('nl', entry.summary), entry.name).not.toBe(entry.summary)
      expect(t('en', entry.summary), entry.name).not.toBe(entry.summary)
    }
  })
})

describe('ret <command> --help (node:util parseArgs)', () => {
  const usages: [string, RegExp, RegExp][] = [
    ['route', /^ret route <bestand\|->/, /^ret route <file\|->/],
    ['validate', /^ret validate <bestand\|->/, /^ret validate <file\|->/],
    ['pdf', /^ret pdf <bestand\|->/, /^ret pdf <file\|->/],
    ['digest', /^Gebruik: ret digest --cases/, /^Usage: ret digest --cases/],
    ['rotate-key', /^Gebruik: ret rotate-key/, /^Usage: ret rotate-key/],
    ['erase', /^Gebruik: ret erase RET-/, /^Usage: ret erase RET-/],
    ['audit', /^Gebruik: ret audit RET-/, /^Usage: ret audit RET-/],
  ]
  for (const [name, nl, en] of usages) {
    it(`${name} --help prints its usage in both languages and exits 0 without running`, async () => {
      const help = await ret([name, '--help'])
      expect(help.code).toBe(0)
      expect(help.stderr).toBe('')
      const [first, second, ...rest] = help.stdout.split('\n')
      expect(first).toMatch(nl)
      expect(second).toMatch(en)
      expect(rest).toEqual([''])
      // -h is the same; --lang picks one language; extra arguments do not make it run.
      expect(await ret([name, 'RET-2026-0001', '-h'])).toEqual(help)
      const english = await ret([name, '--help', '--lang', 'en'])
      expect(english).toEqual({ code: 0, stdout: `${second}\n`, stderr: '' })
    })
  }

  it('after -- a --help is an argument, not a request for help', async () => {
    const run = await ret(['validate', '--', '--help'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('Bestand niet gevonden: --help')
  })

  it('short and boolean options: pdf -o, audit --json; a value on a flag is refused', async () => {
    expect((await ret(['pdf', 'a.json', '-o'])).stderr).toMatch(/pdf: de optie -o heeft een waarde nodig/)
    const flag = await ret(['audit', 'RET-2026-0001', '--json=yes'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(/audit: onbekende optie --json/)
    const ambiguous = await ret(['route', 'a.json', '--now', '--lang', 'en'])
    expect(ambiguous.code).toBe(2)
    expect(ambiguous.stderr).toBe('route: the option --now needs a value.\n')
  })
})

describe('ret: the real entry point (one spawned smoke test)', () => {
  it('npm run --silent ret -- route <file> prints the routing and exits 0', { timeout: 60_000 }, async () => {
    const sample = loadSample('rop')
    const path = file('smoke.json', JSON.stringify(sample.intake))
    const spawned = await retSpawned(['route', path, '--now', NOW])
    expect(spawned.stderr).toBe('')
    expect(spawned.code).toBe(0)
    expect(spawned).toEqual(await ret(['route', path, '--now', NOW]))
    expect(JSON.parse(spawned.stdout).primary).toBe(sample.expected.primary)
  })
})
