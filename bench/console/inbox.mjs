// The agent inbox with 10,000 open items, in Debian's chromium against the built binary:
// how long until the first rows show, how long until all 10,000 are loaded, and how
// smooth scrolling through all of them is (frame times, long tasks, rows in the DOM).
//
//   node bench/console/inbox.mjs [ITEMS]      (default 10000; needs build/cli/docket,
//                                              console/dist and tests/e2e's npm packages)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'tests/e2e/package.json'));
const { chromium } = require('playwright-core');
const ITEMS = Number(process.argv[2] ?? 10000);
const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' };

const dataDir = mkdtempSync(path.join(tmpdir(), 'docket-inbox-bench-'));
const server = spawn(path.join(root, 'build/cli/docket'), ['serve', '--data-dir', dataDir, '--port', '0'], {
  env: {
    ...process.env,
    DOCKET_CONSOLE_DIR: path.join(root, 'console/dist'),
    DOCKET_RATE_LIMIT_ENABLED: 'false',
    DOCKET_PASSWORD_HASH_COST: 'minimal',
    DOCKET_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    DOCKET_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    DOCKET_MAX_CONNECTIONS_PER_IP: '0',
  },
  stdio: ['ignore', 'ignore', 'pipe'],
});
const port = await new Promise((resolve, reject) => {
  let buf = '';
  server.stderr.on('data', (c) => {
    buf += c;
    const m = /"msg":"server.ready".*?"port":(\d+)/.exec(buf);
    if (m) resolve(Number(m[1]));
  });
  server.on('exit', (code) => reject(new Error(`server exited ${code}: ${buf}`)));
});
const base = `http://127.0.0.1:${port}`;

try {
  // The items: guests open inquiries, 32 at a time.
  let made = 0;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (made < ITEMS) {
        const n = made++;
        const r = await fetch(`${base}/api/support-inquiries`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ subject: `Order ${n} question`, message: 'Hello', guestName: `Guest ${n}` }),
        });
        if (r.status !== 201) throw new Error(`create: ${r.status} ${await r.text()}`);
      }
    }),
  );
  console.log(`created ${ITEMS} inquiries in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const login = await (await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json();
  const me = await (await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${login.data.token}` } })).json();
  const auth = { token: login.data.token, expiresAt: login.data.expiresAt, account: me.data };

  const browser = await chromium.launch({
    executablePath: process.env.DOCKET_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.addInitScript((a) => {
    localStorage.setItem('docket.console.auth', JSON.stringify(a));
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
  }, auth);

  const start = Date.now();
  await page.goto(`${base}/agent`);
  await page.locator('[data-row="0"]').waitFor();
  const firstRows = Date.now() - start;
  await page.getByRole('list', { name: `Items (${ITEMS})` }).waitFor({ timeout: 120000 });
  const allLoaded = Date.now() - start;
  const loadLongTasks = await page.evaluate(() => window.__longTasks.splice(0));

  // Scroll from top to bottom by wheel, 600 px per step, timing every frame.
  await page.locator('.items').hover();
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const height = await page.locator('.items ul').evaluate((el) => el.scrollHeight);
  const steps = Math.ceil(height / 600);
  const scrollStart = Date.now();
  for (let i = 0; i < steps; i++) {
    await page.mouse.wheel(0, 600);
    if (i % 10 === 0) await page.waitForTimeout(16);
  }
  await page.waitForFunction(() => {
    const el = document.querySelector('.items');
    return el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
  });
  const scrollMs = Date.now() - scrollStart;
  const { frames, longTasks, rows } = await page.evaluate(() => {
    window.__stop = true;
    return { frames: window.__frames.slice(1), longTasks: window.__longTasks, rows: document.querySelectorAll('.items li').length };
  });
  const sorted = [...frames].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  console.log(`first rows shown: ${firstRows} ms after navigation`);
  console.log(`all ${ITEMS} items loaded: ${allLoaded} ms (long tasks while loading: ${loadLongTasks.length}, longest ${Math.round(Math.max(0, ...loadLongTasks))} ms)`);
  console.log(`scrolled ${height} px in ${steps} wheel steps over ${scrollMs} ms: ${frames.length} frames, p50 ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms; long tasks while scrolling: ${longTasks.length}`);
  console.log(`rows in the DOM at the end: ${rows}`);
  await browser.close();
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
