import { z } from 'zod'
import type { DigestSnapshot } from '../domain/digest'
import { INTERVENTIONS } from '../domain/enums'

/**
 * Storage of the reminder and digest ledgers (migrations/0040_digest.sql): weekly snapshots (counts
 * only), digest deliveries per week and recipient, reminders sent per case, rule and day. Nothing
 * personal: references, rule ids, weeks, counts and identity keys of professionals.
 */
export interface DigestStore {
  /** Stores this week's snapshot unless one exists; returns the stored one (the first wins). */
  putSnapshot(snapshot: DigestSnapshot, generatedAt: string): Promise<StoredDigest>
  getSnapshot(week: string): Promise<StoredDigest | null>
  /** Claims the delivery of one week's digest to one recipient (see `Claim`). */
  claimDelivery(week: string, recipient: string, now: Date): Promise<Claim>
  /** Marks a claimed delivery as sent. */
  finishDelivery(week: string, recipient: string): Promise<void>
  /** Gives a claim up after a failure, so a retry can send. */
  releaseDelivery(week: string, recipient: string): Promise<void>
  /** Recipients the week's digest was sent to. */
  listDeliveries(week: string): Promise<string[]>
  /** Claims one reminder (its key: case, rule, day). */
  claimReminder(entry: ReminderEntry, now: Date): Promise<Claim>
  finishReminder(key: string): Promise<void>
  releaseReminder(key: string): Promise<void>
  /**
   * Referrer messages sent (the escalation included) per case and open question: an information request,
   * or the follow-up question after the advice (`statusSince` tells the two apart).
   */
  countInfoReminders(): Promise<Map<string, { statusSince: string; sent: number }[]>>
}

/** `mine`: this call may send; `done`: it was sent; `busy`: another run is sending it right now. */
export type Claim = 'mine' | 'done' | 'busy'

/** A claim left unfinished this long belongs to a crashed run and may be taken over. */
export const STALE_CLAIM_MS = 10 * 60_000

/** A stored weekly snapshot and the cron time it was built for. */
export interface StoredDigest {
  snapshot: DigestSnapshot
  generatedAt: string
}

/** One reminder sent. */
export interface ReminderEntry {
  key: string
  reference: string
  rule: string
  kind: 'reminder' | 'escalation'
  statusSince: string
}

const countsSchema = z.object({
  total: z.int().min(0),
  byIntervention: z.partialRecord(z.enum(INTERVENTIONS), z.int().min(0)),
  // A region pack's municipalities (src/domain/region.ts), not only Drenthe's.
  byMunicipality: z.record(z.string().min(1).max(100), z.int().min(0)),
})
const SnapshotSchema = z.object({ week: z.string().regex(/^\d{4}-W\d{2}$/), counts: countsSchema })

/** Reads a stored snapshot; null when the row is not a snapshot (then the change is estimated). */
export function parseSnapshot(json: string): DigestSnapshot | null {
  try {
    const parsed = SnapshotSchema.safeParse(JSON.parse(json))
    return parsed.success ? (parsed.data as DigestSnapshot) : null
  } catch {
    return null
  }
}
