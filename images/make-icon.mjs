// Draws images/icon.png (128×128): a rising score line with a threshold over a dark tile.
// Run: node images/make-icon.mjs. No dependencies: PNG chunks written with zlib.
import { deflateSync } from "node:zlib";
import { writeFileSync } from "node:fs";

const N = 128;
const px = new Float32Array(N * N * 4);
function blend(x, y, [r, g, b], a) {
  if (x < 0 || y < 0 || x >= N || y >= N || a <= 0) return;
  const i = (y * N + x) * 4;
  const A = px[i + 3];
  const out = a + A * (1 - a);
  for (const [k, c] of [[0, r], [1, g], [2, b]]) px[i + k] = (c * a + px[i + k] * A * (1 - a)) / (out || 1);
  px[i + 3] = out;
}
// Rounded tile with a vertical gradient.
const R = 22;
for (let y = 0; y < N; y++)
  for (let x = 0; x < N; x++) {
    const dx = Math.max(R - x, x - (N - 1 - R), 0);
    const dy = Math.max(R - y, y - (N - 1 - R), 0);
    const d = Math.hypot(dx, dy) - R;
    const a = Math.min(1, Math.max(0, 0.5 - d));
    const t = y / N;
    blend(x, y, [30 + 20 * t, 58 + 30 * t, 95 + 40 * t], a);
  }
// Thick anti-aliased segment.
function seg(x0, y0, x1, y1, w, col, alpha = 1) {
  for (let y = 0; y < N; y++)
    for (let x = 0; x < N; x++) {
      const vx = x1 - x0, vy = y1 - y0;
      const t = Math.max(0, Math.min(1, ((x - x0) * vx + (y - y0) * vy) / (vx * vx + vy * vy)));
      const d = Math.hypot(x - (x0 + t * vx), y - (y0 + t * vy)) - w / 2;
      blend(x, y, col, alpha * Math.min(1, Math.max(0, 0.5 - d)));
    }
}
// Threshold: dashed amber line.
for (let x = 20; x < 108; x += 12) seg(x, 52, x + 6, 52, 3, [255, 193, 7], 0.9);
// Score line: stepped rise crossing the threshold.
const pts = [[20, 100], [44, 100], [44, 82], [66, 82], [66, 60], [84, 60], [84, 34], [108, 34]];
for (let i = 1; i < pts.length; i++) seg(...pts[i - 1], ...pts[i], 7, [255, 255, 255]);
// Dots where the score changed.
for (const [x, y] of [pts[2], pts[4], pts[6]])
  for (let yy = 0; yy < N; yy++) for (let xx = 0; xx < N; xx++) blend(xx, yy, [76, 217, 100], Math.min(1, Math.max(0, 0.5 - (Math.hypot(xx - x, yy - y) - 6))));

const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) {
  raw[y * (N * 4 + 1)] = 0;
  for (let x = 0; x < N; x++)
    for (let k = 0; k < 4; k++) {
      const v = k === 3 ? px[(y * N + x) * 4 + 3] * 255 : px[(y * N + x) * 4 + k];
      raw[y * (N * 4 + 1) + 1 + x * 4 + k] = Math.round(Math.max(0, Math.min(255, v)));
    }
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8;
ihdr[9] = 6;
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
writeFileSync(new URL("./icon.png", import.meta.url), png);
