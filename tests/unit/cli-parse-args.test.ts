import { parseArgs } from 'node:util'
import { describe, expect, it } from 'vitest'
import { type OptionSpec, parseArgsSubset, parseStrict } from '../../src/cli/parse-args'

/** Every option form the commands declare: string, string with a short form, boolean, and --help/-h. */
const SPEC: OptionSpec = {
  out: { type: 'string', short: 'o' },
  now: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
}

type Outcome =
  | { ok: true; values: unknown; positionals: string[] }
  | { ok: false; code: unknown; option: string }

function outcome(parse: () => { values: unknown; positionals: string[] }): Outcome {
  try {
    const { values, positionals } = parse()
    return { ok: true, values: { ...(values as object) }, positionals }
  } catch (error) {
    const message = error instanceof Error ? error.message : ''
    return {
      ok: false,
      code: (error as { code?: unknown }).code,
      option: /'(-{1,2}[^'\s=,]*)/.exec(message)?.[1] ?? '?',
    }
  }
}

const CASES: string[][] = [
  [],
  ['a.json'],
  ['-'],
  ['a.json', '--now', '2026-01-01'],
  ['--now=2026-01-01', 'a.json'],
  ['--now='],
  ['a.json', '-o', 'out.pdf'],
  ['a.json', '--out', 'x', '--out', 'y'],
  ['--json', 'RET-2026-0001'],
  ['--json=yes'],
  ['-h'],
  ['--help', 'x'],
  ['--verbose'],
  ['--verbose=1'],
  ['-x'],
  ['a.json', '--now'],
  ['a.json', '-o'],
  ['--now', '--json'],
  ['--now', '-5'],
  ['--now', '-'],
  ['--', '--help', '-o'],
  ['a', '--', 'b'],
]

describe('the parseArgs subset for runtimes without node:util parseArgs (workerd)', () => {
  for (const args of CASES) {
    it(`answers like Node's parseArgs: ${JSON.stringify(args)}`, () => {
      const node = outcome(() => parseArgs({ args, options: SPEC, strict: true, allowPositionals: true }))
      expect(outcome(() => parseArgsSubset(args, SPEC))).toEqual(node)
    })
  }

  it('on Node the command line uses Node’s own parser', () => {
    expect(outcome(() => parseStrict(['a', '--now', 'x'], SPEC))).toEqual({
      ok: true,
      values: { now: 'x' },
      positionals: ['a'],
    })
    expect(parseStrict.name).toBe('nodeStrict')
  })
})
