import { parseArgs } from 'node:util'
import { z } from 'zod'
import { type DeployDescription, isRegionId, parseDeployDescription } from './description'
import {
  type AccountState,
  buildDeployPlan,
  buildRegionWranglerConfig,
  type DeployPlan,
  formatPlan,
  type PlanStep,
} from './plan'

/**
 * `npm run deploy -- --region <id> [--dry-run]`: reads the account's state with wrangler, prints the plan
 * (scripts/deploy/plan.ts) and, without `--dry-run`, carries it out. All I/O comes in through `DeployIo`, so
 * tests drive it with a fake wrangler; `scripts/deploy/main.ts` gives it the real one.
 */

export interface ExecResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `wrangler <args>`. `stream`: also show its output as it runs (the long, changing steps). */
export type Exec = (args: string[], options?: { stream?: boolean }) => Promise<ExecResult>

export interface DeployIo {
  exec: Exec
  env: Readonly<Record<string, string | undefined>>
  /** Reads a file relative to the repository root; rejects when it does not exist. */
  readText(path: string): Promise<string>
  writeText(path: string, text: string): Promise<void>
  /** Migration file names (`migrations/*.sql`). */
  listMigrations(): Promise<string[]>
  /** wrangler.toml as wrangler reads it (its raw form). */
  readRawConfig(): Promise<unknown>
  out(text: string): void
  err(text: string): void
}

/** Where the region's generated wrangler config goes (`.wrangler/` is git-ignored). */
export const REGION_CONFIG_DIR = '.wrangler/region-deploy'

const USAGE = `Usage: npm run deploy -- --region <id> [--dry-run]

Deploys the region's own RET Worker to the Cloudflare account of CLOUDFLARE_API_TOKEN and
CLOUDFLARE_ACCOUNT_ID: creates the D1 database, R2 bucket and queues that are missing, applies the
migrations, checks every required secret and setting, and deploys. The region's deployment is described
in templates/regions/<id>/deploy.json. See docs/deploy.md.

  --region <id>   the region pack (e.g. drenthe, ijsselland)
  --dry-run       only read the account and print the plan; nothing is created or changed
  --help          this text`

/** Commands that only read the account: the only ones a dry run may use (a test holds it to that). */
export const READ_ONLY_COMMANDS: readonly string[] = [
  'd1 list',
  'r2 bucket list',
  'queues info',
  'secret list',
  'd1 execute',
]

class DeployError extends Error {}

function wranglerFailure(what: string, result: ExecResult): DeployError {
  const detail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n')
  return new DeployError(`${what} failed (wrangler exited with ${result.code}):\n${detail}`)
}

