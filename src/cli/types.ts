import type { Lang } from '../domain/enums'

/** What a command may touch: output streams, standard input and the system clock, all injected. */
export interface CliContext {
  /** `null`: messages in Dutch, then English (the default); otherwise only this language. */
  lang: Lang | null
  stdout: (text: string) => void
  stderr: (text: string) => void
  readStdin: () => Promise<string>
  /** The system clock at this edge; commands take `--now` to override it. */
  now: () => Date
}

/** What the command line gets from its process (tests pass captured streams and a fixed clock). */
export type CliIo = Omit<CliContext, 'lang'>

/** A command: gets its own arguments (global options already removed) and returns the exit code. */
export interface CliCommand {
  run(args: string[], ctx: CliContext): Promise<number>
}

/**
 * One entry of the command registry (src/cli/main.ts). `summary` is a copy key shown by `ret help`;
 * `load` imports the command only when it runs, so one command's dependencies never slow another.
 */
export interface CommandEntry {
  name: string
  summary: string
  /** Copy key of the command's usage line, printed by `ret <command> --help`. */
  usage: string
  load: () => Promise<{ command: CliCommand }>
}

/** Exit codes: 0 ok, 1 bad input (file, JSON, intake), 2 wrong use of the command line. */
export const EXIT = { ok: 0, badInput: 1, usage: 2 } as const
