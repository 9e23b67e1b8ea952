import { handleAcuteAlert, handleCardSync } from '../jobs/case-channel'
import {
  CaseErasedJobSchema,
  ConsentWithdrawnJobSchema,
  handleChannelErased,
  handleConsentWithdrawn,
  handleSentErased,
} from '../jobs/case-erased'
import { DigestJobSchema, handleDigestJob, processDeadLetterAlert } from '../jobs/digest'
import { JobRegistry } from '../jobs/handlers'
import { defineJobType } from '../jobs/messages'
import { handlePdfJob, PdfGenerateJobSchema } from '../jobs/pdf-generate'
import {
  handleCaseChangeJob,
  handleReceiptJob,
  handleTeamsReminderJob,
  TeamsReminderJobSchema,
} from '../jobs/referrer-notices'
import { handleReminderJob, ReminderJobSchema } from '../jobs/reminders'
import { CaseAcuteJobSchema } from '../services/dialogue'

/**
 * Every queue message type, job handler and dead-letter hook of the Worker, in one place (issue 11):
 * importing a route or a job module registers nothing. Handler names are the idempotency ledger's keys
 * (`<job id>#<name>`): each runs at most once per job id.
 */

let defined = false

/** Declares the message types beyond the case core's (once per isolate). */
export function defineJobTypes(): void {
  if (defined) return
  defined = true
  defineJobType('case.acute', CaseAcuteJobSchema)
  defineJobType('pdf.generate', PdfGenerateJobSchema)
  defineJobType('teams.reminder', TeamsReminderJobSchema)
  defineJobType('reminder.send', ReminderJobSchema)
  defineJobType('digest.send', DigestJobSchema)
  defineJobType('case.erased', CaseErasedJobSchema)
  defineJobType('case.consent-withdrawn', ConsentWithdrawnJobSchema)
}

/** A registry with every handler of the Worker. */
export function buildJobRegistry(): JobRegistry {
  defineJobTypes()
  const registry = new JobRegistry()
  // A case was filed: the chairs' card, the referrer's receipt, the PDF.
  registry.register('case.submitted', 'channel.card', handleCardSync)
  registry.register('case.submitted', 'referrer.receipt', handleReceiptJob)
  registry.register('case.submitted', 'pdf.generate', handlePdfJob)
  // A spoedmelding: the card, then the channel alert.
  registry.register('case.acute', 'channel.acute-alert', handleAcuteAlert)
  // A case changed: the card in place, the referrer's status or question, the PDF.
  registry.register('case.changed', 'channel.card', handleCardSync)
  registry.register('case.changed', 'referrer.change', handleCaseChangeJob)
  registry.register('case.changed', 'pdf.generate', handlePdfJob)
  registry.register('pdf.generate', 'pdf.generate', handlePdfJob)
  // Reminders and the digest.
  registry.register('teams.reminder', 'teams.reminder', handleTeamsReminderJob)
  registry.register('reminder.send', 'reminders.send', handleReminderJob)
  registry.register('digest.send', 'digest.send', handleDigestJob)
  // Erasure: the channel card and every remembered message become "verwijderd".
  registry.register('case.erased', 'channel.erased-card', handleChannelErased)
  registry.register('case.erased', 'notices.erased', handleSentErased)
  registry.register('case.consent-withdrawn', 'privacy.erase', handleConsentWithdrawn)
  // A job that exhausted its retries: the chairs hear of it once.
  registry.onDeadLetter('chairs.alert', async (letter, context) => {
    await processDeadLetterAlert(letter, context)
  })
  return registry
}

let workerRegistry: JobRegistry | null = null

/** The Worker's registry (built once per isolate). */
export function workerJobRegistry(): JobRegistry {
  workerRegistry ??= buildJobRegistry()
  return workerRegistry
}
