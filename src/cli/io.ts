import { readFile } from 'node:fs/promises'
import { type Bilingual, both, useCopyOverrides } from '../domain/copy'
import { type Intake, parseIntake, type ValidationError } from '../domain/intake'
import { DEFAULT_REGION, loadRegion, parseIntakeForRegion, REGION_IDS, type Region } from '../domain/region'
import { type OptionSpec, parseStrict, type StrictParse } from './parse-args'
import { type CliContext, EXIT } from './types'

export type { OptionSpec } from './parse-args'

/** Prints a message on stderr: Dutch, then English, or only the chosen language. */
export function printMessage(ctx: CliContext, message: Bilingual): void {
  if (ctx.lang !== 'en') ctx.stderr(message.nl)
  if (ctx.lang !== 'nl') ctx.stderr(message.en)
}

function errorLine(error: ValidationError, text: string): string {
  // Most validation messages already start with their field; do not repeat it.
  return text.startsWith(`${error.path}:`) ? text : `${error.path}: ${text}`
}

/** Prints field errors on stderr, one per line `path: message`: all Dutch lines, then all English lines. */
export function printErrors(ctx: CliContext, errors: readonly ValidationError[], heading?: Bilingual): void {
  for (const lang of ['nl', 'en'] as const) {
    if (ctx.lang !== null && ctx.lang !== lang) continue
    if (heading) ctx.stderr(heading[lang])
    for (const error of errors) ctx.stderr(errorLine(error, error[lang]))
  }
}

/** Parsed arguments of one command: positionals and the options of its spec. */
export interface ParsedArgs<S extends OptionSpec = OptionSpec> {
  positional: string[]
  options: { [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : string }
}

/** The option named in a `node:util` parse error (`'--now <value>'` → `--now`). */
function optionIn(message: string): string {
  return /'(-{1,2}[^'\s=,]*)/.exec(message)?.[1] ?? '?'
}

/**
 * Parses a command's arguments with `node:util` `parseArgs` (./parse-args.ts; strict: an undeclared option is an error;
 * positionals allowed; a bare `-` is a positional: standard input; `--` ends the options). Errors become
 * the bilingual messages of the command line, never a stack trace.
 */
export function parseArgs<const S extends OptionSpec>(
  command: string,
  args: readonly string[],
  spec: S,
): { ok: true; value: ParsedArgs<S> } | { ok: false; error: Bilingual } {
  let parsed: StrictParse
  try {
    parsed = parseStrict(args, { ...spec, help: { type: 'boolean', short: 'h' } })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const message = error instanceof Error ? error.message : String(error)
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) throw error
    const option = optionIn(message)
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && !/does not take an argument/.test(message)) {
      return { ok: false, error: both('routing.cli.missingValue', { command, option }) }
    }
    return { ok: false, error: both('routing.cli.unknownOption', { command, option }) }
  }
  const { help: _help, ...values } = parsed.values
  for (const [name, value] of Object.entries(values)) {
    if (value === '')
      return { ok: false, error: both('routing.cli.missingValue', { command, option: `--${name}` }) }
  }
  return { ok: true, value: { positional: parsed.positionals, options: values as ParsedArgs<S>['options'] } }
}

/** True when the arguments ask for help (`--help` or `-h` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--')
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h')
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/** Parses an ISO 8601 date or date-time (`--now`), or returns undefined. */
export function parseIsoTime(text: string): Date | undefined {
  if (!ISO_TIME.test(text)) return undefined
  const date = new Date(text)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** Reads a file, or standard input for `-`; a problem becomes a bilingual message, never a stack trace. */
export async function readInput(
  ctx: CliContext,
  file: string,
): Promise<{ ok: true; text: string } | { ok: false; error: Bilingual }> {
  if (file === '-') return { ok: true, text: await ctx.readStdin() }
  try {
    return { ok: true, text: await readFile(file, 'utf8') }
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === 'ENOENT') return { ok: false, error: both('routing.cli.fileNotFound', { file }) }
    return { ok: false, error: both('routing.cli.fileUnreadable', { file, code: String(code ?? 'error') }) }
  }
}

