import { buildDraftMaintenance, D1PrivacyStore } from '../../adapters/storage/d1-privacy-store'
import { buildDeps, type Deps } from './deps'
import type { EraseDeps } from './erase'

/** The dependencies of erasure, retention and key rotation from the Worker's bindings. */
export function buildPrivacyDeps(env: Env, deps: Deps = buildDeps(env)): EraseDeps {
  return {
    ...deps,
    privacy: new D1PrivacyStore(env.DB, env.FILES),
    drafts: buildDraftMaintenance(env.DRAFTS),
  }
}
