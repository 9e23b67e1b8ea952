import { PDFDocument, PDFName } from 'pdf-lib'
import type { ReportBlock, ReportColumn, ReportModel, ReportRow } from '../../src/domain/report'
import { deflate, embedPreparedFont, type PreparedFont, prepareFont } from './truetype'

export { pdfFileName } from '../../src/domain/report'

/**
 * Lays a report model (src/domain/report.ts) out as an A4 PDF with pdf-lib: a title block, sections
 * with labelled rows, paragraphs, highlighted lists and tables, text wrapped by measured widths and
 * flowed onto new pages, table header rows repeated on every page a table spans, and on every page
 * "Vertrouwelijk", the case reference, "pagina X van Y" and the generation time.
 *
 * The font is DejaVu Sans pre-subset to Latin (assets/fonts, scripts/subset-font.sh), embedded whole
 * by ./truetype.ts. Page content is written as PDF operators and compressed natively: pdf-lib's own
 * text drawing goes through fontkit's layout engine and a JavaScript deflate, which alone took most
 * of the 60 ms budget.
 */

/** The font files: regular and bold TTF bytes (assets/fonts/DejaVuSans-Latin{,-Bold}.ttf). */
export interface PdfFonts {
  regular: Uint8Array | ArrayBuffer
  bold: Uint8Array | ArrayBuffer
}

type Rgb = readonly [number, number, number]

const REPLACEMENT = 0xfffd
/** User-perceived characters, so an emoji with a skin tone or a ZWJ sequence becomes one substitute. */
const GRAPHEMES = new Intl.Segmenter('und', { granularity: 'grapheme' })
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u

function hex(colour: string): Rgb {
  const n = Number.parseInt(colour.slice(1), 16)
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255]
}

/** A number as PDF content syntax: at most 2 decimals, no trailing zeros. */
function num(n: number): string {
  return String(Math.round(n * 100) / 100)
}

function colourOp(c: Rgb, op: 'rg' | 'RG'): string {
  return `${num(c[0])} ${num(c[1])} ${num(c[2])} ${op}`
}

/** A font face on the page: measures and encodes text (glyph ids, Identity-H). */
class Face {
  private readonly cmap: Map<number, number>
  private readonly advances: Uint16Array
  private readonly unitsPerEm: number
  private readonly replacement: number

  constructor(
    readonly key: string,
    font: PreparedFont,
  ) {
    this.cmap = font.parsed.cmap
    this.advances = font.parsed.advances
    this.unitsPerEm = font.parsed.unitsPerEm
    this.replacement = this.cmap.get(REPLACEMENT) ?? this.cmap.get(0x3f) ?? 0
  }

  /**
   * Makes text drawable: NFC (so a typed "e + ◌́" becomes "é"), tabs to spaces, control characters
   * out, and characters the font lacks replaced by a visible substitute, never "�" and never blank
   * (issue 13 §15): see `substitute`.
   */
  clean(text: string): string {
    let out = ''
    let missing = false
    for (const ch of text.normalize('NFC').replace(/\t/g, ' ')) {
      const cp = ch.codePointAt(0) ?? 0
      if (ch === '\n') out += ch
      else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue
      else {
        out += ch
        if (!this.cmap.has(cp)) missing = true
      }
    }
    return missing ? this.substitute(out) : out
  }

  /**
   * Per user-perceived character (grapheme): kept when the font has it; an emoji (with its skin tone,
   * variation selector or joined parts) becomes "[emoji]"; a letter with a mark the font lacks becomes its
   * base letter when the font has that ("ệ" → "e", "ﬁ" → "fi"); anything else its code point, "[U+03A3]".
   */
  private substitute(text: string): string {
    let out = ''
    for (const { segment } of GRAPHEMES.segment(text)) {
      if (this.drawable(segment)) out += segment
      else if (PICTOGRAPHIC.test(segment)) out += '[emoji]'
      else {
        const base = segment.normalize('NFKD').replace(/\p{M}/gu, '')
        if (base !== '' && this.drawable(base)) out += base
        else
          for (const ch of segment)
            if (!/^(?:\p{M}|\u200d|\ufe0e|\ufe0f)$/u.test(ch))
              out += this.drawable(ch)
                ? ch
                : `[U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`
      }
    }
    return out
  }

