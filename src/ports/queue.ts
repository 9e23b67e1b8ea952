/** Queue messages (zod schemas in src/jobs/messages.ts are the source of truth). */
export interface JobQueue {
  /** Enqueue one job. `id` is the idempotency key: a consumer that sees it twice acts once. */
  send(
    job: { type: string; id: string } & Record<string, unknown>,
    options?: { delaySeconds?: number },
  ): Promise<void>
}
