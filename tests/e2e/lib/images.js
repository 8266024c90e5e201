// Real image bytes for upload tests: tiny PNGs and JPEGs that carry metadata (a GPS
// position) the server must strip.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

// A real 4x4 RGB PNG whose pixels depend on `seed`, with a tEXt chunk (a GPS position)
// and a tIME chunk that the server removes.
export function pngWithText(seed) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(4, 0);
  ihdr.writeUInt32BE(4, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const rows = [];
  for (let y = 0; y < 4; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < 4; x++) rows.push((seed * 7 + x) & 255, (seed >> 8) & 255, (y * 31 + seed) & 255);
  }
  const time = Buffer.from([0x07, 0xea, 12, 3, 13, 37, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('tEXt', Buffer.from(`Comment\0GPS 52.5200N 13.4050E home ${seed}`)),
    pngChunk('tIME', time),
    pngChunk('IDAT', deflateSync(Buffer.from(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// A tiny baseline JPEG with an APP1 EXIF segment holding a
// GPS marker text; `seed` varies the scan data.
export function jpegWithExif(seed = 0x34) {
  const seg = (marker, payload) => {
    const len = payload.length + 2;
    return Buffer.concat([Buffer.from([0xff, marker, len >> 8, len & 0xff]), payload]);
  };
  const exif = Buffer.concat([Buffer.from('Exif\0\0'), Buffer.from(`GPS 52.5200N 13.4050E home ${seed}`)]);
  const jfif = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const dqt = Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]);
  const sof = Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
  const dht = Buffer.concat([Buffer.from([0]), Buffer.from([1]), Buffer.alloc(15, 0), Buffer.from([0])]);
  const sos = Buffer.from([1, 1, 0, 0, 0x3f, 0]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]), seg(0xe0, jfif), seg(0xe1, exif), seg(0xdb, dqt), seg(0xc0, sof),
    seg(0xc4, dht), seg(0xda, sos), Buffer.from([0x12, seed & 0x7f, 0xff, 0x00, 0x56]), Buffer.from([0xff, 0xd9]),
  ]);
}