  private drawable(text: string): boolean {
    for (const ch of text) if (!this.cmap.has(ch.codePointAt(0) ?? 0)) return false
    return true
  }

  private glyph(ch: string): number {
    return this.cmap.get(ch.codePointAt(0) ?? 0) ?? this.replacement
  }

  width(text: string, size: number): number {
    let units = 0
    for (const ch of text) units += this.advances[this.glyph(ch)] ?? 0
    return (units * size) / this.unitsPerEm
  }

  encode(text: string): string {
    let out = ''
    for (const ch of text) out += this.glyph(ch).toString(16).padStart(4, '0')
    return out
  }

  /** Greedy line breaking at spaces; a word wider than the line is broken between characters. */
  wrap(text: string, size: number, maxWidth: number): string[] {
    const lines: string[] = []
    const space = this.width(' ', size)
    for (const paragraph of this.clean(text).split('\n')) {
      let line = ''
      let lineWidth = 0
      for (const word of paragraph.split(' ')) {
        if (word === '') continue
        const w = this.width(word, size)
        if (line && lineWidth + space + w <= maxWidth) {
          line += ` ${word}`
          lineWidth += space + w
          continue
        }
        if (line) lines.push(line)
        line = word
        lineWidth = w
        while (lineWidth > maxWidth) {
          const chars = [...line]
          let cut = 1
          let cutWidth = this.width(chars[0] ?? '', size)
          while (cut < chars.length) {
            const next = cutWidth + this.width(chars[cut] ?? '', size)
            if (next > maxWidth) break
            cutWidth = next
            cut++
          }
          lines.push(chars.slice(0, cut).join(''))
          line = chars.slice(cut).join('')
          lineWidth = this.width(line, size)
        }
      }
      lines.push(line)
    }
    return lines
  }
}

interface Style {
  face: Face
  size: number
  color: Rgb
}

/** One page's content stream, as PDF operators. */
class Canvas {
  readonly ops: string[] = []

  text(text: string, x: number, y: number, style: Style): void {
    if (!text) return
    this.ops.push(
      `${colourOp(style.color, 'rg')} BT /${style.face.key} ${num(style.size)} Tf ${num(x)} ${num(y)} Td <${style.face.encode(text)}> Tj ET`,
    )
  }

  rect(x: number, y: number, width: number, height: number, color: Rgb): void {
    this.ops.push(`${colourOp(color, 'rg')} ${num(x)} ${num(y)} ${num(width)} ${num(height)} re f`)
  }

  line(x1: number, y1: number, x2: number, y2: number, color: Rgb, thickness: number): void {
    this.ops.push(
      `${colourOp(color, 'RG')} ${num(thickness)} w ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`,
    )
  }
}

/** The page cursor: where the next line goes, and a fresh page when it does not fit. */
class Flow {
  readonly pages: Canvas[] = []
  page!: Canvas
  y = 0
  readonly left: number
  readonly right: number
  readonly width: number
  readonly top: number
  readonly bottom: number

  constructor(readonly model: ReportModel) {
    const { page } = model.layout
    this.left = page.margin.left
    this.right = page.width - page.margin.right
    this.width = this.right - this.left
    this.top = page.height - page.margin.top
    this.bottom = page.margin.bottom
    this.newPage()
  }

  newPage(): void {
    this.page = new Canvas()
    this.pages.push(this.page)
    this.y = this.top
  }

  /** Room left on this page. */
  get room(): number {
    return this.y - this.bottom
  }

  /** The usable height of a fresh page. */
  get pageRoom(): number {
    return this.top - this.bottom
  }

  /** Starts a new page unless `height` fits; returns whether it did. */
  ensure(height: number): boolean {
    if (height <= this.room + 0.01) return false
    this.newPage()
    return true
  }
}

type Colours = Record<keyof ReportModel['layout']['colors'], Rgb>

class ReportLayout {
  readonly flow: Flow
  private readonly c: Colours
  private readonly type: ReportModel['layout']['type']

