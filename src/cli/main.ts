import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { systemClock } from '../ports/clock'
import { runCli } from './run'
import type { CliIo, CommandEntry } from './types'

/**
 * The `ret` command line (`npm run --silent ret -- <command> …`). The registry: one file per command
 * in src/cli/commands/, each exporting `command: CliCommand`, loaded only when it runs.
 * To add a command, add one line here and its summary under a copy key.
 */
export const COMMANDS: CommandEntry[] = [
  {
    name: 'help',
    summary: 'routing.cli.help',
    usage: 'routing.cli.usage',
    load: async () => ({ command: (await import('./commands/help')).buildHelpCommand(COMMANDS) }),
  },
  {
    name: 'route',
    summary: 'routing.cli.route',
    usage: 'routing.cli.route',
    load: () => import('./commands/route'),
  },
  {
    name: 'validate',
    summary: 'routing.cli.validate',
    usage: 'routing.cli.validate',
    load: () => import('./commands/validate'),
  },
  { name: 'pdf', summary: 'pdf.cli.usage', usage: 'pdf.cli.usage', load: () => import('./commands/pdf') },
  {
    name: 'digest',
    summary: 'digest.cli.summary',
    usage: 'digest.cli.usage',
    load: () => import('./commands/digest'),
  },
  {
    name: 'monitor',
    summary: 'monitoring.cli.summary',
    usage: 'monitoring.cli.usage',
    load: () => import('./commands/monitor'),
  },
  {
    name: 'rotate-key',
    summary: 'privacy.cli.rotateKey',
    usage: 'privacy.cli.usageRotate',
    load: () => import('./commands/rotate-key'),
  },
  {
    name: 'erase',
    summary: 'privacy.cli.erase',
    usage: 'privacy.cli.usageErase',
    load: () => import('./commands/erase'),
  },
  {
    name: 'audit',
    summary: 'privacy.cli.audit',
    usage: 'privacy.cli.usageAudit',
    load: () => import('./commands/audit'),
  },
  {
    name: 'export',
    summary: 'privacy.cli.export',
    usage: 'privacy.cli.usageExport',
    load: () => import('./commands/export'),
  },
  {
    name: 'rectify',
    summary: 'privacy.cli.rectify',
    usage: 'privacy.cli.usageRectify',
    load: () => import('./commands/rectify'),
  },
]

/**
 * Runs one command line (`argv` without `node` and the script) with the given streams, standard input
 * and clock; returns the exit code. The process entry point below and the tests both call this.
 */
export function run(argv: readonly string[], io: CliIo): Promise<number> {
  return runCli(argv, COMMANDS, io)
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks).toString('utf8')
}

/** True when this file is the program being run (not imported, e.g. by a test). */
function isEntryPoint(): boolean {
  const script = process.argv[1]
  if (!script) return false
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isEntryPoint()) {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    readStdin,
    now: systemClock,
  })
}
