import { both } from '../../domain/copy'
import { ERASE_REASONS } from '../../services/erase'
import { type AdminIo, callAdmin, parseCaseArgs, processIo, resolveTarget } from '../admin-client'
import { printMessage } from '../io'
import { type CliCommand, EXIT } from '../types'

/**
 * `ret erase RET-2026-0042 --reason consent_withdrawn|retention|request|error [--url URL]`: erases one
 * case through the admin API (D1, R2, its draft; posted cards become "verwijderd"); one audit row stays.
 * The reason is a code, never free text: the audit row may hold no personal data.
 */
export function buildEraseCommand(io: AdminIo): CliCommand {
  return {
    async run(args, ctx) {
      const parsed = parseCaseArgs(
        ctx,
        'erase',
        args,
        { reason: { type: 'string' }, url: { type: 'string' } },
        'privacy.cli.usageErase',
      )
      if (typeof parsed === 'number') return parsed
      const { reference, options, usage } = parsed
      const reason = options.reason
      if (!reason || !(ERASE_REASONS as readonly string[]).includes(reason)) {
        printMessage(ctx, both('privacy.errors.badReason', { reasons: ERASE_REASONS.join(', ') }))
        usage()
        return EXIT.usage
      }
      const target = resolveTarget(ctx, io, options.url)
      if (!target) return EXIT.usage
      const result = await callAdmin(ctx, io, target, 'POST', `/cases/${reference}/erase`, { reason })
      if (!result.ok) return result.code
      const body = result.body as { files?: number }
      const message = both('privacy.erase.done', { reference, files: body.files ?? 0 })
      ctx.stdout(ctx.lang === 'en' ? message.en : message.nl)
      return EXIT.ok
    },
  }
}

export const command: CliCommand = buildEraseCommand(processIo())
