import type { Bilingual } from './copy'
import type { Gate, Intervention, Lang } from './enums'

/** Where a request came from. */
export type Surface = 'web' | 'teams' | 'slack' | 'api' | 'cli' | 'system'

/** What a person may do (DESIGN.md §6); roles come from configuration, checked on every action. */
export type Role = 'referrer' | 'chair' | 'coordinator' | 'admin'

/** An authenticated person (or system) acting on a surface. `userId` is stable per surface and tenant. */
export interface Actor {
  surface: Surface
  tenant: string
  userId: string
  /** Display name: personal data, never logged. */
  name: string
  roles: readonly Role[]
  lang: Lang
}

/** One fired routing condition (DOMAIN.md §4 routing output). */
export interface RoutingReason extends Bilingual {
  rule: string
  field: string
  intervention: Intervention
  weight: number
}

/** One fired gate. */
export interface GateHit extends Bilingual {
  gate: Gate
}

/** The routing output: also the public shape of `ret route` and `POST /api/v1/route`. */
export interface RoutingDecision {
  primary: Intervention
  alternatives: Intervention[]
  reasons: RoutingReason[]
  gates: GateHit[]
  missing: string[]
  scores: Record<Intervention, number>
}
