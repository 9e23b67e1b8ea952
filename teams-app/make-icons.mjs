// Generates the Teams app icons without any image tool: `node teams-app/make-icons.mjs`.
// color.png: 192×192, full colour (white "R" on the region's blue tile); outline.png: 32×32,
// white on transparent (Teams' rule for outline icons).
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf) => {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const chunk = (type, data) => {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}
/** Encodes RGBA pixels (`pixel(x, y) → [r, g, b, a]`) as a PNG. */
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr.set([8, 6, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// A 5×7 bitmap "R", scaled into the icon.
const R = ['11110', '10001', '10001', '11110', '10100', '10010', '10001']
function isLetter(x, y, size, margin) {
  const cell = (size - 2 * margin) / 7
  const left = (size - 5 * cell) / 2
  const cx = Math.floor((x - left) / cell)
  const cy = Math.floor((y - margin) / cell)
  return cx >= 0 && cx < 5 && cy >= 0 && cy < 7 && R[cy][cx] === '1'
}

const blue = [0x1f, 0x4e, 0x8c, 0xff]
const white = [0xff, 0xff, 0xff, 0xff]
const clear = [0, 0, 0, 0]
const here = new URL('.', import.meta.url)
writeFileSync(
  new URL('color.png', here),
  png(192, (x, y) => (isLetter(x, y, 192, 38) ? white : blue)),
)
writeFileSync(
  new URL('outline.png', here),
  png(32, (x, y) => (isLetter(x, y, 32, 4) ? white : clear)),
)