  constructor(
    private readonly model: ReportModel,
    private readonly regular: Face,
    private readonly bold: Face,
  ) {
    this.type = model.layout.type
    this.c = Object.fromEntries(Object.entries(model.layout.colors).map(([k, v]) => [k, hex(v)])) as Colours
    this.flow = new Flow(model)
  }

  private lh(size: number): number {
    return size * this.type.lineHeight
  }

  private style(face: Face, size: number, color: Rgb = this.c.text): Style {
    return { face, size, color }
  }

  private highlightBand(height: number): void {
    const { flow } = this
    const y = flow.y - height
    flow.page.rect(flow.left - 6, y, flow.width + 8, height, this.c.highlight)
    flow.page.rect(flow.left - 6, y, 2.5, height, this.c.highlightBar)
  }

  /** Draws wrapped lines from the cursor down, breaking pages between lines. */
  private lines(lines: readonly string[], x: number, style: Style): void {
    const lh = this.lh(style.size)
    for (const line of lines) {
      this.flow.ensure(lh)
      this.flow.page.text(line, x, this.flow.y - style.size, style)
      this.flow.y -= lh
    }
  }

  render(): Canvas[] {
    this.titleBlock()
    for (const section of this.model.sections) {
      this.sectionTitle(section.title, section.blocks[0])
      for (const block of section.blocks) this.block(block, section.title)
      this.flow.y -= 6
    }
    this.decorate()
    return this.flow.pages
  }

  private titleBlock(): void {
    const { flow, type, regular, bold } = this
    this.lines(
      bold.wrap(this.model.title, type.title, flow.width),
      flow.left,
      this.style(bold, type.title, this.c.accent),
    )
    flow.y -= 2
    this.lines(
      regular.wrap(this.model.subtitle, type.body, flow.width),
      flow.left,
      this.style(regular, type.body),
    )
    flow.y -= 3
    this.lines(
      regular.wrap(this.model.notice, type.small, flow.width),
      flow.left,
      this.style(regular, type.small, this.c.muted),
    )
    flow.y -= 4
    flow.page.line(flow.left, flow.y, flow.right, flow.y, this.c.accent, 1)
    flow.y -= 8
  }

  /** A section title, kept on the page with the first lines of what follows it. */
  private sectionTitle(title: string, first: ReportBlock | undefined): void {
    const { flow, type } = this
    const size = type.section
    const next = first?.kind === 'table' ? this.lh(type.table) * 4 + 8 : this.lh(type.body) * 2
    if (!flow.ensure(this.lh(size) + 8 + next)) flow.y -= 4
    flow.page.text(
      this.bold.clean(title),
      flow.left,
      flow.y - size,
      this.style(this.bold, size, this.c.accent),
    )
    flow.y -= this.lh(size)
    flow.page.line(flow.left, flow.y + 2, flow.right, flow.y + 2, this.c.rule, 0.5)
    flow.y -= 4
  }

  private block(block: ReportBlock, sectionTitle: string): void {
    const { flow, type } = this
    switch (block.kind) {
      case 'rows':
        for (const row of block.rows) this.row(row)
        flow.y -= 3
        return
      case 'text':
        if (block.label) this.label(block.label)
        this.lines(
          this.regular.wrap(block.text, type.body, flow.width),
          flow.left,
          this.style(this.regular, type.body, block.muted ? this.c.muted : this.c.text),
        )
        flow.y -= 4
        return
      case 'list':
        this.list(block.label, block.items, block.highlight)
        return
      case 'table':
        if (block.label) this.label(block.label)
        this.table(block.columns, block.rows, block.label ?? sectionTitle)
        return
    }
  }

  private label(text: string): void {
    this.flow.ensure(this.lh(this.type.label) + this.lh(this.type.body))
    this.lines([this.bold.clean(text)], this.flow.left, this.style(this.bold, this.type.label))
  }

