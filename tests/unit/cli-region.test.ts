import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { command as digestCommand } from '../../src/cli/commands/digest'
import { buildPdfCommand } from '../../src/cli/commands/pdf'
import { run as runRet } from '../../src/cli/main'
import type { CliContext } from '../../src/cli/types'
import { t } from '../../src/domain/copy'
import { loadSample } from '../fixtures/samples'

/** `ret --region <id>` for route, validate, pdf and digest (issue 16 §2). */

const NOW = '2026-11-23T09:00:00+01:00'
const dir = mkdtempSync(join(tmpdir(), 'ret-region-'))

function intakeFile(name: string, municipality: string): string {
  const intake = structuredClone(loadSample(name).intake) as { child: { municipality: string } }
  intake.child.municipality = municipality
  const path = join(dir, `${name}-${municipality}.json`)
  writeFileSync(path, JSON.stringify(intake))
  return path
}

function context() {
  const out: string[] = []
  const err: string[] = []
  const ctx: CliContext = {
    lang: null,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readStdin: async () => '',
    now: () => new Date(NOW),
  }
  return { ctx, out, err }
}

async function ret(args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await runRet(args, {
    stdout: (text: string) => out.push(text),
    stderr: (text: string) => err.push(text),
    readStdin: async () => '',
    now: () => new Date(NOW),
  })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('ret validate / route --region', () => {
  it('validate --region ijsselland accepts a Zwolle intake and refuses an Assen one', async () => {
    const zwolle = await ret(['validate', intakeFile('mda', 'Zwolle'), '--region', 'ijsselland'])
    expect(zwolle).toMatchObject({ code: 0, out: 'ok', err: '' })
    const assen = await ret(['validate', intakeFile('mda', 'Assen'), '--region', 'ijsselland'])
    expect(assen.code).toBe(1)
    expect(assen.err).toMatch(/^child\.municipality: /m)
    expect(assen.err).toContain('Zwolle')
  })

  it('without --region the default is Drenthe: Assen is accepted, Zwolle refused', async () => {
    expect((await ret(['validate', intakeFile('mda', 'Assen')])).code).toBe(0)
    expect((await ret(['validate', intakeFile('mda', 'Zwolle')])).code).toBe(1)
    expect((await ret(['validate', intakeFile('mda', 'Assen'), '--region', 'drenthe'])).code).toBe(0)
  })

  it("route --region ijsselland routes a Zwolle intake to the region's one intervention", async () => {
    const run = await ret(['route', intakeFile('mda', 'Zwolle'), '--region', 'ijsselland', '--now', NOW])
    expect(run.code).toBe(0)
    const output = JSON.parse(run.out)
    expect(output.primary).toBe('EXPERTTAFEL')
    expect(output.alternatives).toEqual([])
    expect(Object.keys(output.scores)).toEqual(['EXPERTTAFEL'])
    // The same intake in Drenthe goes to MDA++ (the sample's expected routing).
    const drenthe = await ret(['route', intakeFile('mda', 'Assen'), '--now', NOW])
    expect(JSON.parse(drenthe.out).primary).toBe(loadSample('mda').expected.primary)
    expect(Object.keys(JSON.parse(drenthe.out).scores)).toHaveLength(5)
  })

  it('refuses an unknown region in Dutch and English, naming the known ones', async () => {
    const run = await ret(['route', intakeFile('mda', 'Zwolle'), '--region', 'atlantis'])
    expect(run.code).toBe(2)
    expect(run.err).toContain('--region: onbekende regio „atlantis”; kies een van drenthe, ijsselland.')
    expect(run.err).toContain('--region: unknown region "atlantis"; choose one of drenthe, ijsselland.')
  })
})

describe('ret pdf --region', () => {
  it("renders an IJsselland intake with the region's intervention name, then restores the shared copy", async () => {
    const written = new Map<string, Uint8Array>()
    const pdf = buildPdfCommand({ writeFile: async (path, bytes) => void written.set(path, bytes) })
    const { ctx, err } = context()
    const out = join(dir, 'ijsselland.pdf')
    const code = await pdf.run(
      [intakeFile('experttafel', 'Zwolle'), '--region', 'ijsselland', '-o', out, '--now', NOW],
      ctx,
    )
    expect(err).toEqual([])
    expect(code).toBe(0)
    writeFileSync(out, written.get(out) as Uint8Array)
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', out, '-'], { encoding: 'utf8' })
    expect(text).toContain('Expertconsultatie')
    expect(text).toContain('Zwolle')
    expect(text).not.toContain('enum.municipality')
    expect(t('nl', 'enum.intervention.EXPERTTAFEL')).toBe('Experttafel')
    expect(t('nl', 'app.name')).toBe('RET-intake Drenthe')
  })
})

describe('ret digest --region', () => {
  const summary = (municipality: string, intervention: string) => ({
    reference: 'RET-2026-0007',
    status: 'submitted',
    statusSince: '2026-11-17T09:00:00+01:00',
    submittedAt: '2026-11-17T09:00:00+01:00',
    triagedAt: null,
    scheduledFor: null,
    advisedAt: null,
    followUpDoneAt: null,
    intervention,
    municipality,
    pseudonym: 'J.',
    owner: null,
  })
  const digest = async (cases: unknown[], region?: string) => {
    const path = join(dir, `cases-${Math.random()}.json`)
    writeFileSync(path, JSON.stringify(cases))
    const { ctx, out, err } = context()
    const code = await digestCommand.run(
      ['--cases', path, '--now', '2026-11-23T08:00:00+01:00', ...(region ? ['--region', region] : [])],
      ctx,
    )
    return { code, out: out.join('\n'), err: err.join('\n') }
  }

  it("counts IJsselland's own triage limit (5 working days) where Drenthe's is 3", async () => {
    // Submitted Tuesday 17 November: four working days before Monday 23 November.
    const drenthe = await digest([summary('Assen', 'EXPERTTAFEL')])
    expect(drenthe.code).toBe(0)
    expect(JSON.parse(drenthe.out).stalled.map((s: { rule: string }) => s.rule)).toEqual(['triage_overdue'])
    const ij = await digest([summary('Zwolle', 'EXPERTTAFEL')], 'ijsselland')
    expect(ij.err).toBe('')
    expect(JSON.parse(ij.out).stalled).toEqual([])
  })

  it("refuses summaries outside the region's municipalities and interventions", async () => {
    const assen = await digest([summary('Assen', 'EXPERTTAFEL')], 'ijsselland')
    expect(assen.code).toBe(1)
    expect(assen.err).toContain('cases[0].municipality')
    const rop = await digest([summary('Zwolle', 'ROP')], 'ijsselland')
    expect(rop.code).toBe(1)
    expect(rop.err).toContain('cases[0].intervention')
  })
})