/**
 * The shared front half of `route` and `validate`: reads the intake named by the one positional
 * argument (`-` is standard input) and validates it. Problems are printed; the exit code is returned.
 */
export async function readIntakeArgument(
  ctx: CliContext,
  command: string,
  positional: readonly string[],
  region?: Region,
): Promise<{ ok: true; intake: Intake } | { ok: false; code: number; errors?: ValidationError[] }> {
  const [file, ...extra] = positional
  if (file === undefined) {
    printMessage(ctx, both('routing.cli.missingInput', { command }))
    return { ok: false, code: EXIT.usage }
  }
  if (extra.length > 0) {
    printMessage(ctx, both('routing.cli.tooManyArguments', { command, extra: extra.join(' ') }))
    return { ok: false, code: EXIT.usage }
  }
  const input = await readInput(ctx, file)
  if (!input.ok) {
    printMessage(ctx, input.error)
    return { ok: false, code: EXIT.badInput }
  }
  let data: unknown
  try {
    data = JSON.parse(input.text)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    const errors = [{ path: 'intake', ...both('validation.invalidJson', { detail }) }]
    return { ok: false, code: EXIT.badInput, errors }
  }
  const parsed = region
    ? parseIntakeForRegion(unwrapSample(data), region.pack)
    : parseIntake(unwrapSample(data))
  if (!parsed.ok) return { ok: false, code: EXIT.badInput, errors: parsed.errors }
  return { ok: true, intake: parsed.value }
}

/**
 * Accepts a sample file as well as a bare intake: `{ "intake": {…}, "expected": {…} }` (the shape of
 * the shared fixtures) is read as its `intake`. Anything else is validated as an intake, strictly.
 */
export function unwrapSample(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data
  const keys = Object.keys(data)
  const wrapped = keys.includes('intake') && keys.every((k) => k === 'intake' || k === 'expected')
  return wrapped ? (data as { intake: unknown }).intake : data
}

/** The `--region <id>` option of route, validate, pdf and digest (default drenthe). */
export const REGION_OPTION = { region: { type: 'string' } } as const

/** The region of `--region` (default Drenthe), or null after printing a bilingual error. */
export function resolveRegion(ctx: CliContext, id: string | undefined): Region | null {
  const wanted = id ?? DEFAULT_REGION
  if (!REGION_IDS.includes(wanted)) {
    printMessage(ctx, both('routing.cli.unknownRegion', { region: wanted, options: REGION_IDS.join(', ') }))
    return null
  }
  return loadRegion(wanted)
}

/**
 * Runs `fn` with the region pack's copy overrides in place (intervention names, the service name) and puts
 * the shared copy back afterwards. One command runs at a time in the command line, so this is safe there.
 */
export async function withRegionCopy<T>(region: Region, fn: () => Promise<T>): Promise<T> {
  useCopyOverrides(region.copy)
  try {
    return await fn()
  } finally {
    useCopyOverrides({ nl: {}, en: {} })
  }
}

/**
 * Reads `file` (or `-` for stdin) and parses it as JSON. On failure prints why — the read error, or the
 * copy `invalidJsonKey` with the file and the parser's detail — and returns the bad-input exit code.
 */
export async function readJsonFile(
  ctx: CliContext,
  file: string,
  invalidJsonKey: string,
): Promise<{ ok: true; data: unknown } | { ok: false; code: number }> {
  const input = await readInput(ctx, file)
  if (!input.ok) {
    printMessage(ctx, input.error)
    return { ok: false, code: EXIT.badInput }
  }
  try {
    return { ok: true, data: JSON.parse(input.text) as unknown }
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    printMessage(ctx, both(invalidJsonKey, { file, detail }))
    return { ok: false, code: EXIT.badInput }
  }
}
