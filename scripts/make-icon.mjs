#!/usr/bin/env node
// Renders resources/icons/icon.png (512×512) from the same geometry as icon.svg, with plain Node
// (zlib + a hand-written PNG encoder), so no image tool is needed to rebuild the app icon.
// Usage: node scripts/make-icon.mjs [size]
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const size = Number(process.argv[2] ?? 512)
const scale = size / 512
const samples = 4 // per axis: 16 samples per pixel for smooth edges

const tile = [0x1e, 0x1f, 0x24]
const pink = [0xe0, 0x38, 0x75]
const light = [0xf4, 0xf4, 0xf6]
const brackets = [
  [
    [88, 152],
    [88, 88],
    [152, 88],
  ],
  [
    [360, 88],
    [424, 88],
    [424, 152],
  ],
  [
    [424, 360],
    [424, 424],
    [360, 424],
  ],
  [
    [152, 424],
    [88, 424],
    [88, 360],
  ],
]

function insideRoundedRect(x, y) {
  const [x0, y0, x1, y1, r] = [16, 16, 496, 496, 104]
  if (x < x0 || x > x1 || y < y0 || y > y1) return false
  const cx = Math.min(Math.max(x, x0 + r), x1 - r)
  const cy = Math.min(Math.max(y, y0 + r), y1 - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax
  const dy = by - ay
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy))
}

/** Colour and opacity at a point in the 512-unit design space (painter's order as in the SVG). */
function paint(x, y) {
  let colour = null
  if (insideRoundedRect(x, y)) colour = tile
  const d = Math.hypot(x - 256, y - 256)
  if (Math.abs(d - 132) <= 22) colour = pink
  if (d <= 52) colour = light
  for (const [a, b, c] of brackets) {
    if (distanceToSegment(x, y, a, b) <= 12 || distanceToSegment(x, y, b, c) <= 12) colour = light
  }
  return colour
}

const rows = []
for (let py = 0; py < size; py++) {
  const row = Buffer.alloc(1 + size * 4) // filter byte 0, then RGBA
  for (let px = 0; px < size; px++) {
    let r = 0
    let g = 0
    let b = 0
    let covered = 0
    for (let sy = 0; sy < samples; sy++) {
      for (let sx = 0; sx < samples; sx++) {
        const colour = paint((px + (sx + 0.5) / samples) / scale, (py + (sy + 0.5) / samples) / scale)
        if (colour === null) continue
        r += colour[0]
        g += colour[1]
        b += colour[2]
        covered++
      }
    }
    const offset = 1 + px * 4
    if (covered > 0) {
      row[offset] = Math.round(r / covered)
      row[offset + 1] = Math.round(g / covered)
      row[offset + 2] = Math.round(b / covered)
      row[offset + 3] = Math.round((255 * covered) / (samples * samples))
    }
  }
  rows.push(row)
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buffer) {
  let c = 0xffffffff
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

const header = Buffer.alloc(13)
header.writeUInt32BE(size, 0)
header.writeUInt32BE(size, 4)
header[8] = 8 // bit depth
header[9] = 6 // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
])

const out = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'resources',
  'icons',
  size === 512 ? 'icon.png' : `icon-${size}.png`,
)
writeFileSync(out, png)
process.stdout.write(`wrote ${out} (${png.length} bytes)\n`)
