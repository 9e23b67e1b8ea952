import { parseArgs, printErrors, printMessage, readIntakeArgument } from '../io'
import { type CliCommand, EXIT } from '../types'

/** `ret validate <file|->`: prints `ok`, or the errors one per line `path: message` (exit 1). */
export const command: CliCommand = {
  async run(args, ctx) {
    const parsed = parseArgs('validate', args, {})
    if (!parsed.ok) {
      printMessage(ctx, parsed.error)
      return EXIT.usage
    }
    const input = await readIntakeArgument(ctx, 'validate', parsed.value.positional)
    if (!input.ok) {
      if (input.errors) printErrors(ctx, input.errors)
      return input.code
    }
    ctx.stdout('ok')
    return EXIT.ok
  },
}
