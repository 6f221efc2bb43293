// Draws the app icon (build/icon.png, 1024 px) and the tray images (resources/tray/*.png,
// 16 px and @2x 32 px) with a tiny PNG encoder, so no image tool is needed to rebuild them.
// Also build/icon.ico (PNG-compressed entries, Windows Vista+; NSIS needs a 256 px entry);
// electron-builder derives the mac .icns from icon.png.  Run: node build/scripts/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
/** RGBA pixels (Uint8Array, width*height*4) → PNG bytes. */
function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Renders shade(u, v) → [r,g,b,a] (u,v in 0..1) with 4x4 supersampling. */
function render(size, shade) {
  const pixels = new Uint8Array(size * size * 4);
  const n = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const [cr, cg, cb, ca] = shade((x + (sx + 0.5) / n) / size, (y + (sy + 0.5) / n) / size);
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
        }
      }
      const i = (y * size + x) * 4;
      pixels[i + 3] = Math.round((a / (n * n)) * 255);
      if (a > 0) {
        pixels[i] = Math.round(r / a);
        pixels[i + 1] = Math.round(g / a);
        pixels[i + 2] = Math.round(b / a);
      }
    }
  }
  return pixels;
}

const hex = (h, alpha = 1) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), alpha];
const mix = (c1, c2, t) => c1.map((v, i) => v + (c2[i] - v) * t);

function inRoundedRect(u, v, margin, radius) {
  const x = Math.abs(u - 0.5), y = Math.abs(v - 0.5), half = 0.5 - margin;
  const dx = Math.max(x - (half - radius), 0), dy = Math.max(y - (half - radius), 0);
  return x <= half && y <= half && dx * dx + dy * dy <= radius * radius;
}
const inEllipse = (u, v, cx, cy, rx, ry) => ((u - cx) / rx) ** 2 + ((v - cy) / ry) ** 2 <= 1;

/** A database cylinder on a blue rounded square: the app icon. */
function appIcon(u, v) {
  if (!inRoundedRect(u, v, 0.06, 0.18)) return [0, 0, 0, 0];
  const background = mix(hex('#3479e0'), hex('#1c3d8c'), v);
  const cx = 0.5, rx = 0.24, ry = 0.075, top = 0.3, bottom = 0.7;
  const inBody = Math.abs(u - cx) <= rx && v >= top && v <= bottom;
  const inCylinder = inBody || inEllipse(u, v, cx, bottom, rx, ry) || inEllipse(u, v, cx, top, rx, ry);
  if (!inCylinder) return background;
  if (inEllipse(u, v, cx, top, rx, ry)) return inEllipse(u, v, cx, top, rx - 0.02, ry - 0.02) ? hex('#dbe7ff') : hex('#ffffff');
  for (const band of [0.43, 0.565]) {
    // lower half of an ellipse: the seams between the cylinder's "disks"
    const d = ((u - cx) / rx) ** 2 + ((v - band) / ry) ** 2;
    if (v > band && Math.abs(Math.sqrt(d) - 1) < 0.09) return hex('#2b5fc0');
  }
  return hex('#ffffff');
}

/** A status dot with a light ring, readable on dark and light panels. */
function trayIcon(color) {
  return (u, v) => {
    const d = Math.hypot(u - 0.5, v - 0.5);
    if (d > 0.47) return [0, 0, 0, 0];
    if (d > 0.36) return hex('#ffffff', 0.95);
    return hex(color);
  };
}

function write(file, size, shade) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, encodePng(size, size, render(size, shade)));
  console.log(`wrote ${file} (${size}x${size})`);
}

write(join(root, 'build', 'icon.png'), 1024, appIcon);
for (const [name, color] of [['running', '#2e9d4f'], ['degraded', '#e6a100'], ['stopped', '#9a9a9a']]) {
  write(join(root, 'resources', 'tray', `tray-${name}.png`), 16, trayIcon(color));
  write(join(root, 'resources', 'tray', `tray-${name}@2x.png`), 32, trayIcon(color));
}
/** ICO container whose entries are whole PNG files. */
function encodeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size; // 0 means 256
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map((image) => image.png)]);
}
const icoSizes = [256, 128, 64, 48, 32, 16];
writeFileSync(
  join(root, 'build', 'icon.ico'),
  encodeIco(icoSizes.map((size) => ({ size, png: encodePng(size, size, render(size, appIcon)) }))),
);
console.log(`wrote ${join(root, 'build', 'icon.ico')} (${icoSizes.join(', ')})`);
