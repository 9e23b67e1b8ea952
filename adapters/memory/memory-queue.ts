import type { JobQueue } from '../../src/ports/queue'

/** A `JobQueue` that keeps what was sent, for tests. */
export class MemoryQueue implements JobQueue {
  readonly sent: { job: { type: string; id: string } & Record<string, unknown>; delaySeconds?: number }[] = []

  async send(
    job: { type: string; id: string } & Record<string, unknown>,
    options?: { delaySeconds?: number },
  ): Promise<void> {
    this.sent.push({
      job: structuredClone(job),
      ...(options?.delaySeconds ? { delaySeconds: options.delaySeconds } : {}),
    })
  }
}
