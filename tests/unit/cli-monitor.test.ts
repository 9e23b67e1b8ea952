import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { command } from '../../src/cli/commands/monitor'
import { run as runMain } from '../../src/cli/main'
import type { CliContext } from '../../src/cli/types'

const dir = mkdtempSync(join(tmpdir(), 'ret-monitor-'))

function file(name: string, content: string): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const ADVISED = {
  reference: 'RET-2026-0007',
  status: 'advised',
  statusSince: '2026-11-09T09:00:00+01:00',
  submittedAt: '2026-11-02T09:00:00+01:00',
  triagedAt: '2026-11-03T09:00:00+01:00',
  scheduledFor: '2026-11-06',
  advisedAt: '2026-11-09T09:00:00+01:00',
  followUpDoneAt: null,
  intervention: 'ROP',
  municipality: 'Assen',
  pseudonym: 'J.',
  owner: null,
  careStartedAt: '2026-11-16',
  followUp: {
    answeredAt: '2026-11-30T10:00:00+01:00',
    adviceFollowed: 'yes',
    careStarted: true,
    careStartedAt: '2026-11-16',
    goalsReached: 'partly',
    stoppedEarly: false,
    usefulness: 4,
  },
}

const CLOCK = new Date('2026-12-07T09:00:00+01:00')

