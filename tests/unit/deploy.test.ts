import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type DeployDescription, parseDeployDescription } from '../../scripts/deploy/description'
import {
  type AccountState,
  buildDeployPlan,
  buildRegionWranglerConfig,
  formatPlan,
  requiredSecrets,
} from '../../scripts/deploy/plan'
import {
  type DeployIo,
  type ExecResult,
  parseAppliedMigrations,
  parseD1List,
  parseR2List,
  parseSecretList,
  READ_ONLY_COMMANDS,
  runDeploy,
} from '../../scripts/deploy/run'
import { ConfigSchema, REQUIRED_SECRETS, REQUIRED_VARS } from '../../src/config'

const MIGRATIONS = readdirSync('migrations').filter((f) => f.endsWith('.sql'))

/** wrangler.toml in the raw form wrangler's reader gives (the parts the region config touches). */
const RAW_CONFIG = {
  name: 'ret-intake',
  main: 'src/index.ts',
  compatibility_date: '2026-04-20',
  alias: { '@slack/socket-mode': './adapters/slack/socket-mode-stub.ts' },
  vars: { DEV_MODE: 'false', REGION_NAME: 'Drenthe', CHAIRS: '' },
  d1_databases: [
    {
      binding: 'DB',
      database_name: 'ret-intake',
      database_id: '00000000-0000-0000-0000-000000000000',
      migrations_dir: 'migrations',
    },
  ],
  r2_buckets: [{ binding: 'FILES', bucket_name: 'ret-intake-files' }],
  queues: {
    producers: [{ binding: 'JOBS', queue: 'ret-jobs' }],
    consumers: [
      { queue: 'ret-jobs', max_retries: 5, dead_letter_queue: 'ret-jobs-dlq' },
      { queue: 'ret-jobs-dlq', max_batch_size: 10 },
    ],
  },
  triggers: { crons: ['0 6 * * *'] },
}

const COMPLETE_VARS = {
  REGION_NAME: 'Drenthe',
  PUBLIC_URL: 'https://ret.drenthe.example',
  ACCESS_TEAM_DOMAIN: 'ret-drenthe.cloudflareaccess.com',
  ACCESS_AUD: 'aud-tag-0123456789',
  TEAMS_APP_ID: '11111111-2222-3333-4444-555555555555',
  TEAMS_TENANT_IDS: 'tenant-1',
}

function description(overrides: Partial<DeployDescription> = {}): DeployDescription {
  return {
    region: 'drenthe',
    worker: 'ret-drenthe',
    d1: { name: 'ret-drenthe', jurisdiction: 'eu' },
    r2: { bucket: 'ret-drenthe-files', jurisdiction: 'eu' },
    queues: { jobs: 'ret-drenthe-jobs', deadLetter: 'ret-drenthe-jobs-dlq' },
    surfaces: ['web', 'api', 'teams'],
    vars: COMPLETE_VARS,
    ...overrides,
  }
}

const FRESH: AccountState = {
  databases: new Map(),
  buckets: new Set(),
  queues: new Set(),
  workerExists: false,
  secrets: new Set(),
  appliedMigrations: new Set(),
}

const DB_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'
const ALL_SECRETS = [
  'ENCRYPTION_KEYS',
  'LINK_SIGNING_KEY',
  'ADMIN_TOKEN',
  'IDENTITY_HMAC_KEY',
  'API_TOKEN',
  'TEAMS_APP_PASSWORD',
]

function existing(applied: readonly string[], secrets = ALL_SECRETS): AccountState {
  return {
    databases: new Map([
      ['other-db', '99999999-9999-9999-9999-999999999999'],
      ['ret-drenthe', DB_ID],
    ]),
    buckets: new Set(['ret-drenthe-files']),
    queues: new Set(['ret-drenthe-jobs', 'ret-drenthe-jobs-dlq']),
    workerExists: true,
    secrets: new Set(secrets),
    appliedMigrations: new Set(applied),
  }
}

const plan = (state: AccountState, d = description()) =>
  buildDeployPlan({
    description: d,
    state,
    migrations: MIGRATIONS,
    baseVars: RAW_CONFIG.vars,
    configPath: '.wrangler/region-deploy/drenthe.json',
  })

