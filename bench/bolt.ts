import { spawn } from 'node:child_process'

/**
 * The Bolt peer: a plain `@slack/bolt` App on Node with its default HTTPReceiver and trivial handlers
 * (bench/bolt-server.mjs, 127.0.0.1 only), sent the same signed requests as our Worker from the same HTTP
 * client (bench/acks.ts). Its /proc CPU is Node's alone.
 */
export interface BoltPeer {
  pid: number | undefined
  url: string
  stop: () => void
}

export async function startBolt(secret: string): Promise<BoltPeer> {
  const child = spawn(process.execPath, ['bench/bolt-server.mjs'], {
    env: { ...process.env, BENCH_SLACK_SIGNING_SECRET: secret },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  let out = ''
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Bolt did not start in 20 s')), 20_000)
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = out.match(/BOLT_PORT=(\d+)/)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    child.once('exit', () => reject(new Error('Bolt exited')))
  })
  return {
    pid: child.pid,
    url: `http://127.0.0.1:${port}/slack/events`,
    stop: () => {
      child.stdin.end()
      child.kill()
    },
  }
}
