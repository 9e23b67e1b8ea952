import { buildApp } from './app'

export { DraftObject } from '../adapters/storage/draft-object'

const app = buildApp()

/** The one wiring point (DESIGN.md §1): HTTP, queue consumer and cron. */
export default {
  fetch: app.fetch,
  async queue(_batch, _env, _ctx) {},
  async scheduled(_controller, _env, _ctx) {},
} satisfies ExportedHandler<Env>