describe('deploy plan (pure)', () => {
  it('plans everything for a fresh account: create D1, R2, both queues, all migrations, then stops at the secrets', () => {
    const p = plan(FRESH)
    expect(p.steps.map((s) => s.kind)).toEqual([
      'create-d1',
      'create-r2',
      'create-queue',
      'create-queue',
      'write-config',
      'apply-migrations',
      'check-settings',
      'deploy',
    ])
    expect(p.steps[0]).toMatchObject({ wrangler: ['d1', 'create', 'ret-drenthe', '--jurisdiction', 'eu'] })
    expect(p.steps[1]).toMatchObject({
      wrangler: ['r2', 'bucket', 'create', 'ret-drenthe-files', '--jurisdiction', 'eu'],
    })
    expect(p.steps.filter((s) => s.kind === 'create-queue').map((s) => s.name)).toEqual([
      'ret-drenthe-jobs',
      'ret-drenthe-jobs-dlq',
    ])
    const migrate = p.steps.find((s) => s.kind === 'apply-migrations')
    expect(migrate).toMatchObject({
      pending: [...MIGRATIONS].sort(),
      wrangler: [
        'd1',
        'migrations',
        'apply',
        'DB',
        '--remote',
        '--config',
        '.wrangler/region-deploy/drenthe.json',
      ],
    })
    expect(p.kept).toEqual([])
    expect(p.blockers).toHaveLength(ALL_SECRETS.length)
    expect(p.blockers[0]).toBe(
      'secret ENCRYPTION_KEYS is not set: npx wrangler secret put ENCRYPTION_KEYS --name ret-drenthe',
    )
  })

  it('plans only what is missing for an existing account: the pending migrations, then deploy', () => {
    const p = plan(existing(MIGRATIONS.slice(0, 5)))
    expect(p.steps.map((s) => s.kind)).toEqual([
      'write-config',
      'apply-migrations',
      'check-settings',
      'deploy',
    ])
    expect(p.steps.find((s) => s.kind === 'apply-migrations')).toMatchObject({ pending: MIGRATIONS.slice(5) })
    expect(p.kept).toEqual([
      `D1 database ret-drenthe (${DB_ID})`,
      'R2 bucket ret-drenthe-files',
      'queue ret-drenthe-jobs',
      'queue ret-drenthe-jobs-dlq',
    ])
    expect(p.blockers).toEqual([])
    expect(p.steps.at(-1)).toMatchObject({
      kind: 'deploy',
      wrangler: ['deploy', '--config', '.wrangler/region-deploy/drenthe.json'],
    })
  })

  it('leaves out the migration step when every migration is applied', () => {
    const p = plan(existing(MIGRATIONS))
    expect(p.steps.map((s) => s.kind)).toEqual(['write-config', 'check-settings', 'deploy'])
    expect(p.kept).toContain(`D1 migrations (all ${MIGRATIONS.length} applied)`)
  })

  it('names each missing secret, by the surfaces switched on', () => {
    const p = plan(existing(MIGRATIONS, ['ENCRYPTION_KEYS', 'ADMIN_TOKEN', 'API_TOKEN']))
    expect(p.steps.find((s) => s.kind === 'check-settings')).toMatchObject({
      missingSecrets: ['LINK_SIGNING_KEY', 'IDENTITY_HMAC_KEY', 'TEAMS_APP_PASSWORD'],
    })
    expect(p.blockers).toEqual([
      'secret LINK_SIGNING_KEY is not set: npx wrangler secret put LINK_SIGNING_KEY --name ret-drenthe',
      'secret IDENTITY_HMAC_KEY is not set: npx wrangler secret put IDENTITY_HMAC_KEY --name ret-drenthe',
      'secret TEAMS_APP_PASSWORD is not set: npx wrangler secret put TEAMS_APP_PASSWORD --name ret-drenthe',
    ])
    // Slack switched on: its two secrets become required too.
    const withSlack = description({
      surfaces: ['web', 'slack'],
      vars: { ...COMPLETE_VARS, SLACK_TEAM_IDS: 'T0001', SLACK_TRIAGE_CHANNEL: 'C0001' },
    })
    expect(plan(existing(MIGRATIONS), withSlack).blockers).toEqual([
      'secret SLACK_SIGNING_SECRET is not set: npx wrangler secret put SLACK_SIGNING_SECRET --name ret-drenthe',
      'secret SLACK_BOT_TOKEN is not set: npx wrangler secret put SLACK_BOT_TOKEN --name ret-drenthe',
    ])
  })

  it('refuses to deploy with a required setting empty or invalid', () => {
    const p = plan(
      existing(MIGRATIONS),
      description({ vars: { ...COMPLETE_VARS, ACCESS_AUD: '', PUBLIC_URL: 'not a url' } }),
    )
    expect(p.blockers).toEqual([
      'setting ACCESS_AUD has no value: set it under "vars" in templates/regions/drenthe/deploy.json',
      'setting PUBLIC_URL is not valid (see docs/configuration.md): fix it in templates/regions/drenthe/deploy.json',
    ])
  })

  it('prints the plan with its wrangler commands and what blocks the deploy', () => {
    const text = formatPlan(plan(FRESH), true)
    expect(text).toContain(
      'Deploy plan for region drenthe (Worker ret-drenthe) — dry run: nothing is changed',
    )
    expect(text).toContain(
      '1. create D1 database ret-drenthe   [wrangler d1 create ret-drenthe --jurisdiction eu]',
    )
    expect(text).toContain('The deploy step will not run until:')
    expect(formatPlan(plan(existing(MIGRATIONS)), false)).toContain('Ready to deploy.')
  })

  it('every required secret and setting is a setting of the Worker', () => {
    const settings = Object.keys(ConfigSchema.shape)
    for (const name of [...Object.values(REQUIRED_SECRETS), ...Object.values(REQUIRED_VARS)].flat()) {
      expect(settings).toContain(name)
    }
    expect(requiredSecrets(['web'])).toEqual([
      'ENCRYPTION_KEYS',
      'LINK_SIGNING_KEY',
      'ADMIN_TOKEN',
      'IDENTITY_HMAC_KEY',
    ])
  })
})

