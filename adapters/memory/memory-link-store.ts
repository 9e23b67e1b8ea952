import type { LinkStore, StoredLink } from '../../src/ports/links'

/** A `LinkStore` in memory, with the D1 store's behaviour, for service tests. */
export class MemoryLinkStore implements LinkStore {
  readonly links = new Map<string, StoredLink>()

  async put(link: StoredLink): Promise<void> {
    if (this.links.has(link.id)) throw new Error('file link id exists')
    this.links.set(link.id, { ...link })
  }

  async get(id: string): Promise<StoredLink | null> {
    const link = this.links.get(id)
    return link ? { ...link } : null
  }

  async consume(id: string, atIso: string): Promise<boolean> {
    const link = this.links.get(id)
    if (!link || link.usedAt !== null || !(link.expiresAt > atIso)) return false
    link.usedAt = atIso
    return true
  }

  async release(id: string, usedAtIso: string): Promise<void> {
    const link = this.links.get(id)
    if (link?.usedAt === usedAtIso) link.usedAt = null
  }

  async purgeExpired(beforeIso: string, limit: number): Promise<number> {
    let deleted = 0
    for (const [id, link] of this.links) {
      if (deleted >= limit) break
      if (link.expiresAt < beforeIso) {
        this.links.delete(id)
        deleted++
      }
    }
    return deleted
  }
}
