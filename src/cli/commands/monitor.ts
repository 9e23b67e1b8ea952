import { z } from 'zod'
import { both } from '../../domain/copy'
import { buildMonitoring, parseMonitoringCases, parseMonitoringQuery } from '../../domain/monitoring'
import { parseArgs, printErrors, printMessage, REGION_OPTION, readJsonFile, resolveRegion } from '../io'
import { type CliCommand, EXIT } from '../types'

const instant = z.iso.datetime({ offset: true })

/**
 * `ret monitor --cases <file|-> --from <date> --to <date> [--now <ISO>] [--municipality …] [--intervention …]
 * [--region <id>]`: the region pack (default drenthe) gives the municipalities, interventions, limits and calendar;
 * reads case summaries (the digest's, plus `careStartedAt`, `followUp` and the other optional fields of
 * `MonitoringCaseSchema`) and prints the monitoring model as pretty JSON. "Waiting now" is as of `--now`,
 * the system clock when absent. Wrong use exits 2, bad input (file, JSON, summaries, period) exits 1.
 */
export const command: CliCommand = {
  async run(args, ctx) {
    const parsed = parseArgs('monitor', args, {
      cases: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      now: { type: 'string' },
      municipality: { type: 'string' },
      intervention: { type: 'string' },
      ...REGION_OPTION,
    })
    if (!parsed.ok) {
      printMessage(ctx, parsed.error)
      printMessage(ctx, both('monitoring.cli.usage'))
      return EXIT.usage
    }
    const { options, positional } = parsed.value
    if (positional.length > 0) {
      printMessage(ctx, both('monitoring.cli.positional'))
      return EXIT.usage
    }
    for (const option of ['cases', 'from', 'to'] as const) {
      if (options[option] === undefined) {
        printMessage(ctx, both('monitoring.cli.missingOption', { option: `--${option}` }))
        printMessage(ctx, both('monitoring.cli.usage'))
        return EXIT.usage
      }
    }
    const nowText = options.now as string | undefined
    if (nowText !== undefined && !instant.safeParse(nowText).success) {
      printMessage(ctx, both('monitoring.cli.badNow'))
      return EXIT.badInput
    }
    const region = resolveRegion(ctx, options.region as string | undefined)
    if (!region) return EXIT.usage
    const query = parseMonitoringQuery(
      {
        from: options.from,
        to: options.to,
        municipality: options.municipality ?? null,
        intervention: options.intervention ?? null,
      },
      region,
    )
    if (!query.ok) {
      printErrors(ctx, query.errors, both('monitoring.cli.invalidQuery'))
      return EXIT.badInput
    }
    const file = options.cases as string
    const read = await readJsonFile(ctx, file, 'monitoring.cli.invalidJson')
    if (!read.ok) return read.code
    const data = read.data
    const cases = parseMonitoringCases(data, region)
    if (!cases.ok) {
      printErrors(ctx, cases.errors, both('monitoring.cli.invalidCases'))
      return EXIT.badInput
    }
    const now = nowText === undefined ? ctx.now() : new Date(nowText)
    const model = buildMonitoring(cases.value, query.value, now, region.stalled, region)
    ctx.stdout(JSON.stringify(model, null, 2))
    return EXIT.ok
  },
}