describe('a region other than Drenthe (the Worker runs any pack: REGION)', () => {
  const ijsselland = () =>
    description({
      region: 'ijsselland',
      worker: 'ret-ijsselland',
      d1: { name: 'ret-ijsselland', jurisdiction: 'eu' },
      r2: { bucket: 'ret-ijsselland-files', jurisdiction: 'eu' },
      queues: { jobs: 'ret-ijsselland-jobs', deadLetter: 'ret-ijsselland-jobs-dlq' },
    })

  it('plans a fresh IJsselland account like any other: create, migrate, check, deploy; only secrets block', () => {
    const p = plan(FRESH, ijsselland())
    expect(p.steps.map((s) => s.kind)).toEqual([
      'create-d1',
      'create-r2',
      'create-queue',
      'create-queue',
      'write-config',
      'apply-migrations',
      'check-settings',
      'deploy',
    ])
    expect(p.steps[0]).toMatchObject({ wrangler: ['d1', 'create', 'ret-ijsselland', '--jurisdiction', 'eu'] })
    expect(p.blockers).toHaveLength(ALL_SECRETS.length)
    expect(p.blockers.every((b) => b.startsWith('secret '))).toBe(true)
  })

  it('deploys an existing IJsselland account with every secret set, and its config selects the pack', () => {
    const state: AccountState = {
      ...existing(MIGRATIONS),
      databases: new Map([['ret-ijsselland', DB_ID]]),
      buckets: new Set(['ret-ijsselland-files']),
      queues: new Set(['ret-ijsselland-jobs', 'ret-ijsselland-jobs-dlq']),
    }
    const p = plan(state, ijsselland())
    expect(p.blockers).toEqual([])
    expect(p.steps.at(-1)?.kind).toBe('deploy')
    const config = buildRegionWranglerConfig(RAW_CONFIG, ijsselland(), DB_ID, '.wrangler/region-deploy')
    expect((config.vars as Record<string, string>).REGION).toBe('ijsselland')
    expect(config.name).toBe('ret-ijsselland')
  })
})

