import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PDFDocument } from 'pdf-lib'
import { afterAll, describe, expect, it } from 'vitest'
import { buildPdfCommand, CONCEPT_REFERENCE } from '../../src/cli/commands/pdf'
import type { CliContext } from '../../src/cli/types'
import type { Lang } from '../../src/domain/enums'
import { parseIntake } from '../../src/domain/intake'
import { SAMPLES_DIR } from '../fixtures/samples'

const dir = mkdtempSync(join(tmpdir(), 'ret-pdf-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const samplePath = `${SAMPLES_DIR}sample-unicode-names.json`
const sample = readFileSync(samplePath, 'utf8')
const intakeText = JSON.stringify(JSON.parse(sample).intake)
const intakePath = join(dir, 'intake.json')
writeFileSync(intakePath, intakeText)

/** The command with an in-memory disk and captured output. */
function setup(lang: Lang | null = null, stdin = '') {
  const written = new Map<string, Uint8Array>()
  const out: string[] = []
  const err: string[] = []
  const ctx: CliContext = {
    lang,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readStdin: async () => stdin,
    now: () => new Date('2026-11-23T09:00:00Z'),
  }
  const command = buildPdfCommand({
    writeFile: async (path, bytes) => {
      if (path.startsWith('/readonly/')) throw Object.assign(new Error('denied'), { code: 'EACCES' })
      written.set(path, bytes)
    },
  })
  return { run: (args: string[]) => command.run(args, ctx), written, out, err }
}

describe('ret pdf', () => {
  it('renders an intake file to <reference>.pdf, Dutch, with the concept reference by default', async () => {
    const { run, written, out, err } = setup()
    expect(await run([intakePath])).toBe(0)
    expect(err).toEqual([])
    const doc = await PDFDocument.load(written.get(`${CONCEPT_REFERENCE}.pdf`)!)
    expect(doc.getTitle()).toBe('Aanmelding RET RET-CONCEPT')
    expect(doc.getCreationDate()?.toISOString()).toBe('2026-11-23T09:00:00.000Z')
    expect(out[0]).toMatch(/^PDF geschreven: RET-CONCEPT\.pdf \(\d+ pagina's, \d+ kB\)$/)
    expect(out[1]).toMatch(/^PDF written: RET-CONCEPT\.pdf/)
  })

  it('honours -o, --now, --reference and the language, and reads a sample file { intake, expected }', async () => {
    const { run, written, out } = setup('en')
    const code = await run([
      samplePath,
      '-o',
      'out.pdf',
      '--now',
      '2026-07-01T10:00:00+02:00',
      '--reference',
      'RET-2026-0007',
    ])
    expect(code).toBe(0)
    const doc = await PDFDocument.load(written.get('out.pdf')!)
    expect(doc.getTitle()).toBe('RET referral RET-2026-0007')
    expect(doc.getCreationDate()?.toISOString()).toBe('2026-07-01T08:00:00.000Z')
    expect(out).toEqual([expect.stringMatching(/^PDF written: out\.pdf \(\d+ pages, \d+ kB\)$/)])
  })

  it('reads the intake from standard input with -', async () => {
    const { run, written } = setup('nl', intakeText)
    expect(await run(['-', '--out', 'stdin.pdf'])).toBe(0)
    expect(new TextDecoder().decode(written.get('stdin.pdf')!.subarray(0, 5))).toBe('%PDF-')
  })

  it('explains wrong use in the user’s language and writes nothing', async () => {
    const cases: [string[], number, string][] = [
      [[], 2, 'pdf'],
      [[intakePath, '--colour', 'x'], 2, '--colour'],
      [[intakePath, '--now', 'gisteren'], 2, '--now'],
      [[intakePath, '--reference', 'ret 7'], 2, '--reference: gebruik hoofdletters'],
      [[join(dir, 'missing.json')], 1, 'missing.json'],
    ]
    for (const [args, exit, message] of cases) {
      const { run, err, written } = setup('nl')
      expect(await run(args), args.join(' ')).toBe(exit)
      expect(err.join('\n'), args.join(' ')).toContain(message)
      expect(written.size).toBe(0)
    }
  })

  it('lists what is wrong with an invalid intake, field by field', async () => {
    const broken = JSON.parse(intakeText)
    broken.child.birthYear = 'tien'
    delete broken.urgency
    const file = join(dir, 'broken.json')
    writeFileSync(file, JSON.stringify(broken))
    const { run, err, written } = setup('nl')
    expect(await run([file])).toBe(1)
    const parsed = parseIntake(broken)
    if (parsed.ok) throw new Error('the broken intake parsed')
    expect(err.slice(1)).toEqual(parsed.errors.map((e) => e.nl))
    expect(err.some((l) => l.startsWith('child.birthYear:'))).toBe(true)
    expect(err.some((l) => l.startsWith('urgency:'))).toBe(true)
    expect(written.size).toBe(0)
  })

  it('reports a file it cannot write', async () => {
    const { run, err } = setup('en')
    expect(await run([intakePath, '-o', '/readonly/x.pdf'])).toBe(1)
    expect(err).toEqual(['Cannot write /readonly/x.pdf (EACCES).'])
  })
})
