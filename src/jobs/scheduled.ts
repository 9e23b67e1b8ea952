import { isDigestDue } from '../domain/digest'
import { logger } from '../logger'
import type { Deps } from '../services/deps'
import { runDigestSchedule } from '../services/digest-delivery'
import type { DigestStore } from '../services/digest-store'
import { runReminderScan } from '../services/reminders'

/**
 * The cron handler (wrangler.toml: `0 6 * * *` daily, `0 7 * * 1` Mondays). Thin: decide what is due and
 * enqueue one job per unit (DESIGN.md §2).
 * - Daily 06:00 UTC: the reminders due today, one `reminder.send` job each (job id = reminder key, so a
 *   second firing on the same day changes nothing). Weekends and holidays have none (`dueReminders`).
 * - Monday 08:00 Europe/Amsterdam: the weekly digest. 08:00 Amsterdam is 07:00 UTC in winter (CET) and
 *   06:00 UTC in summer (CEST); both crons fire on Mondays and `isDigestDue` keeps the one that is 08:00
 *   local, whichever cron expression it came from.
 * Retention runs from its own module (src/jobs/retention.ts) on the daily cron.
 */

/** What a run did, for logs and tests. */
export interface ScheduledReport {
  reminders: number
  digest: { week: string; jobs: number } | null
}

/** What a cron run acts through (built by the wiring, src/wiring): the case core and the digest store. */
export interface ScheduledContext {
  deps: Deps
  store: DigestStore
}

/** Runs the reminder scan and, when due, the weekly digest for one cron firing. */
export async function runScheduledJobs(
  controller: Pick<ScheduledController, 'cron' | 'scheduledTime'>,
  context: ScheduledContext,
): Promise<ScheduledReport> {
  const now = new Date(controller.scheduledTime)
  const { deps, store } = context
  const report: ScheduledReport = { reminders: 0, digest: null }
  let failure: unknown = null
  // Each part on its own: a failing reminder scan must not cost the coordinators their digest.
  if (controller.cron === '0 6 * * *') {
    try {
      report.reminders = (await runReminderScan(deps, store, now)).length
    } catch (error) {
      logger.error('reminder_scan_failed', { error: error instanceof Error ? error.name : 'unknown' })
      failure = error
    }
  }
  if (isDigestDue(now)) {
    try {
      const digest = await runDigestSchedule(deps, store, now)
      report.digest = { week: digest.week, jobs: digest.jobs.length }
    } catch (error) {
      logger.error('digest_schedule_failed', { error: error instanceof Error ? error.name : 'unknown' })
      failure ??= error
    }
  }
  logger.info('scheduled_run', { route: controller.cron, count: report.reminders })
  // Rethrown after both parts ran, so the platform records the firing as failed.
  if (failure) throw failure
  return report
}