describe('the region wrangler config', () => {
  it("carries the region's names, database id and vars, with paths relative to where it is written", () => {
    const config = buildRegionWranglerConfig(RAW_CONFIG, description(), DB_ID, '.wrangler/region-deploy')
    expect(config).toMatchObject({
      name: 'ret-drenthe',
      main: '../../src/index.ts',
      compatibility_date: '2026-04-20',
      alias: { '@slack/socket-mode': '../../adapters/slack/socket-mode-stub.ts' },
      d1_databases: [
        {
          binding: 'DB',
          database_name: 'ret-drenthe',
          database_id: DB_ID,
          migrations_dir: '../../migrations',
        },
      ],
      r2_buckets: [{ binding: 'FILES', bucket_name: 'ret-drenthe-files', jurisdiction: 'eu' }],
      queues: {
        producers: [{ binding: 'JOBS', queue: 'ret-drenthe-jobs' }],
        consumers: [
          { queue: 'ret-drenthe-jobs', max_retries: 5, dead_letter_queue: 'ret-drenthe-jobs-dlq' },
          { queue: 'ret-drenthe-jobs-dlq', max_batch_size: 10 },
        ],
      },
      triggers: { crons: ['0 6 * * *'] },
    })
    expect(config.vars).toEqual({
      ...RAW_CONFIG.vars,
      ...COMPLETE_VARS,
      REGION: 'drenthe',
      DEV_MODE: 'false',
    })
  })

  it('never deploys with DEV_MODE on, whatever deploy.json says', () => {
    const config = buildRegionWranglerConfig(
      RAW_CONFIG,
      description({ vars: { DEV_MODE: 'true' } }),
      DB_ID,
      '.wrangler/region-deploy',
    )
    expect((config.vars as Record<string, string>).DEV_MODE).toBe('false')
  })
})

describe('deployment descriptions', () => {
  for (const region of readdirSync('templates/regions')) {
    it(`templates/regions/${region}/deploy.json is valid and names its own region`, () => {
      const file = `templates/regions/${region}/deploy.json`
      const d = parseDeployDescription(readFileSync(file, 'utf8'), file, region)
      expect(d.region).toBe(region)
    })
  }

  it('refuses a secret in vars and a shared dead-letter queue, naming the fields', () => {
    const bad = JSON.stringify({
      ...description(),
      queues: { jobs: 'q', deadLetter: 'q' },
      vars: { ENCRYPTION_KEYS: 'k1:abc' },
    })
    expect(() => parseDeployDescription(bad, 'x/deploy.json', 'drenthe')).toThrow(
      /queues\.deadLetter: the dead-letter queue must differ[\s\S]*vars\.ENCRYPTION_KEYS: ENCRYPTION_KEYS is a secret/,
    )
    expect(() => parseDeployDescription(bad.replace('"q"', '"Q Q"'), 'x/deploy.json', 'drenthe')).toThrow(
      /queues\.jobs: lower case letters/,
    )
  })
})

describe('wrangler output parsers', () => {
  it('reads d1 list, r2 bucket list, secret list and d1_migrations', () => {
    expect(
      parseD1List(
        JSON.stringify([
          { uuid: DB_ID, name: 'ret-drenthe', created_at: '2026-12-01', version: 'production' },
        ]),
      ),
    ).toEqual(new Map([['ret-drenthe', DB_ID]]))
    expect(
      parseR2List(
        'Listing buckets...\nname:           ret-drenthe-files\ncreation_date:  2026-12-01T10:00:00.000Z\n\nname:           other\ncreation_date:  2026-12-01T10:00:00.000Z\n',
      ),
    ).toEqual(new Set(['ret-drenthe-files', 'other']))
    expect(parseSecretList('[{"name":"ADMIN_TOKEN","type":"secret_text"}]')).toEqual(new Set(['ADMIN_TOKEN']))
    expect(
      parseAppliedMigrations(
        JSON.stringify([
          { results: [{ name: '0001_init.sql' }, { name: '0010_slack_messages.sql' }], success: true },
        ]),
      ),
    ).toEqual(new Set(['0001_init.sql', '0010_slack_messages.sql']))
    expect(() => parseD1List('✘ [ERROR] Authentication error')).toThrow()
  })
})

// ---- the runner, with a fake wrangler ----

interface FakeAccount {
  databases: { uuid: string; name: string }[]
  buckets: string[]
  queues: string[]
  secrets: string[] | null
  applied: string[]
}

