// `npm run deploy -- --region <id> [--dry-run]` (docs/deploy.md): the real I/O for scripts/deploy/run.ts.
import { spawn } from 'node:child_process'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Exec, runDeploy } from './run'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const wrangler = join(root, 'node_modules', '.bin', 'wrangler')

/** wrangler with the caller's credentials, no telemetry, no prompts (CI=true). */
const exec: Exec = (args, options) =>
  new Promise((resolve, reject) => {
    const child = spawn(wrangler, args, {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (options?.stream) process.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (options?.stream) process.stderr.write(chunk)
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })

const code = await runDeploy(process.argv.slice(2), {
  exec,
  env: process.env,
  readText: (path) => readFile(join(root, path), 'utf8'),
  writeText: async (path, text) => {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), text)
  },
  listMigrations: async () => (await readdir(join(root, 'migrations'))).filter((f) => f.endsWith('.sql')),
  // wrangler's own reader, so the generated config starts from exactly what `wrangler deploy` would read.
  readRawConfig: async () =>
    (await import('wrangler')).experimental_readRawConfig({ config: join(root, 'wrangler.toml') }).rawConfig,
  out: (text) => console.log(text),
  err: (text) => console.error(text),
})
process.exit(code)
