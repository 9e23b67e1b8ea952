import { parseArgs } from 'node:util'
import { both, t } from '../domain/copy'
import type { Lang } from '../domain/enums'
import { printMessage, wantsHelp } from './io'
import { type CliContext, type CliIo, type CommandEntry, EXIT } from './types'

/**
 * Removes the global `--lang nl|en` option (anywhere before a `--`) with `node:util` `parseArgs` in
 * non-strict mode (its tokens tell which arguments it used); returns the rest, in order.
 */
function takeLang(argv: readonly string[]): { ok: true; lang: Lang | null; rest: string[] } | { ok: false } {
  const { tokens } = parseArgs({
    args: [...argv],
    options: { lang: { type: 'string' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  })
  const used = new Set<number>()
  let lang: Lang | null = null
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name !== 'lang') continue
    if (token.value !== 'nl' && token.value !== 'en') return { ok: false }
    lang = token.value
    used.add(token.index)
    if (token.inlineValue === false) used.add(token.index + 1)
  }
  return { ok: true, lang, rest: argv.filter((_, i) => !used.has(i)) }
}

/** Prints a command's usage line on stdout: Dutch, then English, or only the chosen language. */
function printUsage(ctx: CliContext, entry: CommandEntry): void {
  for (const lang of ['nl', 'en'] as const) {
    if (ctx.lang === null || ctx.lang === lang) ctx.stdout(t(lang, entry.usage))
  }
}

/**
 * Runs one command line against a registry and returns the exit code. Every failure becomes a
 * bilingual message on stderr, never a stack trace. `ret <command> --help` (or `-h`) prints that
 * command's usage and exits 0.
 */
export async function runCli(
  argv: readonly string[],
  entries: readonly CommandEntry[],
  base: CliIo,
): Promise<number> {
  const taken = takeLang(argv)
  if (!taken.ok) {
    printMessage({ ...base, lang: null }, both('routing.cli.badLang'))
    return EXIT.usage
  }
  const ctx: CliContext = { ...base, lang: taken.lang }
  const [first, ...args] = taken.rest
  const name = first === undefined || first === '--help' || first === '-h' ? 'help' : first
  const entry = entries.find((e) => e.name === name)
  if (!entry) {
    printMessage(ctx, both('routing.cli.unknownCommand', { command: name }))
    return EXIT.usage
  }
  if (name !== 'help' && wantsHelp(args)) {
    printUsage(ctx, entry)
    return EXIT.ok
  }
  try {
    const { command } = await entry.load()
    return await command.run(args, ctx)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    printMessage(ctx, both('routing.cli.failed', { detail }))
    return EXIT.badInput
  }
}