function fakeIo(account: FakeAccount, env: Record<string, string> = CREDS) {
  const calls: string[][] = []
  const out: string[] = []
  const err: string[] = []
  const written = new Map<string, string>()
  const ok = (stdout: string): ExecResult => ({ code: 0, stdout, stderr: '' })
  const io: DeployIo = {
    env,
    exec: async (args) => {
      calls.push(args)
      const cmd = args.join(' ')
      if (cmd === 'd1 list --json') return ok(JSON.stringify(account.databases))
      if (cmd.startsWith('r2 bucket list'))
        return ok(account.buckets.map((b) => `name: ${b}\ncreation_date: x\n`).join('\n'))
      if (cmd.startsWith('queues info ')) {
        const name = args[2] as string
        return account.queues.includes(name)
          ? ok(`Queue Name: ${name}`)
          : { code: 1, stdout: '', stderr: `✘ [ERROR] Queue "${name}" does not exist.` }
      }
      if (cmd.startsWith('secret list'))
        return account.secrets
          ? ok(JSON.stringify(account.secrets.map((name) => ({ name, type: 'secret_text' }))))
          : {
              code: 1,
              stdout: '',
              stderr: '✘ [ERROR] This Worker does not exist on your account. [code: 10007]',
            }
      if (cmd.startsWith('d1 execute'))
        return ok(JSON.stringify([{ results: account.applied.map((name) => ({ name })) }]))
      if (cmd.startsWith('d1 create')) {
        account.databases.push({ uuid: DB_ID, name: args[2] as string })
        return ok('✅ Successfully created DB')
      }
      if (cmd.startsWith('r2 bucket create')) return ok('Created bucket')
      if (cmd.startsWith('queues create')) return ok('Created queue')
      if (cmd.startsWith('d1 migrations apply')) return ok('Migrations applied')
      if (cmd.startsWith('deploy')) return ok('Deployed ret-drenthe')
      return { code: 1, stdout: '', stderr: `unexpected command ${cmd}` }
    },
    readText: async (path) => readFileSync(path, 'utf8'),
    writeText: async (path, text) => {
      written.set(path, text)
    },
    listMigrations: async () => MIGRATIONS,
    readRawConfig: async () => RAW_CONFIG,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  }
  return { io, calls, out, err, written }
}

const CREDS = { CLOUDFLARE_API_TOKEN: 'token', CLOUDFLARE_ACCOUNT_ID: 'account' }
const isReadOnly = (args: string[]) => READ_ONLY_COMMANDS.some((c) => args.join(' ').startsWith(c))

