// A real browser for the console's tests: Debian's chromium driven by playwright-core,
// a TCP proxy that can cut a page's network, axe-core checks and screenshots.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';

// import.meta.dirname needs Node 20.11; this works from 18.
const here = path.dirname(fileURLToPath(import.meta.url));

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.DOCKET_CHROMIUM ?? '/usr/bin/chromium';
export const CONSOLE_DIR = path.resolve(here, '../../../console/dist');
// Screenshots of every page the tests visit (CI keeps them as artefacts).
export const ARTIFACTS = process.env.DOCKET_ARTIFACTS ?? path.resolve(here, '../artifacts');

// Flags for a closed network: no background fetches to hosts that cannot be reached.
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}

// Runs axe-core on the page (shadow roots included) and fails on any serious or
// critical violation, listing them.
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export async function assertAccessible(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }),
  );
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `axe-core on ${what}`,
  );
}

// A TCP proxy in front of the server: cut() drops every connection through it and
// refuses new ones (a dead network for whoever uses its address), restore() heals it.
export async function startProxy(targetPort) {
  const sockets = new Set();
  let up = true;
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    cut() {
      up = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      up = true;
    },
    close() {
      this.cut();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
