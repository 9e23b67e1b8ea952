import { type PDFDocument, PDFNumber, type PDFRef, PDFString } from 'pdf-lib'

/**
 * A minimal TrueType embedder for fonts that are already subset (assets/fonts). It reads the few
 * tables a PDF needs (cmap, hmtx, head, hhea, maxp, OS/2, post, name) and embeds the font whole as a
 * Type0/CIDFontType2 font with Identity-H encoding and a ToUnicode map, so text extracts as typed.
 *
 * Why not pdf-lib's `embedFont` with @pdf-lib/fontkit: measured here, fontkit's per-call layout
 * engine and pdf-lib's JavaScript deflate of the font file cost ~45 ms per 3-page PDF, most of the
 * 60 ms budget. Parsing is cached per font file, the font file and the ToUnicode map are compressed
 * once per isolate with the runtime's native CompressionStream, and measuring is a table look-up.
 */

/** What the layout needs from a font: glyph ids and advance widths. */
export interface ParsedFont {
  postScriptName: string
  unitsPerEm: number
  /** Unicode code point → glyph id. */
  cmap: Map<number, number>
  /** Advance width per glyph id, in font units. */
  advances: Uint16Array
  ascent: number
  descent: number
  capHeight: number
  bbox: [number, number, number, number]
  italicAngle: number
}

class Reader {
  private readonly view: DataView
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  u16(at: number): number {
    return this.view.getUint16(at)
  }
  i16(at: number): number {
    return this.view.getInt16(at)
  }
  u32(at: number): number {
    return this.view.getUint32(at)
  }
  i32(at: number): number {
    return this.view.getInt32(at)
  }
  tag(at: number): string {
    return String.fromCharCode(...this.bytes.subarray(at, at + 4))
  }
}

function tables(r: Reader): Map<string, number> {
  const out = new Map<string, number>()
  const count = r.u16(4)
  for (let i = 0; i < count; i++) {
    const rec = 12 + i * 16
    out.set(r.tag(rec), r.u32(rec + 8))
  }
  return out
}

function need(map: Map<string, number>, tag: string): number {
  const at = map.get(tag)
  if (at === undefined) throw new Error(`font: the ${tag} table is missing`)
  return at
}

function readCmap(r: Reader, at: number): Map<number, number> {
  const out = new Map<number, number>()
  const count = r.u16(at + 2)
  let format4 = -1
  let format12 = -1
  for (let i = 0; i < count; i++) {
    const rec = at + 4 + i * 8
    const platform = r.u16(rec)
    const encoding = r.u16(rec + 2)
    const sub = at + r.u32(rec + 4)
    const format = r.u16(sub)
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10))
    if (!unicode) continue
    if (format === 12) format12 = sub
    else if (format === 4 && format4 < 0) format4 = sub
  }
  if (format12 >= 0) {
    const groups = r.u32(format12 + 12)
    for (let g = 0; g < groups; g++) {
      const rec = format12 + 16 + g * 12
      const start = r.u32(rec)
      const end = r.u32(rec + 4)
      const glyph = r.u32(rec + 8)
      for (let c = start; c <= end; c++) out.set(c, glyph + c - start)
    }
    return out
  }
  if (format4 < 0) throw new Error('font: no Unicode cmap')
  const segments = r.u16(format4 + 6) / 2
  const ends = format4 + 14
  const starts = ends + segments * 2 + 2
  const deltas = starts + segments * 2
  const rangeOffsets = deltas + segments * 2
  for (let s = 0; s < segments; s++) {
    const end = r.u16(ends + s * 2)
    const start = r.u16(starts + s * 2)
    const delta = r.i16(deltas + s * 2)
    const rangeAt = rangeOffsets + s * 2
    const rangeOffset = r.u16(rangeAt)
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let glyph: number
      if (rangeOffset === 0) glyph = (c + delta) & 0xffff
      else {
        const g = r.u16(rangeAt + rangeOffset + 2 * (c - start))
        glyph = g === 0 ? 0 : (g + delta) & 0xffff
      }
      if (glyph !== 0) out.set(c, glyph)
    }
  }
  return out
}

function readPostScriptName(r: Reader, at: number | undefined): string {
  if (at === undefined) return 'Font'
  const count = r.u16(at + 2)
  const strings = at + r.u16(at + 4)
  for (let i = 0; i < count; i++) {
    const rec = at + 6 + i * 12
    if (r.u16(rec + 6) !== 6) continue
    const platform = r.u16(rec)
    const length = r.u16(rec + 8)
    const offset = strings + r.u16(rec + 10)
    const bytes = r.bytes.subarray(offset, offset + length)
    const name =
      platform === 3 || platform === 0
        ? String.fromCharCode(...Array.from({ length: length / 2 }, (_, k) => r.u16(offset + k * 2)))
        : String.fromCharCode(...bytes)
    const clean = name.replace(/[^A-Za-z0-9-]/g, '')
    if (clean) return clean
  }
  return 'Font'
}

