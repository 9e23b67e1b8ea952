import { logger } from '../logger'
import type { EraseDeps } from '../services/erase'
import { parseRetention, type RetentionReport, runRetention } from '../services/retention'

/**
 * The daily retention run (cron `0 6 * * *`): erases cases past their retention per state and idle
 * drafts (docs/privacy.md). A malformed `RETENTION_DAYS` erases nothing and is logged: better to keep
 * data a day longer than to erase on a typo.
 */
export async function runRetentionJob(deps: EraseDeps): Promise<RetentionReport | null> {
  const policy = parseRetention(deps.config.RETENTION_DAYS)
  if (!policy.ok) {
    logger.error('retention_config_invalid', { count: policy.problems.length })
    return null
  }
  try {
    return await runRetention(deps, policy.policy)
  } catch (error) {
    // Logged by name only (a storage error message may quote a value); tomorrow's run tries again.
    logger.error('retention_failed', { error: error instanceof Error ? error.name : 'unknown' })
    return null
  }
}
