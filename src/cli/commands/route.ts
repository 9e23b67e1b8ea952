import { both } from '../../domain/copy'
import { route, toRoutingOutput } from '../../domain/routing'
import {
  parseArgs,
  parseIsoTime,
  printErrors,
  printMessage,
  REGION_OPTION,
  readIntakeArgument,
  resolveRegion,
} from '../io'
import { type CliCommand, EXIT } from '../types'

/**
 * `ret route <file|-> [--now <ISO>] [--region <id>]`: prints the public routing output (DOMAIN.md §4) as pretty JSON.
 * `--now` fixes the clock (the age is counted in its calendar year); default the system clock. `--region`:
 * the region pack whose municipalities and routing rules apply (default drenthe).
 */
export const command: CliCommand = {
  async run(args, ctx) {
    const parsed = parseArgs('route', args, { now: { type: 'string' }, ...REGION_OPTION })
    if (!parsed.ok) {
      printMessage(ctx, parsed.error)
      return EXIT.usage
    }
    let now = ctx.now()
    const nowOption = parsed.value.options.now
    if (nowOption !== undefined) {
      const fixed = parseIsoTime(nowOption)
      if (!fixed) {
        printMessage(ctx, both('routing.cli.badNow'))
        return EXIT.usage
      }
      now = fixed
    }
    const region = resolveRegion(ctx, parsed.value.options.region)
    if (!region) return EXIT.usage
    const input = await readIntakeArgument(ctx, 'route', parsed.value.positional, region)
    if (!input.ok) {
      if (input.errors) printErrors(ctx, input.errors, both('routing.cli.invalidIntake'))
      return input.code
    }
    const output = toRoutingOutput(route(input.intake, region.rules, now), region.interventions)
    ctx.stdout(JSON.stringify(output, null, 2))
    return EXIT.ok
  },
}
