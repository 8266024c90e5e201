// Prints the gzipped size of widget.js and of each console page (its entry chunk with
// every chunk and stylesheet it imports statically), and fails when one exceeds its
// budget: the widget 60 KB, a page 250 KB (issue budget; KB = 1,000 bytes).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = join(new URL('.', import.meta.url).pathname, '..', 'dist');
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key].imports ?? []) closure(dep, seen);
  return seen;
}

const rows = [{ name: 'widget.js', bytes: gz('widget.js'), budget: 60_000 }];
for (const [key, chunk] of Object.entries(manifest)) {
  if (!chunk.isEntry) continue;
  const files = new Set();
  for (const k of closure(key)) {
    files.add(manifest[k].file);
    for (const css of manifest[k].css ?? []) files.add(css);
  }
  let bytes = 0;
  for (const f of files) bytes += gz(f);
  rows.push({ name: key, bytes, budget: 250_000 });
}

let over = false;
console.log('| bundle | gzipped | budget |');
console.log('|---|---:|---:|');
for (const r of rows) {
  const flag = r.bytes > r.budget ? ' OVER' : '';
  over ||= r.bytes > r.budget;
  console.log(`| ${r.name} | ${(r.bytes / 1000).toFixed(1)} KB | ${r.budget / 1000} KB${flag} |`);
}
process.exit(over ? 1 : 0);
