import { posix } from 'node:path'
import { z } from 'zod'
import { ConfigSchema, REQUIRED_SECRETS, REQUIRED_VARS } from '../../src/config'
import type { DeployDescription } from './description'

/**
 * The deploy planner: pure. From a region's deployment description, the account's current state and the
 * repository's migrations it lists what `npm run deploy` will do, in order. `scripts/deploy/run.ts` reads the
 * state and carries the plan out with wrangler; `--dry-run` only prints it.
 */

/** What the Cloudflare account holds now (read with wrangler's list commands; nothing is changed). */
export interface AccountState {
  /** D1 databases by name → id. */
  databases: ReadonlyMap<string, string>
  buckets: ReadonlySet<string>
  queues: ReadonlySet<string>
  /** Whether the Worker exists (a Worker is created by its first deploy or its first `secret put`). */
  workerExists: boolean
  /** Names of the Worker's secrets (values are never read). */
  secrets: ReadonlySet<string>
  /** Migrations recorded in the region's D1 database (`d1_migrations`); empty for a new database. */
  appliedMigrations: ReadonlySet<string>
}

export type PlanStep =
  | { kind: 'create-d1'; name: string; wrangler: string[] }
  | { kind: 'create-r2'; name: string; wrangler: string[] }
  | { kind: 'create-queue'; name: string; wrangler: string[] }
  | { kind: 'write-config'; path: string }
  | { kind: 'apply-migrations'; pending: string[]; wrangler: string[] }
  | { kind: 'check-settings'; missingSecrets: string[]; missingVars: string[]; invalidVars: string[] }
  | { kind: 'deploy'; worker: string; wrangler: string[] }

export interface DeployPlan {
  region: string
  worker: string
  /** What exists already and is left as it is (for the printed plan). */
  kept: string[]
  steps: PlanStep[]
  /** Reasons the deploy step will not run; empty when the plan can go all the way. */
  blockers: string[]
}

export interface PlanInput {
  description: DeployDescription
  state: AccountState
  /** Migration file names in the repository (`migrations/*.sql`). */
  migrations: readonly string[]
  /** `[vars]` of wrangler.toml: the defaults the region's vars are laid over. */
  baseVars: Readonly<Record<string, unknown>>
  /** Where the region's generated wrangler config is written (relative to the repository). */
  configPath: string
}

/** The secrets a deployment with these surfaces needs, in a stable order. */
export function requiredSecrets(surfaces: readonly (keyof typeof REQUIRED_SECRETS)[]): string[] {
  return [...new Set([...REQUIRED_SECRETS.always, ...surfaces.flatMap((s) => REQUIRED_SECRETS[s])])]
}

/** The plain settings a deployment with these surfaces needs to have a value. */
export function requiredVars(surfaces: readonly (keyof typeof REQUIRED_VARS)[]): string[] {
  return [...new Set([...REQUIRED_VARS.always, ...surfaces.flatMap((s) => REQUIRED_VARS[s])])]
}

/** The `[vars]` the region's Worker gets: wrangler.toml's, then the pack id, then the region's own. */
export function regionVars(
  description: DeployDescription,
  baseVars: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const [k, v] of Object.entries(baseVars)) vars[k] = String(v)
  return { ...vars, REGION: description.region, ...description.vars, DEV_MODE: 'false' }
}

function checkSettings(input: PlanInput): Extract<PlanStep, { kind: 'check-settings' }> {
  const { description: d, state } = input
  const vars = regionVars(d, input.baseVars)
  const missingSecrets = requiredSecrets(d.surfaces).filter((name) => !state.secrets.has(name))
  const missingVars = requiredVars(d.surfaces).filter((name) => !vars[name]?.trim())
  // The settings are parsed by the Worker's own schema, with stand-ins for the secrets (never read).
  const standIns = Object.fromEntries(requiredSecrets(d.surfaces).map((n) => [n, 'x'.repeat(32)]))
  const parsed = ConfigSchema.safeParse({ ...vars, ...standIns })
  const invalidVars = parsed.success
    ? []
    : [...new Set(parsed.error.issues.map((i) => String(i.path[0])))].filter(
        (n) => n in vars && !missingVars.includes(n),
      )
  return { kind: 'check-settings', missingSecrets, missingVars, invalidVars }
}

