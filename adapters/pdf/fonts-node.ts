import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { PdfFonts } from './render'

/** Where the committed, pre-subset fonts live (scripts/subset-font.sh writes them). */
export const FONT_DIR = fileURLToPath(new URL('../../assets/fonts/', import.meta.url))

/** Reads the PDF fonts from disk, for Node (the command line, tests, the bench). */
export function loadPdfFontsFromDisk(dir: string = FONT_DIR): PdfFonts {
  return {
    regular: readFileSync(`${dir}DejaVuSans-Latin.ttf`),
    bold: readFileSync(`${dir}DejaVuSans-Latin-Bold.ttf`),
  }
}
