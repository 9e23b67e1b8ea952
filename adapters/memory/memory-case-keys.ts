import type { CaseKeyStore } from '../../src/ports/cipher'

/** An in-memory `CaseKeyStore` (unit tests); `delete` stands in for erasure. */
export class MemoryCaseKeyStore implements CaseKeyStore {
  readonly keys = new Map<string, string>()

  async get(caseId: string): Promise<string | null> {
    return this.keys.get(caseId) ?? null
  }

  async putIfAbsent(caseId: string, keyEnc: string): Promise<string> {
    const existing = this.keys.get(caseId)
    if (existing !== undefined) return existing
    this.keys.set(caseId, keyEnc)
    return keyEnc
  }

  delete(caseId: string): void {
    this.keys.delete(caseId)
  }
}
