import type { MonitoringCase } from '../domain/monitoring'
import { summaryFieldsOf } from './cases'
import type { Deps } from './deps'

/**
 * The monitoring input from storage (issue 15 §2): every case (not drafts) as a monitoring summary,
 * built from the non-personal columns only. No pseudonym is decrypted and none enters the model.
 * - `analysisPresent` is known only when gate G5 fired (the analysis was required): present unless
 *   the case carries the `analysis_missing` flag;
 * - `gpRedirected` is a case on which gate G4 (GP as referrer) fired;
 * - `declinedTo` is the category the chair chose when declining (issue 15 §3, `cases.decline_destination`,
 *   migration 0130); a case declined before that counts under "other".
 * `careStartedAt` and the follow-up answers come from the referrer's answer to the follow-up question
 * (`answerFollowUp`, stored in `cases.follow_up_json`, migration 0100).
 */
export async function listMonitoringCases(deps: Deps): Promise<MonitoringCase[]> {
  const rows = await deps.store.listForDigest()
  return rows.map((row) => ({
    ...summaryFieldsOf(row),
    pseudonym: null,
    owner: null,
    urgency: row.urgency,
    consultationOnly: row.consultation,
    analysisPresent: row.flags.includes('G5') ? !row.flags.includes('analysis_missing') : null,
    gpRedirected: row.flags.includes('G4'),
    declinedTo: row.status === 'declined' ? (row.declinedTo ?? 'other') : null,
    careStartedAt: row.followUp?.careStarted ? row.followUp.careStartedAt : null,
    followUp: row.followUp ?? null,
  }))
}