/** Builds the plan: what to create, which migrations to apply, which settings are missing, then deploy. */
export function buildDeployPlan(input: PlanInput): DeployPlan {
  const { description: d, state, configPath } = input
  const kept: string[] = []
  const steps: PlanStep[] = []
  const j = (jurisdiction: string | undefined) => (jurisdiction ? ['--jurisdiction', jurisdiction] : [])

  const databaseId = state.databases.get(d.d1.name)
  if (databaseId) kept.push(`D1 database ${d.d1.name} (${databaseId})`)
  else
    steps.push({
      kind: 'create-d1',
      name: d.d1.name,
      wrangler: ['d1', 'create', d.d1.name, ...j(d.d1.jurisdiction)],
    })

  if (state.buckets.has(d.r2.bucket)) kept.push(`R2 bucket ${d.r2.bucket}`)
  else
    steps.push({
      kind: 'create-r2',
      name: d.r2.bucket,
      wrangler: ['r2', 'bucket', 'create', d.r2.bucket, ...j(d.r2.jurisdiction)],
    })

  for (const queue of [d.queues.jobs, d.queues.deadLetter]) {
    if (state.queues.has(queue)) kept.push(`queue ${queue}`)
    else steps.push({ kind: 'create-queue', name: queue, wrangler: ['queues', 'create', queue] })
  }

  steps.push({ kind: 'write-config', path: configPath })

  const applied = databaseId ? state.appliedMigrations : new Set<string>()
  const pending = [...input.migrations].sort().filter((m) => !applied.has(m))
  if (pending.length > 0) {
    steps.push({
      kind: 'apply-migrations',
      pending,
      wrangler: ['d1', 'migrations', 'apply', 'DB', '--remote', '--config', configPath],
    })
  } else kept.push(`D1 migrations (all ${input.migrations.length} applied)`)

  const check = checkSettings(input)
  steps.push(check)
  const blockers = [
    ...check.missingSecrets.map(
      (n) => `secret ${n} is not set: npx wrangler secret put ${n} --name ${d.worker}`,
    ),
    ...check.missingVars.map(
      (n) => `setting ${n} has no value: set it under "vars" in templates/regions/${d.region}/deploy.json`,
    ),
    ...check.invalidVars.map(
      (n) =>
        `setting ${n} is not valid (see docs/configuration.md): fix it in templates/regions/${d.region}/deploy.json`,
    ),
  ]

  steps.push({ kind: 'deploy', worker: d.worker, wrangler: ['deploy', '--config', configPath] })
  return { region: d.region, worker: d.worker, kept, steps, blockers }
}

function describeStep(step: PlanStep): string {
  switch (step.kind) {
    case 'create-d1':
      return `create D1 database ${step.name}`
    case 'create-r2':
      return `create R2 bucket ${step.name}`
    case 'create-queue':
      return `create queue ${step.name}`
    case 'write-config':
      return `write the region's wrangler config ${step.path}`
    case 'apply-migrations':
      return `apply ${step.pending.length} migration(s): ${step.pending.join(', ')}`
    case 'check-settings': {
      const missing =
        step.missingSecrets.length + step.missingVars.length + step.invalidVars.length === 0
          ? 'all set'
          : [
              step.missingSecrets.length > 0 ? `secrets missing: ${step.missingSecrets.join(', ')}` : '',
              step.missingVars.length > 0 ? `settings missing: ${step.missingVars.join(', ')}` : '',
              step.invalidVars.length > 0 ? `settings invalid: ${step.invalidVars.join(', ')}` : '',
            ]
              .filter(Boolean)
              .join('; ')
      return `check the secrets and settings (${missing})`
    }
    case 'deploy':
      return `deploy the Worker ${step.worker}`
  }
}

