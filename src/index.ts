import { buildApp } from './app'
import { regionOf } from './domain/region'
import { processBatch, processDeadLetters, runDailyRetention, runScheduled } from './wiring'

export { DraftObject } from '../adapters/storage/draft-object'

const app = buildApp()

/** The deployment's region pack (`REGION`), resolved and validated once per isolate before any work. */
const inRegion = (env: Env) => regionOf(env)

/**
 * The Worker's entry (DESIGN.md §1): HTTP, queue consumer and cron. Adapters, job handlers and
 * dead-letter hooks are wired in src/wiring.
 */
export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    inRegion(env)
    return app.fetch(request, env, ctx)
  },
  async queue(batch, env, _ctx) {
    inRegion(env)
    if (batch.queue.endsWith('-dlq')) await processDeadLetters(batch, env)
    else await processBatch(batch, env)
  },
  async scheduled(controller, env, ctx) {
    inRegion(env)
    if (controller.cron === '0 6 * * *')
      ctx.waitUntil(runDailyRetention(env, new Date(controller.scheduledTime)))
    // Reminders (daily) and the weekly digest (Monday 08:00 Europe/Amsterdam): src/jobs/scheduled.ts.
    await runScheduled(controller, env, ctx)
  },
} satisfies ExportedHandler<Env>
