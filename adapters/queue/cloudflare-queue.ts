import type { JobQueue } from '../../src/ports/queue'

/** `JobQueue` on a Cloudflare Queue producer binding (`env.JOBS`). Bodies are JSON. */
export function buildCloudflareQueue(queue: Queue): JobQueue {
  return {
    async send(job, options) {
      await queue.send(job, {
        contentType: 'json',
        ...(options?.delaySeconds ? { delaySeconds: options.delaySeconds } : {}),
      })
    },
  }
}
