import type { CaseEvent } from '../domain/lifecycle'
import type { StoredEvent } from '../ports/case-store'
import { type Cipher, eventAad } from '../ports/cipher'

/**
 * One stored timeline entry as a lifecycle event, its data decrypted (`{}` when it has none). The data
 * holds free text (reasons, questions, advice): callers read only the fields they need and never post it.
 */
export async function decryptEvent(deps: { cipher: Cipher }, stored: StoredEvent): Promise<CaseEvent> {
  const data =
    stored.dataEnc === null
      ? {}
      : await deps.cipher.decryptJson<Record<string, unknown>>(
          stored.dataEnc,
          eventAad(stored.caseId, stored.seq),
        )
  return {
    type: stored.type as CaseEvent['type'],
    at: stored.at,
    actorKey: stored.actorKey,
    surface: stored.surface,
    from: stored.from,
    to: stored.to,
    data,
  }
}
