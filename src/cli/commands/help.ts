import { t } from '../../domain/copy'
import type { CliCommand, CommandEntry } from '../types'

/** `ret help [command]`: the usage line and every registered command with its summary. */
export function buildHelpCommand(entries: readonly CommandEntry[]): CliCommand {
  return {
    async run(args, ctx) {
      const only = entries.filter((e) => args.length === 0 || args.includes(e.name))
      const shown = only.length > 0 ? only : entries
      for (const lang of ['nl', 'en'] as const) {
        if (ctx.lang !== null && ctx.lang !== lang) continue
        if (lang === 'en' && ctx.lang === null) ctx.stdout('')
        ctx.stdout(t(lang, 'routing.cli.usage'))
        ctx.stdout(t(lang, 'routing.cli.commands'))
        const width = Math.max(...shown.map((e) => e.name.length))
        for (const entry of shown) ctx.stdout(`  ${entry.name.padEnd(width)}  ${t(lang, entry.summary)}`)
      }
      return 0
    },
  }
}