async function run(args: string[], stdin = '') {
  const out: string[] = []
  const err: string[] = []
  const ctx: CliContext = {
    lang: null,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readStdin: async () => stdin,
    now: () => CLOCK,
  }
  const code = await command.run(args, ctx)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('ret monitor', () => {
  it('prints the monitoring model for a file, with no reference or pseudonym in it', async () => {
    const cases = file('cases.json', JSON.stringify([ADVISED]))
    const { code, out, err } = await run(['--cases', cases, '--from', '2026-10-01', '--to', '2026-12-31'])
    expect(err).toBe('')
    expect(code).toBe(0)
    const model = JSON.parse(out)
    expect(model.submitted).toBe(1)
    expect(model.generatedAt).toBe(CLOCK.toISOString())
    expect(model.leadTimes.overall.submissionToCare).toEqual({ median: 10, p90: 10, n: 1 })
    expect(model.leadTimes.overall.adviceToCare).toEqual({ median: 5, p90: 5, n: 1 })
    expect(model.quarters.map((q: { quarter: string }) => q.quarter)).toEqual(['2026-Q4'])
    expect(model.outcomes.usefulness.mean).toBe(4)
    expect(model.waiting.byStatus.advised).toBe(1)
    expect(out).not.toContain('RET-2026-0007')
    expect(out).not.toContain('"J."')
  })

  it('reads standard input, takes --now and the filters', async () => {
    const { code, out } = await run(
      [
        '--cases',
        '-',
        '--from',
        '2026-10-01',
        '--to',
        '2026-12-31',
        '--now',
        '2026-11-10T09:00:00+01:00',
        '--municipality',
        'Emmen',
      ],
      JSON.stringify([ADVISED]),
    )
    expect(code).toBe(0)
    const model = JSON.parse(out)
    expect(model.submitted).toBe(0)
    expect(model.filter).toEqual({ municipality: 'Emmen', intervention: null })
    expect(model.generatedAt).toBe('2026-11-10T08:00:00.000Z')
  })

  it.each([
    [['--from', '2026-10-01', '--to', '2026-12-31'], 2, 'Optie --cases ontbreekt.'],
    [['--cases', '-', '--to', '2026-12-31'], 2, 'Option --from is missing.'],
    [
      ['--cases', '-', '--from', '2026-12-31', '--to', '2026-10-01'],
      1,
      'the end date is before the start date',
    ],
    [['--cases', '-', '--from', '2026-13-01', '--to', '2026-12-31'], 1, 'vul een datum in als JJJJ-MM-DD'],
    [
      ['--cases', '-', '--from', '2026-10-01', '--to', '2026-12-31', '--intervention', 'XYZ'],
      1,
      'choose an intervention',
    ],
    [['--cases', '-', '--from', '2026-10-01', '--to', '2026-12-31', '--now', 'tomorrow'], 1, '--now:'],
    [['--cases', '-', 'extra', '--from', '2026-10-01', '--to', '2026-12-31'], 2, 'geen losse argumenten'],
  ])('%j exits %i with a clear message', async (args, exit, message) => {
    const { code, err, out } = await run(args, '[]')
    expect(code).toBe(exit)
    expect(out).toBe('')
    expect(err).toContain(message)
  })

  it('reports bad JSON and bad summaries in both languages', async () => {
    const bad = await run(['--cases', '-', '--from', '2026-10-01', '--to', '2026-12-31'], '{')
    expect(bad.code).toBe(1)
    expect(bad.err).toContain('geen geldige JSON')
    const wrong = await run(
      ['--cases', '-', '--from', '2026-10-01', '--to', '2026-12-31'],
      JSON.stringify([{ ...ADVISED, followUp: { ...ADVISED.followUp, usefulness: 9 } }]),
    )
    expect(wrong.code).toBe(1)
    expect(wrong.err).toContain('cases[0].followUp.usefulness')
    expect(wrong.err).toContain('The case summaries are not valid')
  })

  it('is registered in the command line', async () => {
    const out: string[] = []
    const code = await runMain(['help'], {
      stdout: (t) => out.push(t),
      stderr: () => {},
      readStdin: async () => '',
      now: () => CLOCK,
    })
    expect(code).toBe(0)
    expect(out.join('\n')).toContain('monitor')
  })
})

describe('ret monitor --region (issue 16)', () => {
  const ZWOLLE = { ...ADVISED, municipality: 'Zwolle', intervention: 'EXPERTTAFEL' }

  it("breaks an IJsselland file down by the pack's municipalities and its one intervention", async () => {
    const cases = file('ijsselland.json', JSON.stringify([ZWOLLE]))
    const args = ['--cases', cases, '--from', '2026-10-01', '--to', '2026-12-06', '--region', 'ijsselland']
    const { code, out } = await run(args)
    expect(code).toBe(0)
    const model = JSON.parse(out)
    expect(model.submitted).toBe(1)
    expect(Object.keys(model.leadTimes.byIntervention)).toEqual(['EXPERTTAFEL'])
    expect(Object.keys(model.leadTimes.byMunicipality)).toContain('Zwolle')
    expect(Object.keys(model.leadTimes.byMunicipality)).not.toContain('Assen')
    // Filters take the pack's values.
    const filtered = await run([...args, '--municipality', 'Zwolle', '--intervention', 'EXPERTTAFEL'])
    expect(filtered.code).toBe(0)
    expect(JSON.parse(filtered.out).submitted).toBe(1)
  })

  it("refuses another region's municipality, in the file and as a filter", async () => {
    const assen = file('assen.json', JSON.stringify([ADVISED]))
    const inFile = await run([
      '--cases',
      assen,
      '--from',
      '2026-10-01',
      '--to',
      '2026-12-06',
      '--region',
      'ijsselland',
    ])
    expect(inFile.code).toBe(1)
    expect(inFile.err).toContain('cases[0].municipality')
    const cases = file('zwolle.json', JSON.stringify([ZWOLLE]))
    const filter = await run([
      '--cases',
      cases,
      '--from',
      '2026-10-01',
      '--to',
      '2026-12-06',
      '--region',
      'ijsselland',
      '--municipality',
      'Assen',
    ])
    expect(filter.code).toBe(1)
  })

  it('without --region is Drenthe: Zwolle is refused; an unknown region is a usage error', async () => {
    const cases = file('zwolle-drenthe.json', JSON.stringify([ZWOLLE]))
    const drenthe = await run(['--cases', cases, '--from', '2026-10-01', '--to', '2026-12-06'])
    expect(drenthe.code).toBe(1)
    const unknown = await run([
      '--cases',
      cases,
      '--from',
      '2026-10-01',
      '--to',
      '2026-12-06',
      '--region',
      'atlantis',
    ])
    expect(unknown.code).toBe(2)
    expect(unknown.err).toContain('atlantis')
  })
})
