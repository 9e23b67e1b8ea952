import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** `npm run dev` (scripts/dev.mjs) on its own port and persistence directory. */
export interface DevServer {
  base: string
  /** The last 8,000 characters the dev server printed (for a failing test's message). */
  output(): string
  stop(): Promise<void>
}

async function waitHealthy(base: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dev server exited (${child.exitCode}):\n${output()}`)
    try {
      const res = await fetch(`${base}/healthz`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`dev server did not become healthy in ${timeoutMs} ms:\n${output()}`)
}

/**
 * Starts the dev server exactly as a person would (`node scripts/dev.mjs`), in its own process group so
 * that stopping it also stops wrangler's workerd; waits for /healthz. `extraEnv` reaches dev.mjs (e.g.
 * `RET_SLACK_API_URL` for the Slack Web API stub).
 */
export async function startDevServer(
  port: number,
  persistDir: string,
  extraEnv: Record<string, string> = {},
): Promise<DevServer> {
  const child = spawn(process.execPath, ['scripts/dev.mjs'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      PORT: String(port),
      RET_PERSIST_DIR: persistDir,
      WRANGLER_SEND_METRICS: 'false',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const base = `http://127.0.0.1:${port}`
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {
      return
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }, 10_000)
    await exited
    clearTimeout(timer)
  }
  try {
    await waitHealthy(base, child, () => log, 90_000)
  } catch (error) {
    await stop()
    throw error
  }
  return { base, output: () => log, stop }
}
