import type { Config } from '../config'
import type { CaseStore } from '../ports/case-store'
import type { Cipher } from '../ports/cipher'
import type { Clock } from '../ports/clock'
import type { LinkStore } from '../ports/links'
import type { JobQueue } from '../ports/queue'

/**
 * Everything a use case needs, built once per request (or job) by the wiring (`buildDeps` in
 * src/wiring). Tests build their own.
 */
export type Deps = {
  store: CaseStore
  cipher: Cipher
  queue: JobQueue
  clock: Clock
  config: Config
  /** File links (opaque, single-use; src/services/links.ts). */
  links: LinkStore
}
