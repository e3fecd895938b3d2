// Draws images/icon.png (128x128, the Marketplace icon): a brick firewall with a door and three knock dots, on a
// rounded navy square. Plain pixels and node:zlib, so it needs nothing installed:  node scripts/gen-icon.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const N = 128;
const px = new Uint8Array(N * N * 4);
const set = (x, y, [r, g, b, a = 255]) => {
  const i = (y * N + x) * 4;
  px[i] = r; px[i + 1] = g; px[i + 2] = b; px[i + 3] = a;
};
const inRounded = (x, y, r) => {
  const cx = Math.min(Math.max(x, r), N - 1 - r);
  const cy = Math.min(Math.max(y, r), N - 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const NAVY = [22, 44, 77], BRICK = [204, 82, 62], MORTAR = [240, 226, 210], DOOR = [12, 24, 42], DOT = [255, 200, 60];
for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
  if (!inRounded(x, y, 22)) { set(x, y, [0, 0, 0, 0]); continue; }
  let c = NAVY;
  // the wall: rows 52..111, bricks 20x10 with 2px mortar, every other row offset by half a brick
  if (y >= 52 && y < 112 && x >= 10 && x < 118) {
    const row = Math.floor((y - 52) / 12);
    const yy = (y - 52) % 12;
    const off = row % 2 ? 11 : 0;
    const xx = (x - 10 + off) % 22;
    c = yy < 2 || xx < 2 ? MORTAR : BRICK;
    // the door in the middle: an arch
    const dx = x - 64, dy = y - 84;
    if ((Math.abs(dx) <= 13 && y >= 84) || dx * dx + dy * dy <= 13 * 13) c = DOOR;
  }
  // three knock dots above the wall
  for (const cx of [40, 64, 88]) if ((x - cx) ** 2 + (y - 32) ** 2 <= 7 * 7) c = DOT;
  set(x, y, c);
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
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0); ihdr.writeUInt32BE(N, 4); ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) { raw[y * (N * 4 + 1)] = 0; Buffer.from(px.buffer, y * N * 4, N * 4).copy(raw, y * (N * 4 + 1) + 1); }
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'images', 'icon.png');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`${out}: ${png.length} bytes`);
