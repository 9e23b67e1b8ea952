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
