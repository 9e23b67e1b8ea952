import { both } from '../../domain/copy'
import type { RotationReport } from '../../services/key-rotation'
import { type AdminIo, callAdmin, processIo, resolveTarget } from '../admin-client'
import { parseArgs, printMessage } from '../io'
import { type CliCommand, EXIT } from '../types'

/**
 * `ret rotate-key [--url URL] [--batch-size N]`: re-wraps every case key and re-encrypts drafts under the
 * active key (case data stays under its case key; values from before case keys move to it), in slices
 * the Worker runs one request at a time, until nothing is left under another key id. Deploy the new key first (`ENCRYPTION_KEYS="new:…,old:…"`),
 * run this, then remove the old key. Prints the final report as JSON.
 */
export function buildRotateKeyCommand(io: AdminIo): CliCommand {
  return {
    async run(args, ctx) {
      const parsed = parseArgs('rotate-key', args, {
        url: { type: 'string' },
        'batch-size': { type: 'string' },
      })
      const usage = () => printMessage(ctx, both('privacy.cli.usageRotate'))
      if (!parsed.ok) {
        printMessage(ctx, parsed.error)
        usage()
        return EXIT.usage
      }
      if (parsed.value.positional.length > 0) {
        usage()
        return EXIT.usage
      }
      const sizeText = parsed.value.options['batch-size']
      const batchSize = sizeText === undefined ? 100 : Number(sizeText)
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 500) {
        printMessage(ctx, both('privacy.cli.badBatchSize'))
        return EXIT.usage
      }
      const target = resolveTarget(ctx, io, parsed.value.options.url)
      if (!target) return EXIT.usage
      let cursor: string | null = null
      let values = 0
      let drafts = 0
      // Each call runs a bounded slice (well inside a request's limits); go on until it says done.
      for (let round = 0; round < 10_000; round++) {
        const result = await callAdmin(ctx, io, target, 'POST', '/rotate-key', {
          batchSize,
          maxBatches: 20,
          ...(cursor ? { draftCursor: cursor } : {}),
        })
        if (!result.ok) return result.code
        const report = result.body as RotationReport
        values += report.values
        drafts += report.drafts
        cursor = report.draftCursor
        if (report.done) {
          ctx.stdout(JSON.stringify({ ...report, values, drafts }, null, 2))
          printMessage(ctx, both('privacy.cli.rotated', { values, drafts, kid: report.activeKeyId }))
          return EXIT.ok
        }
      }
      printMessage(ctx, both('privacy.cli.failed', { status: 'loop' }))
      return EXIT.badInput
    },
  }
}

export const command: CliCommand = buildRotateKeyCommand(processIo())
