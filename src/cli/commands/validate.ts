import { parseArgs, printErrors, printMessage, REGION_OPTION, readIntakeArgument, resolveRegion } from '../io'
import { type CliCommand, EXIT } from '../types'

/**
 * `ret validate <file|-> [--region <id>]`: prints `ok`, or the errors one per line `path: message` (exit 1).
 * `--region`: the region pack whose municipalities apply (default drenthe).
 */
export const command: CliCommand = {
  async run(args, ctx) {
    const parsed = parseArgs('validate', args, REGION_OPTION)
    if (!parsed.ok) {
      printMessage(ctx, parsed.error)
      return EXIT.usage
    }
    const region = resolveRegion(ctx, parsed.value.options.region)
    if (!region) return EXIT.usage
    const input = await readIntakeArgument(ctx, 'validate', parsed.value.positional, region)
    if (!input.ok) {
      if (input.errors) printErrors(ctx, input.errors)
      return input.code
    }
    ctx.stdout('ok')
    return EXIT.ok
  },
}
