import { buildApp } from './app'
import { processBatch, processDeadLetters } from './jobs/queue'

export { DraftObject } from '../adapters/storage/draft-object'

const app = buildApp()

/** The one wiring point (DESIGN.md §1): HTTP, queue consumer and cron. */
export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    if (batch.queue.endsWith('-dlq')) await processDeadLetters(batch, env)
    else await processBatch(batch, env)
  },
  async scheduled(_controller, _env, _ctx) {},
} satisfies ExportedHandler<Env>
