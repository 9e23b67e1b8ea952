// In the Worker the fonts are bundled as binary Data modules (wrangler.toml `rules`: **/*.ttf).

import regular from '../../assets/fonts/DejaVuSans-Latin.ttf'
import bold from '../../assets/fonts/DejaVuSans-Latin-Bold.ttf'
import type { PdfFonts } from './render'

/** The PDF fonts bundled into the Worker (the same files `loadPdfFontsFromDisk` reads in Node). */
export const BUNDLED_PDF_FONTS: PdfFonts = { regular, bold }
