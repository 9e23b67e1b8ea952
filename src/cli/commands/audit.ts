import { both } from '../../domain/copy'
import type { AuditEntry } from '../../ports/case-store'
import { type AdminIo, callAdmin, parseCaseArgs, processIo, resolveTarget } from '../admin-client'
import { printMessage } from '../io'
import { type CliCommand, EXIT } from '../types'

/** One audit row as a line: when, actor (surface), action, detail, request id. */
export function formatAuditLine(row: AuditEntry): string {
  return [row.at, row.actorKey, `(${row.surface})`, row.action, row.detail ?? '-', row.requestId ?? '-'].join(
    '  ',
  )
}

/**
 * `ret audit RET-2026-0042 [--url URL] [--json]`: prints a case's audit trail, oldest first — who
 * (identity key and surface), what, when and from which request. Rows stay after an erasure.
 */
export function buildAuditCommand(io: AdminIo): CliCommand {
  return {
    async run(args, ctx) {
      const parsed = parseCaseArgs(
        ctx,
        'audit',
        args,
        { url: { type: 'string' }, json: { type: 'boolean' } },
        'privacy.cli.usageAudit',
      )
      if (typeof parsed === 'number') return parsed
      const { reference, options } = parsed
      const target = resolveTarget(ctx, io, options.url)
      if (!target) return EXIT.usage
      const result = await callAdmin(ctx, io, target, 'GET', `/cases/${reference}/audit`)
      if (!result.ok) return result.code
      const rows = ((result.body as { audit?: AuditEntry[] }).audit ?? []) as AuditEntry[]
      if (options.json) {
        ctx.stdout(JSON.stringify(rows, null, 2))
        return EXIT.ok
      }
      if (rows.length === 0) printMessage(ctx, both('privacy.cli.auditEmpty', { reference }))
      for (const row of rows) ctx.stdout(formatAuditLine(row))
      return EXIT.ok
    },
  }
}

export const command: CliCommand = buildAuditCommand(processIo())
