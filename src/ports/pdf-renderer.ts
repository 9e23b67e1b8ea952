import type { ReportModel } from '../domain/report'

/** Renders a report model as PDF bytes (adapters/pdf; fonts are the adapter's business). */
export interface PdfRenderer {
  render(model: ReportModel): Promise<Uint8Array>
}