  /** A labelled row: label left (muted), value right; both wrap; highlighted rows get a band and bar. */
  private row(row: ReportRow): void {
    const { flow, type } = this
    const labelWidth = flow.width * this.model.layout.labelColumn
    const valueX = flow.left + labelWidth + 8
    const valueWidth = flow.right - valueX
    const labelLines = this.regular.wrap(row.label, type.label, labelWidth - 4)
    const valueFace = row.highlight ? this.bold : this.regular
    const valueLines = valueFace.wrap(row.value, type.body, valueWidth)
    const lh = this.lh(type.body)
    const count = Math.max(labelLines.length, valueLines.length)
    // Short rows move whole to the next page; a very long value flows on line by line.
    if (count * lh <= flow.pageRoom / 3) flow.ensure(count * lh)
    for (let i = 0; i < count; i++) {
      flow.ensure(lh)
      if (row.highlight) this.highlightBand(lh)
      const baseline = flow.y - type.body
      const labelLine = labelLines[i]
      const valueLine = valueLines[i]
      if (labelLine)
        flow.page.text(labelLine, flow.left, baseline, this.style(this.regular, type.label, this.c.muted))
      if (valueLine) flow.page.text(valueLine, valueX, baseline, this.style(valueFace, type.body))
      flow.y -= lh
    }
  }

  private list(label: string, items: readonly string[], highlight: boolean): void {
    const { flow, type } = this
    this.label(label)
    const indent = 12
    const lh = this.lh(type.body)
    const style = this.style(highlight ? this.bold : this.regular, type.body)
    for (const item of items) {
      const lines = style.face.wrap(item, type.body, flow.width - indent)
      lines.forEach((line, i) => {
        flow.ensure(lh)
        if (highlight) this.highlightBand(lh)
        if (i === 0) flow.page.text('•', flow.left + 2, flow.y - type.body, style)
        flow.page.text(line, flow.left + indent, flow.y - type.body, style)
        flow.y -= lh
      })
      if (highlight && flow.room >= 2) this.highlightBand(2)
      flow.y -= 2
    }
    flow.y -= 4
  }

  /**
   * A table with a header row, wrapped cells and zebra stripes. A row that does not fit moves to the
   * next page (or, if taller than a page, continues there); the header row is repeated on each page.
   */
  private table(columns: readonly ReportColumn[], rows: readonly string[][], title: string): void {
    const { flow, type } = this
    const size = type.table
    const lh = this.lh(size)
    const pad = 3
    const total = columns.reduce((sum, c) => sum + c.width, 0)
    const widths = columns.map((c) => (c.width / total) * flow.width)
    const xs = widths.map((_, i) => flow.left + widths.slice(0, i).reduce((a, b) => a + b, 0))
    const cellWidth = (i: number) => (widths[i] ?? 0) - 2 * pad
    const headerLines = columns.map((c, i) => this.bold.wrap(c.label, size, cellWidth(i)))
    const headerHeight = Math.max(...headerLines.map((l) => l.length)) * lh + 2 * pad
    const heightOf = (cells: readonly string[][]) => Math.max(...cells.map((l) => l.length)) * lh + 2 * pad

    const drawHeader = (continued: boolean) => {
      if (continued) {
        const text = this.bold.clean(this.model.continued.replace('{title}', title))
        this.lines([text], flow.left, this.style(this.bold, type.label, this.c.muted))
      }
      flow.page.rect(flow.left, flow.y - headerHeight, flow.width, headerHeight, this.c.tableHeader)
      headerLines.forEach((lines, i) => {
        lines.forEach((line, j) => {
          flow.page.text(line, (xs[i] ?? 0) + pad, flow.y - pad - size - j * lh, this.style(this.bold, size))
        })
      })
      flow.y -= headerHeight
    }

    flow.ensure(headerHeight + lh + 2 * pad)
    drawHeader(false)
    rows.forEach((cells, r) => {
      let cellLines = cells.map((cell, i) => this.regular.wrap(cell, size, cellWidth(i)))
      let height = heightOf(cellLines)
      const continuedHeader = this.lh(type.label) + headerHeight
      if (height > flow.room && height <= flow.pageRoom - continuedHeader) {
        flow.newPage()
        drawHeader(true)
      }
      // A row taller than a page: draw what fits, continue on the next page under a repeated header.
      while (height > flow.room) {
        const fit = Math.max(1, Math.floor((flow.room - 2 * pad) / lh))
        this.tableRow(
          cellLines.map((l) => l.slice(0, fit)),
          xs,
          fit * lh + 2 * pad,
          r,
        )
        cellLines = cellLines.map((l) => l.slice(fit))
        height = heightOf(cellLines)
        flow.newPage()
        drawHeader(true)
      }
      this.tableRow(cellLines, xs, height, r)
    })
    flow.y -= 8
  }

