import { both } from '../../domain/copy'
import { route, toRoutingOutput } from '../../domain/routing'
import { DEFAULT_RULES } from '../../domain/rules'
import { parseArgs, parseIsoTime, printErrors, printMessage, readIntakeArgument } from '../io'
import { type CliCommand, EXIT } from '../types'

/**
 * `ret route <file|-> [--now <ISO>]`: prints the public routing output (DOMAIN.md §4) as pretty JSON.
 * `--now` fixes the clock (the age is counted in its calendar year); default the system clock.
 */
export const command: CliCommand = {
  async run(args, ctx) {
    const parsed = parseArgs('route', args, { now: { type: 'string' } })
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
    const input = await readIntakeArgument(ctx, 'route', parsed.value.positional)
    if (!input.ok) {
      if (input.errors) printErrors(ctx, input.errors, both('routing.cli.invalidIntake'))
      return input.code
    }
    const output = toRoutingOutput(route(input.intake, DEFAULT_RULES, now))
    ctx.stdout(JSON.stringify(output, null, 2))
    return EXIT.ok
  },
}
