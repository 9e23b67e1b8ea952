import { writeFile } from 'node:fs/promises'
import { both } from '../../domain/copy'
import { type AdminIo, parseCaseArgs, processIo, resolveTarget } from '../admin-client'
import { printMessage } from '../io'
import { type CliCommand, EXIT } from '../types'

/**
 * `ret export RET-2026-0042 [--out file.zip] [--url URL]`: the right-of-access archive of one case
 * (AVG art. 15; issue 14 §11) through the admin API (`GET /cases/:reference/export?format=zip`): every
 * field decrypted, the timeline, the PDFs and attachments, and the audit log. The export is audited.
 */
export interface ExportIo extends AdminIo {
  writeFile: (path: string, bytes: Uint8Array) => Promise<void>
}

export function buildExportCommand(io: ExportIo): CliCommand {
  return {
    async run(args, ctx) {
      const parsed = parseCaseArgs(
        ctx,
        'export',
        args,
        { out: { type: 'string' }, url: { type: 'string' } },
        'privacy.cli.usageExport',
      )
      if (typeof parsed === 'number') return parsed
      const { reference, options } = parsed
      const target = resolveTarget(ctx, io, options.url)
      if (!target) return EXIT.usage
      let res: Response
      try {
        res = await io.fetch(`${target.base}/api/v1/admin/cases/${reference}/export?format=zip`, {
          headers: { authorization: `Bearer ${target.token}` },
        })
      } catch {
        printMessage(ctx, both('privacy.cli.unreachable', { url: target.base }))
        return EXIT.badInput
      }
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { nl?: unknown; en?: unknown } } | null
        const error = body?.error
        printMessage(
          ctx,
          typeof error?.nl === 'string' && typeof error.en === 'string'
            ? { nl: error.nl, en: error.en }
            : both('privacy.cli.failed', { status: res.status }),
        )
        return EXIT.badInput
      }
      const bytes = new Uint8Array(await res.arrayBuffer())
      const file = options.out ?? `${reference}-export.zip`
      try {
        await io.writeFile(file, bytes)
      } catch {
        printMessage(ctx, both('privacy.cli.writeFailed', { file }))
        return EXIT.badInput
      }
      printMessage(ctx, both('privacy.cli.exported', { reference, file, bytes: bytes.length }))
      return EXIT.ok
    },
  }
}

export const command: CliCommand = buildExportCommand({
  ...processIo(),
  writeFile: (path, bytes) => writeFile(path, bytes, { mode: 0o600 }),
})
