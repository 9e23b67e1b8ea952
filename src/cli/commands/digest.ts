import { z } from 'zod'
import { both } from '../../domain/copy'
import { buildDigest } from '../../domain/digest'
import { caseSummariesSchemaFor } from '../../domain/region'
import { parseCaseSummaries } from '../../domain/stalled'
import { parseArgs, printErrors, printMessage, REGION_OPTION, readJsonFile, resolveRegion } from '../io'
import { type CliCommand, EXIT } from '../types'

const instant = z.iso.datetime({ offset: true })

/**
 * `ret digest --cases <file|-> --now <ISO>`: reads case summaries (a JSON array, DOMAIN.md §6) and prints
 * the weekly digest model as pretty JSON. `--now` is required and must carry a time zone, so the output
 * is the same on every machine. `--region`: whose stalled-case limits and calendar apply (default drenthe).
 * Wrong use exits 2, bad input (file, JSON, summaries) exits 1.
 */
export const command: CliCommand = {
  async run(args, ctx) {
    const parsed = parseArgs('digest', args, {
      cases: { type: 'string' },
      now: { type: 'string' },
      ...REGION_OPTION,
    })
    if (!parsed.ok) {
      printMessage(ctx, parsed.error)
      printMessage(ctx, both('digest.cli.usage'))
      return EXIT.usage
    }
    const { options, positional } = parsed.value
    if (positional.length > 0) {
      printMessage(ctx, both('digest.cli.positional'))
      return EXIT.usage
    }
    for (const option of ['cases', 'now'] as const) {
      if (options[option] === undefined) {
        printMessage(ctx, both('digest.cli.missingOption', { option: `--${option}` }))
        printMessage(ctx, both('digest.cli.usage'))
        return EXIT.usage
      }
    }
    const region = resolveRegion(ctx, options.region)
    if (!region) return EXIT.usage
    const nowText = options.now as string
    if (!instant.safeParse(nowText).success) {
      printMessage(ctx, both('digest.cli.badNow'))
      return EXIT.badInput
    }
    const file = options.cases as string
    const read = await readJsonFile(ctx, file, 'digest.cli.invalidJson')
    if (!read.ok) return read.code
    const data = read.data
    const cases = parseCaseSummaries(data, caseSummariesSchemaFor(region))
    if (!cases.ok) {
      printErrors(ctx, cases.errors, both('digest.cli.invalidCases'))
      return EXIT.badInput
    }
    ctx.stdout(
      JSON.stringify(buildDigest(cases.value, new Date(nowText), { rules: region.stalled }), null, 2),
    )
    return EXIT.ok
  },
}