/** The JSON wrangler printed, after any banner lines. */
function jsonOutput(stdout: string): unknown {
  const start = stdout.search(/^\s*[[{]/m)
  if (start === -1) throw new Error('no JSON in the output')
  return JSON.parse(stdout.slice(start))
}

const D1ListSchema = z.array(z.looseObject({ uuid: z.string(), name: z.string() }))

/** `wrangler d1 list --json` → database name → id. */
export function parseD1List(stdout: string): Map<string, string> {
  return new Map(D1ListSchema.parse(jsonOutput(stdout)).map((d) => [d.name, d.uuid]))
}

/** `wrangler r2 bucket list` prints one `name: <bucket>` block per bucket. */
export function parseR2List(stdout: string): Set<string> {
  return new Set([...stdout.matchAll(/^name:\s*(\S+)\s*$/gm)].map((m) => m[1] as string))
}

const SecretListSchema = z.array(z.looseObject({ name: z.string() }))

/** `wrangler secret list --format json` → the secrets' names (values are never listed). */
export function parseSecretList(stdout: string): Set<string> {
  return new Set(SecretListSchema.parse(jsonOutput(stdout)).map((s) => s.name))
}

const D1ExecuteSchema = z.array(z.looseObject({ results: z.array(z.looseObject({ name: z.string() })) }))

/** `wrangler d1 execute … --json --command "SELECT name FROM d1_migrations"` → the applied migrations. */
export function parseAppliedMigrations(stdout: string): Set<string> {
  return new Set(D1ExecuteSchema.parse(jsonOutput(stdout)).flatMap((r) => r.results.map((row) => row.name)))
}

const NOT_FOUND = /does not exist|not found|could not find|couldn't find|\b10007\b/i

function jurisdictionArgs(jurisdiction: string | undefined): string[] {
  return jurisdiction ? ['--jurisdiction', jurisdiction] : []
}

/** Reads what the account holds for this region. Only read-only wrangler commands. */
export async function readAccountState(d: DeployDescription, exec: Exec): Promise<AccountState> {
  const d1 = await exec(['d1', 'list', '--json'])
  if (d1.code !== 0) throw wranglerFailure('Listing the D1 databases', d1)
  const databases = parseD1List(d1.stdout)

  const r2 = await exec(['r2', 'bucket', 'list', ...jurisdictionArgs(d.r2.jurisdiction)])
  if (r2.code !== 0) throw wranglerFailure('Listing the R2 buckets', r2)
  const buckets = parseR2List(r2.stdout)

  const queues = new Set<string>()
  for (const name of [d.queues.jobs, d.queues.deadLetter]) {
    const info = await exec(['queues', 'info', name])
    if (info.code === 0) queues.add(name)
    else if (!NOT_FOUND.test(info.stderr + info.stdout))
      throw wranglerFailure(`Looking up queue ${name}`, info)
  }

  const secretList = await exec(['secret', 'list', '--name', d.worker, '--format', 'json'])
  let workerExists = true
  let secrets = new Set<string>()
  if (secretList.code === 0) secrets = parseSecretList(secretList.stdout)
  else if (NOT_FOUND.test(secretList.stderr + secretList.stdout)) workerExists = false
  else throw wranglerFailure(`Listing the secrets of ${d.worker}`, secretList)

  let appliedMigrations = new Set<string>()
  if (databases.has(d.d1.name)) {
    const applied = await exec([
      'd1',
      'execute',
      d.d1.name,
      '--remote',
      '--json',
      '--command',
      'SELECT name FROM d1_migrations ORDER BY id',
    ])
    if (applied.code === 0) appliedMigrations = parseAppliedMigrations(applied.stdout)
    // A database without the table has had no migration applied yet.
    else if (!/no such table/i.test(applied.stderr + applied.stdout))
      throw wranglerFailure(`Reading the applied migrations of ${d.d1.name}`, applied)
  }
  return { databases, buckets, queues, workerExists, secrets, appliedMigrations }
}

async function loadDescription(region: string, io: DeployIo): Promise<DeployDescription> {
  const file = `templates/regions/${region}/deploy.json`
  let text: string
  try {
    text = await io.readText(file)
  } catch {
    throw new DeployError(`Unknown region "${region}": ${file} does not exist.`)
  }
  try {
    return parseDeployDescription(text, file, region)
  } catch (error) {
    throw new DeployError((error as Error).message)
  }
}

function requireCredentials(env: DeployIo['env']): void {
  const missing = ['CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_ACCOUNT_ID'].filter((n) => !env[n]?.trim())
  if (missing.length > 0) {
    throw new DeployError(
      `No Cloudflare credentials: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set.\n` +
        'Create an API token (My Profile → API Tokens) with Workers Scripts, D1, Workers R2 Storage and Queues\n' +
        "edit rights for the region's account, then: export CLOUDFLARE_API_TOKEN=… CLOUDFLARE_ACCOUNT_ID=…\n" +
        '(docs/deploy.md, "Credentials"). Even a dry run reads the account, so it needs them too.',
    )
  }
}

async function runStep(
  step: PlanStep,
  plan: DeployPlan,
  ctx: { d: DeployDescription; io: DeployIo; databaseId: () => Promise<string> },
): Promise<void> {
  const { io } = ctx
  switch (step.kind) {
    case 'create-d1':
    case 'create-r2':
    case 'create-queue':
    case 'apply-migrations': {
      const result = await io.exec(step.wrangler, { stream: true })
      if (result.code !== 0) throw wranglerFailure(`wrangler ${step.wrangler.join(' ')}`, result)
      return
    }
    case 'write-config': {
      const config = buildRegionWranglerConfig(
        await io.readRawConfig(),
        ctx.d,
        await ctx.databaseId(),
        REGION_CONFIG_DIR,
      )
      await io.writeText(step.path, `${JSON.stringify(config, null, 2)}\n`)
      return
    }
    case 'check-settings': {
      if (plan.blockers.length > 0) {
        throw new DeployError(
          `Not deploying ${plan.worker}: \n${plan.blockers.map((b) => `  - ${b}`).join('\n')}\n` +
            'Set these, then run the same command again (what exists is kept).',
        )
      }
      return
    }
    case 'deploy': {
      const result = await io.exec(step.wrangler, { stream: true })
      if (result.code !== 0) throw wranglerFailure('wrangler deploy', result)
      return
    }
  }
}

/** The deploy command. Returns the process exit code: 0 done, 1 failed or blocked, 2 usage/credentials. */
export async function runDeploy(argv: readonly string[], io: DeployIo): Promise<number> {
  let values: { region?: string; 'dry-run'?: boolean; help?: boolean }
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        region: { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help) {
    io.out(USAGE)
    return 0
  }
  const region = values.region
  if (!region || !isRegionId(region)) {
    io.err(`${region ? `"${region}" is not a region id.` : '--region <id> is required.'}\n\n${USAGE}`)
    return 2
  }
  const dryRun = values['dry-run'] === true
  try {
    const d = await loadDescription(region, io)
    requireCredentials(io.env)
    let state = await readAccountState(d, io.exec)
    const plan = buildDeployPlan({
      description: d,
      state,
      migrations: await io.listMigrations(),
      baseVars: ((await io.readRawConfig()) as { vars?: Record<string, unknown> }).vars ?? {},
      configPath: `${REGION_CONFIG_DIR}/${region}.json`,
    })
    io.out(formatPlan(plan, dryRun))
    if (dryRun) return 0

    const databaseId = async () => {
      const known = state.databases.get(d.d1.name)
      if (known) return known
      // Just created: its id comes from the account, not from wrangler's human-readable output.
      state = await readAccountState(d, io.exec)
      const id = state.databases.get(d.d1.name)
      if (!id) throw new DeployError(`D1 database ${d.d1.name} was created but is not listed.`)
      return id
    }
    for (const [i, step] of plan.steps.entries()) {
      io.out(`→ step ${i + 1}/${plan.steps.length}: ${step.kind}`)
      await runStep(step, plan, { d, io, databaseId })
    }
    io.out(`Deployed ${plan.worker} for region ${plan.region}.`)
    return 0
  } catch (error) {
    if (error instanceof DeployError) {
      io.err(error.message)
      return requireCredentialsFailed(error) ? 2 : 1
    }
    io.err(`Deploy failed: ${(error as Error).message}`)
    return 1
  }
}

function requireCredentialsFailed(error: DeployError): boolean {
  return error.message.startsWith('No Cloudflare credentials')
}
