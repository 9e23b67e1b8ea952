// In the Worker the fonts are bundled as binary Data modules (wrangler.toml `rules`: **/*.ttf).

import regular from '../../assets/fonts/DejaVuSans-Latin.ttf'
import bold from '../../assets/fonts/DejaVuSans-Latin-Bold.ttf'
import type { PdfRenderer } from '../../src/ports/pdf-renderer'
import { type PdfFonts, renderReportPdf } from './render'

/** The PDF fonts bundled into the Worker (the same files `loadPdfFontsFromDisk` reads in Node). */
export const BUNDLED_PDF_FONTS: PdfFonts = { regular, bold }

/** The Worker's PDF renderer (src/ports/pdf-renderer.ts) with the bundled fonts. */
export const BUNDLED_PDF_RENDERER: PdfRenderer = {
  render: (model) => renderReportPdf(model, BUNDLED_PDF_FONTS),
}
