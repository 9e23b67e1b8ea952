import { logger } from '../logger'
import type { CaseStore } from '../ports/case-store'

/**
 * Identity pseudonyms (issue 14 §4): cases filed before pseudonyms name their referrer or lead by
 * e-mail (`web:access:<email>`). When that person signs in, their cases move to the pseudonym
 * (`web:access:p_…`), so "my cases" and their rights keep working and the e-mail leaves `cases`.
 * Once per identity per isolate; a no-op when there is nothing to move.
 */
const adopted = new Set<string>()

export async function adoptLegacyIdentity(
  store: Pick<CaseStore, 'renameIdentity'>,
  legacyKey: string,
  pseudonymKey: string,
): Promise<number> {
  if (legacyKey === pseudonymKey || adopted.has(pseudonymKey)) return 0
  const moved = await store.renameIdentity(legacyKey, pseudonymKey)
  adopted.add(pseudonymKey)
  if (moved > 0) logger.info('identity_pseudonymised', { count: moved })
  return moved
}
