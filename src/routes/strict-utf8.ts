import { hasNoControlCharacters } from '../domain/intake'

/**
 * Strict decoding of request bodies (issue 14 §7): a body that is not valid UTF-8 is refused with a
 * clear 400, never decoded with U+FFFD replacements and filed. `TextDecoder` with `fatal: true` throws on
 * any invalid byte sequence; a leading byte-order mark is dropped as usual.
 */

/** The UTF-8 text of a body, or null when it is not valid UTF-8. */
export function decodeUtf8Strict(bytes: ArrayBuffer | Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return null
  }
}

const hex = (b: number | undefined): number => {
  if (b === undefined) return -1
  if (b >= 0x30 && b <= 0x39) return b - 0x30
  if (b >= 0x41 && b <= 0x46) return b - 0x37
  if (b >= 0x61 && b <= 0x66) return b - 0x57
  return -1
}

/**
 * Whether an `application/x-www-form-urlencoded` body decodes to valid UTF-8: its raw bytes, and the
 * bytes its `%XX` escapes stand for (`URLSearchParams` would silently turn `%FF` into U+FFFD).
 */
export function isStrictUtf8Form(bytes: ArrayBuffer | Uint8Array): boolean {
  const raw = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)
  if (decodeUtf8Strict(raw) === null) return false
  const out = new Uint8Array(raw.length)
  let n = 0
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i] as number
    if (b === 0x25) {
      const hi = hex(raw[i + 1])
      const lo = hex(raw[i + 2])
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo
        i += 2
        continue
      }
    }
    out[n++] = b
  }
  return decodeUtf8Strict(out.subarray(0, n)) !== null
}

/** What is wrong with the text of a multipart body: not valid UTF-8, or a control character. */
export type MultipartTextProblem = 'encoding' | 'control'

/** The boundary of a `multipart/form-data` content type, or null for any other type. */
export function multipartBoundary(contentType: string): string | null {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return null
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType)
  return m ? ((m[1] ?? m[2]) as string) : null
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0] as number
  for (
    let i = hay.indexOf(first, from);
    i !== -1 && i <= hay.length - needle.length;
    i = hay.indexOf(first, i + 1)
  ) {
    let j = 1
    while (j < needle.length && hay[i + j] === needle[j]) j++
    if (j === needle.length) return i
  }
  return -1
}

const CRLFCRLF = new Uint8Array([13, 10, 13, 10])
/** Any control character (Unicode Cc), or a percent escape of one (browsers escape CR, LF and `"`). */
const CONTROL_IN_NAME = /\p{Cc}|%(?:[01][0-9A-Fa-f]|7[Ff])/u

/** The bytes a `%XX`-escaped header value stands for. */
function percentBytes(text: string): Uint8Array {
  const out: number[] = []
  for (let i = 0; i < text.length; i++) {
    const m = text[i] === '%' ? /^[0-9A-Fa-f]{2}$/.exec(text.slice(i + 1, i + 3)) : null
    if (m) {
      out.push(Number.parseInt(m[0], 16))
      i += 2
    } else out.push(text.charCodeAt(i) & 0xff)
  }
  return new Uint8Array(out)
}

function partProblem(part: Uint8Array): MultipartTextProblem | null {
  const headEnd = indexOfBytes(part, CRLFCRLF, 0)
  const head = decodeUtf8Strict(part.subarray(0, headEnd < 0 ? part.length : headEnd))
  if (head === null) return 'encoding'
  const lines = head.split('\r\n')
  if (lines.some((line) => /\p{Cc}/u.test(line))) return 'control'
  const disposition = lines.find((line) => /^content-disposition\s*:/i.test(line)) ?? ''
  const plain = /;\s*filename\s*=\s*(?:"([^"]*)"|([^;]*))/i.exec(disposition)
  const star = /;\s*filename\*\s*=\s*([^;]*)/i.exec(disposition)
  if (plain && CONTROL_IN_NAME.test(plain[1] ?? plain[2] ?? '')) return 'control'
  if (star) {
    const name = decodeUtf8Strict(percentBytes((star[1] ?? '').trim().replace(/^utf-8'[^']*'/i, '')))
    if (name === null) return 'encoding'
    if (/\p{Cc}/u.test(name)) return 'control'
  }
  // A file's content is binary; every other part is text and must be clean UTF-8.
  if (plain || star || headEnd < 0) return null
  const text = decodeUtf8Strict(part.subarray(headEnd + 4))
  if (text === null) return 'encoding'
  return hasNoControlCharacters(text) ? null : 'control'
}

/**
 * Strict text in a `multipart/form-data` body (issue 14 §7): every part's headers (the field name and
 * the file name, raw or as `filename*=`) must be valid UTF-8 without control characters, and every part
 * that is not a file must be valid UTF-8 without control characters but tab and line breaks. A file's
 * own bytes are not text and are not checked. A body that is not well-formed multipart is left to the
 * route's parser (null).
 */
export function multipartTextProblem(body: Uint8Array, boundary: string): MultipartTextProblem | null {
  const encoder = new TextEncoder()
  const open = encoder.encode(`--${boundary}`)
  const next = encoder.encode(`\r\n--${boundary}`)
  let pos = indexOfBytes(body, open, 0)
  if (pos < 0) return null
  pos += open.length
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return null
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) return null
    pos += 2
    const end = indexOfBytes(body, next, pos)
    if (end < 0) return null
    const problem = partProblem(body.subarray(pos, end))
    if (problem) return problem
    pos = end + next.length
  }
}
