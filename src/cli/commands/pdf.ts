import { writeFile } from 'node:fs/promises'
import { PDFDocument } from 'pdf-lib'
import { loadPdfFontsFromDisk } from '../../../adapters/pdf/fonts-node'
import { renderReportPdf } from '../../../adapters/pdf/render'
import { type Bilingual, both } from '../../domain/copy'
import { buildReport, pdfFileName } from '../../domain/report'
import { route } from '../../domain/routing'
import {
  parseArgs,
  parseIsoTime,
  printErrors,
  printMessage,
  REGION_OPTION,
  readIntakeArgument,
  resolveRegion,
  withRegionCopy,
} from '../io'
import { type CliCommand, type CliContext, EXIT } from '../types'

/** The reference a PDF made outside a case gets. */
export const CONCEPT_REFERENCE = 'RET-CONCEPT'

const REFERENCE = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$/

/** Where the command writes; injectable so tests need no disk. */
export interface PdfCommandDeps {
  writeFile: (path: string, bytes: Uint8Array) => Promise<void>
}

function printOut(ctx: CliContext, message: Bilingual): void {
  if (ctx.lang !== 'en') ctx.stdout(message.nl)
  if (ctx.lang !== 'nl') ctx.stdout(message.en)
}

/**
 * `ret pdf <intake.json|-> [-o out.pdf] [--lang nl|en] [--now <ISO>] [--reference RET-…]`: renders the
 * intake PDF offline, routed with the rules of `--region` (default drenthe), in the region's own words. The PDF is Dutch unless `--lang en`; without `-o`
 * it is written to `<reference>.pdf` (default reference `RET-CONCEPT`) in the current directory.
 */
export function buildPdfCommand(deps: PdfCommandDeps = { writeFile }): CliCommand {
  return {
    async run(args, ctx) {
      const parsed = parseArgs('pdf', args, {
        out: { type: 'string', short: 'o' },
        now: { type: 'string' },
        reference: { type: 'string' },
        ...REGION_OPTION,
      })
      if (!parsed.ok) {
        printMessage(ctx, parsed.error)
        printMessage(ctx, both('pdf.cli.usage'))
        return EXIT.usage
      }
      const { options, positional } = parsed.value
      let now = ctx.now()
      if (options.now !== undefined) {
        const fixed = parseIsoTime(options.now)
        if (!fixed) {
          printMessage(ctx, both('routing.cli.badNow'))
          return EXIT.usage
        }
        now = fixed
      }
      const reference = options.reference ?? CONCEPT_REFERENCE
      if (!REFERENCE.test(reference)) {
        printMessage(ctx, both('pdf.cli.badReference'))
        return EXIT.usage
      }
      const region = resolveRegion(ctx, options.region)
      if (!region) return EXIT.usage
      const input = await readIntakeArgument(ctx, 'pdf', positional, region)
      if (!input.ok) {
        if (input.errors) printErrors(ctx, input.errors, both('routing.cli.invalidIntake'))
        return input.code
      }

      const lang = ctx.lang ?? 'nl'
      const intake = input.intake
      const bytes = await withRegionCopy(region, async () => {
        const model = buildReport({
          intake,
          decision: route(intake, region.rules, now),
          reference,
          submittedAt: null,
          generatedAt: now,
          lang,
        })
        return renderReportPdf(model, loadPdfFontsFromDisk())
      })
      const file = options.out ?? pdfFileName(reference)
      try {
        await deps.writeFile(file, bytes)
      } catch (error) {
        const code = String((error as { code?: unknown }).code ?? 'error')
        printMessage(ctx, both('pdf.cli.writeFailed', { file, code }))
        return EXIT.badInput
      }
      const pages = (await PDFDocument.load(bytes, { updateMetadata: false })).getPageCount()
      printOut(ctx, both('pdf.cli.written', { file, pages, kb: Math.ceil(bytes.length / 1024) }))
      return EXIT.ok
    },
  }
}

/** The registered command (src/cli/main.ts). */
export const command: CliCommand = buildPdfCommand()