/** The plan as the command prints it (English: an operator's tool, like wrangler itself). */
export function formatPlan(plan: DeployPlan, dryRun: boolean): string {
  const lines = [
    `Deploy plan for region ${plan.region} (Worker ${plan.worker})${dryRun ? ' — dry run: nothing is changed' : ''}`,
  ]
  for (const k of plan.kept) lines.push(`  = ${k} exists`)
  plan.steps.forEach((step, i) => {
    const command = 'wrangler' in step ? `   [wrangler ${step.wrangler.join(' ')}]` : ''
    lines.push(`  ${i + 1}. ${describeStep(step)}${command}`)
  })
  if (plan.blockers.length > 0) {
    lines.push('The deploy step will not run until:')
    for (const b of plan.blockers) lines.push(`  - ${b}`)
  } else lines.push('Ready to deploy.')
  return lines.join('\n')
}

/** The parts of wrangler.toml the region config rewrites (the rest is copied as it is). */
const RawConfigSchema = z.looseObject({
  name: z.string(),
  main: z.string(),
  alias: z.record(z.string(), z.string()).optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  d1_databases: z
    .array(z.looseObject({ binding: z.string(), migrations_dir: z.string().optional() }))
    .length(1),
  r2_buckets: z.array(z.looseObject({ binding: z.string() })).length(1),
  queues: z.looseObject({
    producers: z.array(z.looseObject({ binding: z.string(), queue: z.string() })).length(1),
    consumers: z.array(z.looseObject({ queue: z.string(), dead_letter_queue: z.string().optional() })),
  }),
})
export type RawWranglerConfig = z.input<typeof RawConfigSchema>

/**
 * The region's wrangler config (JSON): wrangler.toml with the region's Worker, database, bucket and queue
 * names, the database id, and its vars; paths made relative to where the file is written (`outDir`,
 * relative to the repository root).
 */
export function buildRegionWranglerConfig(
  raw: unknown,
  description: DeployDescription,
  databaseId: string,
  outDir: string,
): Record<string, unknown> {
  const base = RawConfigSchema.parse(raw)
  const rel = (p: string) => posix.relative(outDir, posix.normalize(p))
  const jobs = base.queues.producers[0]!.queue
  const deadLetter = base.queues.consumers.find((c) => c.queue === jobs)?.dead_letter_queue
  const queue = (name: string) =>
    name === jobs ? description.queues.jobs : name === deadLetter ? description.queues.deadLetter : name
  const db = base.d1_databases[0]!
  const bucket = base.r2_buckets[0]!
  return {
    ...base,
    name: description.worker,
    main: rel(base.main),
    ...(base.alias
      ? {
          alias: Object.fromEntries(
            Object.entries(base.alias).map(([k, v]) => [k, v.startsWith('.') ? rel(v) : v]),
          ),
        }
      : {}),
    vars: regionVars(description, base.vars ?? {}),
    d1_databases: [
      {
        ...db,
        database_name: description.d1.name,
        database_id: databaseId,
        migrations_dir: rel(db.migrations_dir ?? 'migrations'),
      },
    ],
    r2_buckets: [
      {
        ...bucket,
        bucket_name: description.r2.bucket,
        ...(description.r2.jurisdiction ? { jurisdiction: description.r2.jurisdiction } : {}),
      },
    ],
    queues: {
      ...base.queues,
      producers: base.queues.producers.map((p) => ({ ...p, queue: queue(p.queue) })),
      consumers: base.queues.consumers.map((c) => ({
        ...c,
        queue: queue(c.queue),
        ...(c.dead_letter_queue ? { dead_letter_queue: queue(c.dead_letter_queue) } : {}),
      })),
    },
  }
}
