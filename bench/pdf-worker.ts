import { BUNDLED_PDF_FONTS } from '../adapters/pdf/fonts'
import { renderReportPdf } from '../adapters/pdf/render'
import { parseIntake } from '../src/domain/intake'
import { buildReport } from '../src/domain/report'
import { route } from '../src/domain/routing'
import { DEFAULT_RULES } from '../src/domain/rules'
import sample from '../tests/fixtures/intakes/sample-rop.json'

/**
 * The bench's PDF worker: renders the 3-page intake of bench/pdf.ts on every request, with the code and
 * font the real Worker bundles (adapters/pdf, assets/fonts as binary data). The answer is the PDF.
 */
const parsed = parseIntake(structuredClone(sample.intake))
if (!parsed.ok) throw new Error('bench: sample-rop does not parse')
const intake = parsed.value
intake.referrer.name = 'Ĳsbrand Łukasiewicz-Őrs'
intake.question = 'Wij vragen het RET mee te denken over een passende, duurzame plek voor J. '
  .repeat(14)
  .trim()
intake.perspective = 'Moeder: „We willen dat J. dichtbij blijft.” J.: ik wil naar mijn oude school. '
  .repeat(10)
  .trim()
intake.help.history = Array.from({ length: 6 }, (_, i) => ({
  what: `Traject ${i + 1}: ambulante gezinsbehandeling`,
  provider: `Aanbieder ${i + 1}`,
  from: '2024-01',
  to: i % 3 === 0 ? null : '2024-09',
  result: 'gestopt' as const,
  why: 'Geen voortgang; ouders haakten af na wisselingen van hulpverlener.',
}))
const SUBMITTED = new Date('2026-11-20T09:12:00Z')
const decision = route(intake, DEFAULT_RULES, SUBMITTED)

export default {
  async fetch(): Promise<Response> {
    const model = buildReport({
      intake,
      decision,
      reference: 'RET-2026-0042',
      submittedAt: SUBMITTED,
      generatedAt: new Date(),
      lang: 'nl',
      events: [
        { type: 'submitted', at: '2026-11-20T09:12:00Z', to: 'submitted' },
        { type: 'startTriage', at: '2026-11-20T13:40:00Z', to: 'in_triage' },
      ],
    })
    const bytes = await renderReportPdf(model, BUNDLED_PDF_FONTS)
    return new Response(bytes, { headers: { 'content-type': 'application/pdf' } })
  },
}