describe('npm run deploy (runner with a fake wrangler)', () => {
  it('fails clearly without credentials, before touching wrangler — also for a dry run', async () => {
    const { io, calls, err } = fakeIo(
      { databases: [], buckets: [], queues: [], secrets: null, applied: [] },
      { CLOUDFLARE_ACCOUNT_ID: 'account' },
    )
    expect(await runDeploy(['--region', 'drenthe', '--dry-run'], io)).toBe(2)
    expect(err.join('\n')).toContain('No Cloudflare credentials: CLOUDFLARE_API_TOKEN is not set.')
    expect(calls).toEqual([])
    const none = fakeIo({ databases: [], buckets: [], queues: [], secrets: null, applied: [] }, {})
    expect(await runDeploy(['--region', 'drenthe', '--dry-run'], none.io)).toBe(2)
    expect(none.err.join('\n')).toContain('CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are not set')
  })

  it('a dry run on a fresh account prints the full plan and only reads', async () => {
    const { io, calls, out, written } = fakeIo({
      databases: [],
      buckets: [],
      queues: [],
      secrets: null,
      applied: [],
    })
    expect(await runDeploy(['--region', 'drenthe', '--dry-run'], io)).toBe(0)
    expect(calls.length).toBeGreaterThan(0)
    expect(calls.every(isReadOnly)).toBe(true)
    expect(written.size).toBe(0)
    const text = out.join('\n')
    expect(text).toContain('dry run: nothing is changed')
    expect(text).toContain('create D1 database ret-drenthe')
    expect(text).toContain(`apply ${MIGRATIONS.length} migration(s)`)
    expect(text).toContain('secret ENCRYPTION_KEYS is not set')
  })

  it('a real run on a fresh account creates what is missing and stops before deploy while secrets are missing', async () => {
    const { io, calls, err } = fakeIo({ databases: [], buckets: [], queues: [], secrets: null, applied: [] })
    expect(await runDeploy(['--region', 'drenthe'], io)).toBe(1)
    const writes = calls.filter((c) => !isReadOnly(c)).map((c) => c.slice(0, 3).join(' '))
    expect(writes).toEqual([
      'd1 create ret-drenthe',
      'r2 bucket create',
      'queues create ret-drenthe-jobs',
      'queues create ret-drenthe-jobs-dlq',
      'd1 migrations apply',
    ])
    expect(err.join('\n')).toContain('Not deploying ret-drenthe')
    expect(calls.some((c) => c[0] === 'deploy')).toBe(false)
  })

  it('a real run on a complete account applies the pending migrations, writes the config with the database id and deploys', async () => {
    // The committed deploy.json leaves the organisation's own values empty: fill them for this run.
    const d = JSON.parse(readFileSync('templates/regions/drenthe/deploy.json', 'utf8'))
    const { io, calls, written } = fakeIo({
      databases: [{ uuid: DB_ID, name: 'ret-drenthe' }],
      buckets: ['ret-drenthe-files'],
      queues: ['ret-drenthe-jobs', 'ret-drenthe-jobs-dlq'],
      secrets: ALL_SECRETS,
      applied: MIGRATIONS.slice(0, -1),
    })
    io.readText = async () => JSON.stringify({ ...d, surfaces: ['web', 'api', 'teams'], vars: COMPLETE_VARS })
    expect(await runDeploy(['--region', 'drenthe'], io)).toBe(0)
    expect(calls.filter((c) => !isReadOnly(c)).map((c) => c.join(' '))).toEqual([
      'd1 migrations apply DB --remote --config .wrangler/region-deploy/drenthe.json',
      'deploy --config .wrangler/region-deploy/drenthe.json',
    ])
    const config = JSON.parse(written.get('.wrangler/region-deploy/drenthe.json') ?? '{}')
    expect(config.d1_databases[0].database_id).toBe(DB_ID)
    expect(config.vars.REGION).toBe('drenthe')
  })

  it('refuses an unknown region and a missing --region', async () => {
    const { io, err } = fakeIo({ databases: [], buckets: [], queues: [], secrets: null, applied: [] })
    expect(await runDeploy(['--region', 'atlantis', '--dry-run'], io)).toBe(1)
    expect(err.join('\n')).toContain(
      'Unknown region "atlantis": templates/regions/atlantis/deploy.json does not exist.',
    )
    expect(await runDeploy(['--dry-run'], io)).toBe(2)
    expect(err.join('\n')).toContain('--region <id> is required.')
    expect(await runDeploy(['--region', '../etc'], io)).toBe(2)
  })
})

describe('the real entry point and the real wrangler.toml', () => {
  it('npm run deploy without credentials exits 2 with the message, before any wrangler call', async () => {
    const env = { ...process.env, CLOUDFLARE_API_TOKEN: '', CLOUDFLARE_ACCOUNT_ID: '' }
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        'node_modules/.bin/tsx',
        ['scripts/deploy/main.ts', '--region', 'drenthe', '--dry-run'],
        { env },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
      )
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      'No Cloudflare credentials: CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are not set.',
    )
  }, 60_000)

  it('builds the region config from wrangler.toml as wrangler reads it (drift in wrangler.toml fails here)', async () => {
    const { experimental_readRawConfig } = await import('wrangler')
    const raw = experimental_readRawConfig({ config: 'wrangler.toml' }).rawConfig
    const config = buildRegionWranglerConfig(raw, description(), DB_ID, '.wrangler/region-deploy')
    expect(config).toMatchObject({
      name: 'ret-drenthe',
      main: '../../src/index.ts',
      d1_databases: [{ binding: 'DB', database_name: 'ret-drenthe', database_id: DB_ID }],
      r2_buckets: [{ binding: 'FILES', bucket_name: 'ret-drenthe-files' }],
      queues: {
        producers: [{ binding: 'JOBS', queue: 'ret-drenthe-jobs' }],
        consumers: [
          { queue: 'ret-drenthe-jobs', dead_letter_queue: 'ret-drenthe-jobs-dlq' },
          { queue: 'ret-drenthe-jobs-dlq' },
        ],
      },
    })
    // Everything else (Durable Objects, crons, rate limits, flags) is carried over unchanged.
    for (const key of [
      'durable_objects',
      'migrations',
      'triggers',
      'ratelimits',
      'compatibility_flags',
      'rules',
    ])
      expect(config[key]).toEqual((raw as Record<string, unknown>)[key])
  }, 60_000)
})
