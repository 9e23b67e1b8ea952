import { z } from 'zod'
import { REFERENCE_PATTERN } from '../ports/case-store'
import { CipherError } from '../ports/cipher'
import { processCasePdf } from '../services/pdf'
import type { JobContext } from './handlers'
import { TemporaryError } from './queue'

/**
 * `pdf.generate`: renders a case's intake PDF on the queue — after submit, after every lifecycle
 * change, and when asked explicitly (an attachment was added). Never in the ack path. Idempotent:
 * the consumer runs it once per job id, and `processCasePdf` skips a PDF that already shows the case.
 */

export const PdfGenerateJobSchema = z.strictObject({
  type: z.literal('pdf.generate'),
  id: z.string().min(1).max(300),
  reference: z.string().regex(REFERENCE_PATTERN),
})
export type PdfGenerateJob = z.output<typeof PdfGenerateJobSchema>

declare module './messages' {
  interface JobTypes {
    'pdf.generate': PdfGenerateJob
  }
}

/** The handler: one case, every language it needs. Storage hiccups retry; a key problem does not. */
export async function handlePdfJob(job: { reference: string }, { deps, ports }: JobContext): Promise<void> {
  try {
    await processCasePdf(deps, ports.caseFiles, job.reference, ports.pdf)
  } catch (error) {
    if (error instanceof CipherError) throw error
    throw new TemporaryError(error instanceof Error ? error.name : 'pdf_failed')
  }
}
