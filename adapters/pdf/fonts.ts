// In the Worker the fonts are bundled as binary Data modules (wrangler.toml `rules`: **/*.ttf).

import regular from '../../assets/fonts/DejaVuSans-Latin.ttf'
import bold from '../../assets/fonts/DejaVuSans-Latin-Bold.ttf'
import type { PdfRenderer } from '../../src/ports/pdf-renderer'
import type { PdfFonts } from './render'

/** The PDF fonts bundled into the Worker (the same files `loadPdfFontsFromDisk` reads in Node). */
export const BUNDLED_PDF_FONTS: PdfFonts = { regular, bold }

/**
 * The Worker's PDF renderer (src/ports/pdf-renderer.ts) with the bundled fonts. The renderer and pdf-lib
 * load with `await import()` on the first PDF of an isolate (a queue job or a download), not at every
 * isolate start: pdf-lib's standard-font encodings are inflated when its modules are evaluated, which
 * cost every web, Slack and Teams isolate start-up time for a PDF it would never render (issue 11).
 */
export const BUNDLED_PDF_RENDERER: PdfRenderer = {
  render: async (model) => (await import('./render')).renderReportPdf(model, BUNDLED_PDF_FONTS),
}
