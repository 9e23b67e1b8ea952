import { CASE_STATUSES, type CaseStatus } from '../domain/lifecycle'
import { logger } from '../logger'
import { SYSTEM_ACTOR } from './access'
import { type EraseDeps, runEraseCase } from './erase'

/**
 * Retention (docs/privacy.md): how long a case is kept per state, counted from when it ended
 * (`closedAt`) or, for states without an end, from when it entered the state (`statusSince`).
 * The daily job erases what is older. Open cases are not erased automatically (they are being worked
 * on); set a number for them to change that. Idle drafts (no change for `draft` days) are erased too.
 */

/** Retention in days per case state plus `draft`; a missing state is kept until erased by hand. */
export type RetentionPolicy = Partial<Record<CaseStatus | 'draft', number>>

/** Defaults, with their reasoning in docs/privacy.md §Retention. */
export const DEFAULT_RETENTION: RetentionPolicy = {
  withdrawn: 30,
  declined: 90,
  closed: 90,
  draft: 30,
}

const KEYS = new Set<string>([...CASE_STATUSES, 'draft'])

/**
 * Parses `RETENTION_DAYS` (`closed=90,declined=90,withdrawn=30,draft=30`) over the defaults.
 * `state=0` or `state=never` keeps that state until erased by hand. Returns problems for unknown
 * states or bad numbers (the configuration is then refused).
 */
export function parseRetention(
  spec: string,
): { ok: true; policy: RetentionPolicy } | { ok: false; problems: string[] } {
  const policy: RetentionPolicy = { ...DEFAULT_RETENTION }
  const problems: string[] = []
  for (const part of spec.split(',')) {
    if (part.trim() === '') continue
    const [rawKey, rawValue] = part.split('=').map((s) => s.trim())
    if (!rawKey || !KEYS.has(rawKey) || rawValue === undefined) {
      problems.push(part.trim())
      continue
    }
    const key = rawKey as keyof RetentionPolicy
    if (rawValue === 'never' || rawValue === '0') {
      delete policy[key]
      continue
    }
    const days = Number(rawValue)
    if (!Number.isInteger(days) || days < 1 || days > 36_500) {
      problems.push(part.trim())
      continue
    }
    policy[key] = days
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, policy }
}

export interface RetentionReport {
  erased: string[]
  drafts: number
  rateLimitWindows: number
}

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * The daily retention run: erases expired cases state by state (each on its own: one failure does not
 * stop the rest), then idle drafts, then old rate-limit windows.
 */
export async function runRetention(
  deps: EraseDeps,
  policy: RetentionPolicy,
  options: { batchSize?: number } = {},
): Promise<RetentionReport> {
  const now = deps.clock()
  const batchSize = options.batchSize ?? 100
  const erased: string[] = []
  const failed = new Set<string>()
  for (const status of CASE_STATUSES) {
    const days = policy[status]
    if (days === undefined || status === 'draft') continue
    const before = new Date(now.getTime() - days * DAY_MS).toISOString()
    for (;;) {
      const due = (await deps.privacy.listExpired(status, before, batchSize + failed.size)).filter(
        (reference) => !failed.has(reference),
      )
      if (due.length === 0) break
      for (const reference of due) {
        try {
          const result = await runEraseCase(deps, { reference, reason: 'retention', actor: SYSTEM_ACTOR })
          if (result.ok) erased.push(reference)
          else failed.add(reference)
        } catch (error) {
          failed.add(reference)
          logger.error('retention_erase_failed', {
            reference,
            error: error instanceof Error ? error.name : 'unknown',
          })
        }
      }
    }
  }

  let drafts = 0
  const draftDays = policy.draft
  if (draftDays !== undefined) {
    const beforeIso = new Date(now.getTime() - draftDays * DAY_MS).toISOString()
    let after = ''
    for (;;) {
      const keys = await deps.privacy.listDraftKeys(after, batchSize)
      if (keys.length === 0) break
      for (const key of keys) {
        try {
          if (await deps.drafts.expire(key, { beforeIso })) drafts++
        } catch (error) {
          logger.error('retention_draft_failed', { error: error instanceof Error ? error.name : 'unknown' })
        }
      }
      after = keys.at(-1) ?? after
    }
  }

  const rateLimitWindows = await deps.privacy.pruneRateLimits(Math.floor(now.getTime() / 1000) - 24 * 3600)
  logger.info('retention_done', { count: erased.length, phase: 'cases' })
  return { erased, drafts, rateLimitWindows }
}