/** Reads the tables the embedder and the layout need. */
export function parseTrueType(bytes: Uint8Array): ParsedFont {
  const r = new Reader(bytes)
  const map = tables(r)
  const head = need(map, 'head')
  const hhea = need(map, 'hhea')
  const maxp = need(map, 'maxp')
  const hmtx = need(map, 'hmtx')
  const unitsPerEm = r.u16(head + 18)
  const numGlyphs = r.u16(maxp + 4)
  const metrics = r.u16(hhea + 34)
  const advances = new Uint16Array(numGlyphs)
  for (let g = 0; g < numGlyphs; g++) advances[g] = r.u16(hmtx + Math.min(g, metrics - 1) * 4)
  const os2 = map.get('OS/2')
  const post = map.get('post')
  const ascent = os2 !== undefined ? r.i16(os2 + 68) : r.i16(hhea + 4)
  const descent = os2 !== undefined ? r.i16(os2 + 70) : r.i16(hhea + 6)
  const capHeight = os2 !== undefined && r.u16(os2) >= 2 ? r.i16(os2 + 88) : ascent
  return {
    postScriptName: readPostScriptName(r, map.get('name')),
    unitsPerEm,
    cmap: readCmap(r, need(map, 'cmap')),
    advances,
    ascent,
    descent,
    capHeight,
    bbox: [r.i16(head + 36), r.i16(head + 38), r.i16(head + 40), r.i16(head + 42)],
    italicAngle: post !== undefined ? r.i32(post + 4) / 65536 : 0,
  }
}

/** zlib-wrapped deflate (what /FlateDecode reads) with the runtime's native CompressionStream. */
export async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0')
}

function utf16Hex(cp: number): string {
  if (cp < 0x10000) return hex4(cp)
  const v = cp - 0x10000
  return hex4(0xd800 + (v >> 10)) + hex4(0xdc00 + (v & 0x3ff))
}

/** The ToUnicode CMap: glyph id → the lowest code point that maps to it (space over no-break space). */
function toUnicodeCMap(font: ParsedFont): string {
  const byGlyph = new Map<number, number>()
  for (const [cp, glyph] of font.cmap) {
    const seen = byGlyph.get(glyph)
    if (seen === undefined || cp < seen) byGlyph.set(glyph, cp)
  }
  const entries = [...byGlyph].sort((a, b) => a[0] - b[0])
  const blocks: string[] = []
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100)
    blocks.push(
      `${chunk.length} beginbfchar\n${chunk.map(([g, cp]) => `<${hex4(g)}> <${utf16Hex(cp)}>`).join('\n')}\nendbfchar`,
    )
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n')
}

/** A font ready to embed: parsed once, its compressed streams made once per isolate. */
export interface PreparedFont {
  parsed: ParsedFont
  fontFile: Uint8Array
  fontFileLength: number
  toUnicode: Uint8Array
  /** `/W` widths for every glyph, in 1/1000 em. */
  widths: number[]
}

const prepared = new WeakMap<object, Promise<PreparedFont>>()

function asBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data)
}

async function prepare(bytes: Uint8Array): Promise<PreparedFont> {
  const parsed = parseTrueType(bytes)
  const scale = 1000 / parsed.unitsPerEm
  const [fontFile, toUnicode] = await Promise.all([
    deflate(bytes),
    deflate(new TextEncoder().encode(toUnicodeCMap(parsed))),
  ])
  return {
    parsed,
    fontFile,
    fontFileLength: bytes.byteLength,
    toUnicode,
    widths: Array.from(parsed.advances, (a) => Math.round(a * scale)),
  }
}

/** Parses and compresses a font file once; later calls with the same bytes reuse the result. */
export function prepareFont(data: Uint8Array | ArrayBuffer): Promise<PreparedFont> {
  const key = data instanceof Uint8Array ? data.buffer : data
  let found = prepared.get(key)
  if (!found) {
    found = prepare(asBytes(data))
    prepared.set(key, found)
    found.catch(() => prepared.delete(key))
  }
  return found
}

/**
 * Embeds a prepared font into a document and returns its font dictionary reference. `tag` is the
 * six-letter subset prefix PDF readers expect on a subset font's name.
 */
export function embedPreparedFont(doc: PDFDocument, font: PreparedFont, tag: string): PDFRef {
  const { context } = doc
  const { parsed } = font
  const scale = 1000 / parsed.unitsPerEm
  const name = `${tag}+${parsed.postScriptName}`
  const fontFile = context.register(
    context.stream(font.fontFile, { Filter: 'FlateDecode', Length1: font.fontFileLength }),
  )
  const descriptor = context.register(
    context.obj({
      Type: 'FontDescriptor',
      FontName: name,
      Flags: 32,
      FontBBox: parsed.bbox.map((v) => Math.round(v * scale)),
      ItalicAngle: parsed.italicAngle,
      Ascent: Math.round(parsed.ascent * scale),
      Descent: Math.round(parsed.descent * scale),
      CapHeight: Math.round(parsed.capHeight * scale),
      StemV: 80,
      FontFile2: fontFile,
    }),
  )
  const cidFont = context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'CIDFontType2',
      BaseFont: name,
      CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
      FontDescriptor: descriptor,
      CIDToGIDMap: 'Identity',
      W: [PDFNumber.of(0), font.widths],
    }),
  )
  const toUnicode = context.register(context.stream(font.toUnicode, { Filter: 'FlateDecode' }))
  return context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: name,
      Encoding: 'Identity-H',
      DescendantFonts: [cidFont],
      ToUnicode: toUnicode,
    }),
  )
}