  private tableRow(
    cellLines: readonly string[][],
    xs: readonly number[],
    height: number,
    index: number,
  ): void {
    const { flow, type } = this
    const size = type.table
    const lh = this.lh(size)
    if (index % 2 === 1) flow.page.rect(flow.left, flow.y - height, flow.width, height, this.c.zebra)
    cellLines.forEach((lines, i) => {
      lines.forEach((line, j) => {
        flow.page.text(line, (xs[i] ?? 0) + 3, flow.y - 3 - size - j * lh, this.style(this.regular, size))
      })
    })
    flow.y -= height
    flow.page.line(flow.left, flow.y, flow.right, flow.y, this.c.rule, 0.4)
  }

  /** Header and footer on every page, once the page count is known. */
  private decorate(): void {
    const { page, type } = this.model.layout
    const left = page.margin.left
    const right = page.width - page.margin.right
    const size = type.small
    const headerY = page.height - page.margin.top + 22
    const footerY = page.margin.bottom - 26
    const confidential = this.bold.clean(this.model.header.confidential)
    const reference = this.bold.clean(this.model.header.reference)
    const generated = this.regular.clean(this.model.footer.generated)
    const pages = this.flow.pages
    pages.forEach((canvas, i) => {
      const pageText = this.regular.clean(
        this.model.footer.pageTemplate
          .replace('{page}', String(i + 1))
          .replace('{pages}', String(pages.length)),
      )
      canvas.text(confidential, left, headerY, this.style(this.bold, size + 0.5, this.c.confidential))
      const refWidth = this.bold.width(reference, size + 0.5)
      canvas.text(reference, right - refWidth, headerY, this.style(this.bold, size + 0.5))
      canvas.line(left, headerY - 5, right, headerY - 5, this.c.rule, 0.5)
      canvas.line(left, footerY + 11, right, footerY + 11, this.c.rule, 0.5)
      canvas.text(generated, left, footerY, this.style(this.regular, size, this.c.muted))
      canvas.text(
        pageText,
        right - this.regular.width(pageText, size),
        footerY,
        this.style(this.regular, size, this.c.muted),
      )
    })
  }
}

/**
 * Renders the report model to PDF bytes. Deterministic for a given model and fonts (dates come from
 * the model), so re-generating an unchanged case yields the same file.
 */
export async function renderReportPdf(model: ReportModel, fonts: PdfFonts): Promise<Uint8Array> {
  const [regularFont, boldFont] = await Promise.all([prepareFont(fonts.regular), prepareFont(fonts.bold)])
  const regular = new Face('F1', regularFont)
  const bold = new Face('F2', boldFont)
  const canvases = new ReportLayout(model, regular, bold).render()

  const doc = await PDFDocument.create({ updateMetadata: false })
  const regularRef = embedPreparedFont(doc, regularFont, 'RETLAA')
  const boldRef = embedPreparedFont(doc, boldFont, 'RETLAB')
  const { width, height } = model.layout.page
  const encoder = new TextEncoder()
  const contents = await Promise.all(canvases.map((c) => deflate(encoder.encode(c.ops.join('\n')))))
  // Registered in page order after compressing, so object numbers (and the bytes) are deterministic.
  for (const content of contents) {
    const page = doc.addPage([width, height])
    page.node.normalize()
    page.node.setFontDictionary(PDFName.of(regular.key), regularRef)
    page.node.setFontDictionary(PDFName.of(bold.key), boldRef)
    page.node.addContentStream(doc.context.register(doc.context.stream(content, { Filter: 'FlateDecode' })))
  }

  doc.setTitle(model.meta.title, { showInWindowTitleBar: true })
  doc.setSubject(model.meta.subject)
  doc.setCreator(model.meta.creator)
  doc.setProducer(model.meta.producer)
  doc.setLanguage(model.meta.language)
  doc.setCreationDate(model.meta.createdAt)
  doc.setModificationDate(model.meta.createdAt)
  return doc.save({ useObjectStreams: false })
}
