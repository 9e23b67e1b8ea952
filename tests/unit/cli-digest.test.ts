import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { command } from '../../src/cli/commands/digest'
import type { CliContext } from '../../src/cli/types'

const dir = mkdtempSync(join(tmpdir(), 'ret-digest-'))

function file(name: string, content: string): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const EXAMPLE = {
  reference: 'RET-2026-0007',
  status: 'in_triage',
  statusSince: '2026-11-02T09:00:00+01:00',
  submittedAt: '2026-11-02T09:00:00+01:00',
  triagedAt: null,
  scheduledFor: null,
  advisedAt: null,
  followUpDoneAt: null,
  intervention: 'ROP',
  municipality: 'Assen',
  pseudonym: 'J.',
  owner: null,
}

async function run(args: string[], stdin = '', lang: CliContext['lang'] = null) {
  const out: string[] = []
  const err: string[] = []
  const ctx: CliContext = {
    lang,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readStdin: async () => stdin,
    now: () => {
      throw new Error('the digest command must not read the system clock')
    },
  }
  const code = await command.run(args, ctx)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('ret digest', () => {
  it('prints the digest model for a file', async () => {
    const cases = file('cases.json', JSON.stringify([EXAMPLE]))
    const { code, out, err } = await run(['--cases', cases, '--now', '2026-11-23T08:00:00+01:00'])
    expect(err).toBe('')
    expect(code).toBe(0)
    const digest = JSON.parse(out)
    expect(digest.week).toBe('2026-W48')
    expect(digest.stalled).toHaveLength(1)
    expect(digest.stalled[0]).toMatchObject({
      reference: 'RET-2026-0007',
      pseudonym: 'J.',
      status: 'in_triage',
      rule: 'triage_overdue',
      workingDaysInStatus: 15,
      owner: null,
    })
    expect(digest.counts.byIntervention.ROP).toBe(1)
    expect(digest.leadTimes.ROP.submissionToTriage).toEqual({ median: null, p90: null, n: 0 })
  })

  it('reads standard input for --cases - and accepts --name=value', async () => {
    const { code, out } = await run(
      ['--cases=-', '--now=2026-11-05T12:00:00+01:00'],
      JSON.stringify([EXAMPLE]),
    )
    expect(code).toBe(0)
    expect(JSON.parse(out).stalled).toEqual([])
  })

  it('is deterministic for a fixed --now', async () => {
    const cases = file('same.json', JSON.stringify([EXAMPLE]))
    const a = await run(['--cases', cases, '--now', '2026-11-23T07:00:00Z'])
    const b = await run(['--now', '2026-11-23T07:00:00Z', '--cases', cases])
    expect(a.out).toBe(b.out)
  })

  it.each<[string, string[], number, string, string]>([
    ['no options', [], 2, 'Optie --cases ontbreekt', 'Option --cases is missing'],
    ['no --now', ['--cases', '-'], 2, 'Optie --now ontbreekt', 'Option --now is missing'],
    [
      'a bare argument',
      ['cases.json', '--now', '2026-11-23T07:00:00Z'],
      2,
      'geen losse argumenten',
      'no bare arguments',
    ],
    [
      'an unknown option',
      ['--cases', '-', '--now', '2026-11-23T07:00:00Z', '--week', '48'],
      2,
      '--week',
      '--week',
    ],
    ['--now without a zone', ['--cases', '-', '--now', '2026-11-23T08:00:00'], 1, 'tijdzone', 'time zone'],
    ['--now not a time', ['--cases', '-', '--now', 'monday'], 1, 'ISO 8601', 'ISO 8601'],
    [
      'a missing file',
      ['--cases', join(dir, 'nope.json'), '--now', '2026-11-23T07:00:00Z'],
      1,
      'nope.json',
      'nope.json',
    ],
  ])('%s → exit %i with a bilingual message', async (_name, args, exit, nl, en) => {
    const { code, out, err } = await run(args)
    expect(code).toBe(exit)
    expect(out).toBe('')
    expect(err).toContain(nl)
    expect(err).toContain(en)
  })

  it('rejects text that is not JSON, naming the file', async () => {
    const bad = file('bad.json', '[{ "reference": ')
    const { code, err } = await run(['--cases', bad, '--now', '2026-11-23T07:00:00Z'])
    expect(code).toBe(1)
    expect(err).toContain(`${bad} is geen geldige JSON`)
    expect(err).toContain(`${bad} is not valid JSON`)
  })

  it('rejects an unknown field naming the index and the field', async () => {
    const cases = file('extra.json', JSON.stringify([EXAMPLE, { ...EXAMPLE, birthDate: '2012-03-04' }]))
    const { code, out, err } = await run(['--cases', cases, '--now', '2026-11-23T07:00:00Z'])
    expect(code).toBe(1)
    expect(out).toBe('')
    expect(err).toContain('cases[1].birthDate: onbekend veld')
    expect(err).toContain('cases[1].birthDate: unknown field')
    expect(err).not.toContain('2012-03-04')
  })

  it('rejects an object instead of an array', async () => {
    const { code, err } = await run(
      ['--cases', '-', '--now', '2026-11-23T07:00:00Z'],
      JSON.stringify(EXAMPLE),
    )
    expect(code).toBe(1)
    expect(err).toContain('JSON-lijst')
    expect(err).toContain('JSON array')
  })

  it('speaks one language with --lang', async () => {
    const { err } = await run(['--cases', '-', '--now', 'monday'], '', 'en')
    expect(err).toContain('time zone')
    expect(err).not.toContain('tijdzone')
  })
})
