import { both } from '../domain/copy'
import type { Lang } from '../domain/enums'
import { printMessage } from './io'
import { type CliContext, type CommandEntry, EXIT } from './types'

/** Removes the global `--lang nl|en` option (anywhere on the line); returns the rest. */
function takeLang(argv: readonly string[]): { ok: true; lang: Lang | null; rest: string[] } | { ok: false } {
  const rest: string[] = []
  let lang: Lang | null = null
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg !== '--lang' && !arg.startsWith('--lang=')) {
      rest.push(arg)
      continue
    }
    const value = arg === '--lang' ? argv[++i] : arg.slice('--lang='.length)
    if (value !== 'nl' && value !== 'en') return { ok: false }
    lang = value
  }
  return { ok: true, lang, rest }
}

/**
 * Runs one command line against a registry and returns the exit code. Every failure becomes a
 * bilingual message on stderr, never a stack trace.
 */
export async function runCli(
  argv: readonly string[],
  entries: readonly CommandEntry[],
  base: Omit<CliContext, 'lang'>,
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
  try {
    const { command } = await entry.load()
    return await command.run(args, ctx)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    printMessage(ctx, both('routing.cli.failed', { detail }))
    return EXIT.badInput
  }
}
