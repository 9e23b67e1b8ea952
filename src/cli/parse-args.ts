import { parseArgs as nodeParseArgs } from 'node:util'

/** The options of one command, in the form of `node:util` `parseArgs`. */
export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>

export interface StrictParse {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
}

class ParseArgsError extends Error {
  constructor(
    readonly code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' | 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
    message: string,
  ) {
    super(message)
  }
}

/**
 * The subset of `node:util` `parseArgs` the command line uses (strict, positionals allowed, long options
 * with `--name value` / `--name=value`, one-letter short options, `--` ends the options), with Node's error
 * codes and message shapes. Only for runtimes whose `node:util` lacks `parseArgs`: workerd, where the
 * integration tests run the admin commands against the Worker. tests/unit/cli-parse-args.test.ts checks
 * it answers like Node's on every form the commands accept or refuse.
 */
export function parseArgsSubset(args: readonly string[], options: OptionSpec): StrictParse {
  const values: StrictParse['values'] = {}
  const positionals: string[] = []
  const byShort = new Map(Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name]] : [])))
  const label = (name: string) => {
    const short = options[name]?.short
    return short ? `-${short}, --${name}` : `--${name}`
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') {
      positionals.push(...args.slice(i + 1))
      break
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg)
      continue
    }
    const long = arg.startsWith('--')
    const eq = long ? arg.indexOf('=') : -1
    const name = long
      ? arg.slice(2, eq === -1 ? undefined : eq)
      : arg.length === 2
        ? byShort.get(arg[1] as string)
        : undefined
    const option = name === undefined ? undefined : options[name]
    if (name === undefined || option === undefined) {
      throw new ParseArgsError(
        'ERR_PARSE_ARGS_UNKNOWN_OPTION',
        `Unknown option '${long && eq !== -1 ? arg.slice(0, eq) : arg}'`,
      )
    }
    if (option.type === 'boolean') {
      if (eq !== -1)
        throw new ParseArgsError(
          'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
          `Option '${label(name)}' does not take an argument`,
        )
      values[name] = true
      continue
    }
    if (eq !== -1) {
      values[name] = arg.slice(eq + 1)
      continue
    }
    const value = args[i + 1]
    if (value === undefined) {
      throw new ParseArgsError(
        'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
        `Option '${label(name)} <value>' argument missing`,
      )
    }
    if (value.length > 1 && value.startsWith('-')) {
      throw new ParseArgsError(
        'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
        `Option '${label(name)}' argument is ambiguous`,
      )
    }
    values[name] = value
    i++
  }
  return { values, positionals }
}

function nodeStrict(args: readonly string[], options: OptionSpec): StrictParse {
  return nodeParseArgs({ args: [...args], options, strict: true, allowPositionals: true })
}

/** Node's own parser where the runtime has it (the `ret` command line on Node), else the subset above. */
export const parseStrict: (args: readonly string[], options: OptionSpec) => StrictParse = (() => {
  try {
    nodeStrict([], {})
    return nodeStrict
  } catch {
    return parseArgsSubset
  }
})()
