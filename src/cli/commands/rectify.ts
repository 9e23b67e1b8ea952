import { both } from '../../domain/copy'
import { type AdminIo, callAdmin, parseCaseArgs, processIo, resolveTarget } from '../admin-client'
import { printMessage } from '../io'
import { type CliCommand, EXIT } from '../types'

/**
 * `ret rectify RET-2026-0042 --field referrer.phone (--value TEXT | --clear) --reason TEXT [--url URL]`: corrects one
 * personal field of a case (AVG art. 16; issue 14 §11) through the admin API; the change is a timeline
 * event and an audit row that name the field, never the value.
 */
export function buildRectifyCommand(io: AdminIo): CliCommand {
  return {
    async run(args, ctx) {
      const parsed = parseCaseArgs(
        ctx,
        'rectify',
        args,
        {
          field: { type: 'string' },
          value: { type: 'string' },
          clear: { type: 'boolean' },
          reason: { type: 'string' },
          url: { type: 'string' },
        },
        'privacy.cli.usageRectify',
      )
      if (typeof parsed === 'number') return parsed
      const { reference, options, usage } = parsed
      const field = options.field
      if (typeof field !== 'string' || field === '') {
        usage()
        return EXIT.usage
      }
      const hasValue = typeof options.value === 'string'
      if (hasValue === (options.clear === true)) {
        printMessage(ctx, both('privacy.cli.badValue'))
        usage()
        return EXIT.usage
      }
      if (typeof options.reason !== 'string' || options.reason.trim() === '') {
        printMessage(ctx, both('privacy.errors.reasonRequired'))
        usage()
        return EXIT.usage
      }
      const target = resolveTarget(ctx, io, options.url)
      if (!target) return EXIT.usage
      const result = await callAdmin(ctx, io, target, 'POST', `/cases/${reference}/rectify`, {
        field,
        value: hasValue ? options.value : null,
        reason: options.reason,
      })
      if (!result.ok) return result.code
      const body = result.body as { nl?: string; en?: string }
      if (typeof body.nl === 'string' && typeof body.en === 'string')
        printMessage(ctx, { nl: body.nl, en: body.en })
      return EXIT.ok
    },
  }
}

export const command: CliCommand = buildRectifyCommand(processIo())
