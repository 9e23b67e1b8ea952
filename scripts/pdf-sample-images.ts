// Renders the sample intake PDF shown in docs/pdf.md and its page images (docs/images/pdf-*.png).
// Usage: npx tsx scripts/pdf-sample-images.ts. Needs pdftoppm (poppler-utils): installed with apt-get
// when missing, as scripts/ensure-chromium.mjs does for chromium.
import { execFileSync, execSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadPdfFontsFromDisk } from '../adapters/pdf/fonts-node'
import { renderReportPdf } from '../adapters/pdf/render'
import { parseIntake } from '../src/domain/intake'
import { buildReport } from '../src/domain/report'
import { route } from '../src/domain/routing'
import { DEFAULT_RULES } from '../src/domain/rules'
import { loadSample } from '../tests/fixtures/samples'

const out = fileURLToPath(new URL('../docs/images/', import.meta.url))

function ensurePdftoppm(): void {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' })
  } catch {
    console.log('pdf-sample-images: pdftoppm missing, installing poppler-utils…')
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils', {
      stdio: 'inherit',
      shell: '/bin/bash',
    })
  }
}

const parsed = parseIntake(structuredClone(loadSample('rop').intake))
if (!parsed.ok) throw new Error('sample-rop does not parse')
const intake = parsed.value
intake.referrer.name = 'Ĳsbrand Łukasiewicz-Őrs'
intake.situation.safety = {
  signals: ['kindermishandeling'],
  structural: true,
  veiligThuis: 'advies',
  veiligThuisDate: '2026-10-02',
}
intake.help.history = [
  {
    what: 'Ambulante gezinsbehandeling',
    provider: 'Accare',
    from: '2024-03',
    to: '2024-11',
    result: 'gestopt',
    why: 'Moeder trok haar toestemming in na een conflict met de behandelaar.',
  },
  {
    what: 'Pleegzorg (netwerk)',
    provider: 'Yorneo',
    from: '2024-12',
    to: '2025-06',
    result: 'gestopt',
    why: 'Plaatsing liep vast; oma kon de zorg niet meer aan.',
  },
  {
    what: 'Gezinshuis',
    provider: 'Gezinshuis De Linde',
    from: '2025-07',
    to: null,
    result: 'loopt',
    why: 'Dreigt te stoppen: agressie naar andere kinderen in huis.',
  },
]
intake.question =
  'Wij vragen het RET mee te denken over een passende, duurzame plek voor J. Het gezinshuis geeft aan dat de plaatsing binnen enkele weken stopt. ' +
  'Drie aanbieders hebben J. afgewezen vanwege de combinatie van gedragsproblemen en een licht verstandelijke beperking. ' +
  'Graag advies over: (1) welke vorm van verblijf op de 5x-gezinsladder nog haalbaar is, (2) welke specialistische ondersteuning nodig is om een nieuwe plaatsing te laten slagen, en (3) wie de regie neemt zolang er geen plek is.'

const now = new Date('2026-11-23T14:05:00Z')
const decision = route(intake, DEFAULT_RULES, now)
ensurePdftoppm()
mkdirSync(out, { recursive: true })
for (const f of readdirSync(out)) if (/^pdf-sample-(nl|en)-\d+\.png$/.test(f)) rmSync(out + f)

for (const lang of ['nl', 'en'] as const) {
  const model = buildReport({
    intake,
    decision,
    reference: 'RET-2026-0042',
    submittedAt: new Date('2026-11-20T09:12:00Z'),
    generatedAt: now,
    lang,
    events: [
      { type: 'submitted', at: '2026-11-20T09:12:00Z', to: 'submitted' },
      { type: 'startTriage', at: '2026-11-20T13:40:00Z', to: 'in_triage' },
      { type: 'accept', at: '2026-11-23T08:30:00Z', to: 'accepted', data: { intervention: 'ROP' } },
    ],
    attachments: [
      {
        name: 'verklarende-analyse-J.pdf',
        contentType: 'application/pdf',
        size: 412_000,
        uploadedAt: '2026-11-20T09:20:00Z',
      },
    ],
  })
  const bytes = await renderReportPdf(model, loadPdfFontsFromDisk())
  const pdf = `${out}pdf-sample-${lang}.pdf`
  writeFileSync(pdf, bytes)
  execFileSync('pdftoppm', ['-r', '72', '-png', pdf, `${out}pdf-sample-${lang}`])
  rmSync(pdf)
  console.log(
    `${lang}: ${bytes.length} bytes, pages:`,
    readdirSync(out)
      .filter((f) => f.startsWith(`pdf-sample-${lang}-`))
      .join(' '),
  )
}
if (!existsSync(`${out}pdf-sample-nl-1.png`)) process.exit(1)
