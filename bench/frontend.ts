/*
 * `bench/frontend.ts`: the CNPG Backups frontend on the demo portal, in Debian's Chromium.
 *
 *   source scripts/bootstrap.sh
 *   node -r @backstage/cli/config/nodeTransform.cjs bench/frontend.ts
 *
 * Measures (the machine's load shows in the times: run it on an otherwise idle machine):
 *  1. time from navigation to the card's data being visible (the first `database-summary`) on a demo
 *     entity page: the median of 5 full page loads (browser cache warm after the first), target ≤ 1.5 s;
 *     the first (cold) load is reported too;
 *  2. the JavaScript the plugin makes the browser load lazily, gzip: the chunks requested by an annotated
 *     entity's overview page (card) and Backups tab (content + chart) MINUS those requested by the same
 *     page of an entity without the annotation, sized from the production build with gzip -9;
 *     target ≤ 200 KB gzip for each. The chunks holding the plugin's own code are listed as well.
 *
 * Needs a production build of packages/app (built when missing or older than the sources). Starts the
 * demo portal (backend serving that build) on BENCH_PORT (default 7017) unless BENCH_URL points at a
 * running one. Writes test-output/bench-frontend.json; the last line is `SUMMARY: ...`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page, type Request } from 'playwright-core';

const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'packages/app/dist');
const OUT = join(ROOT, 'test-output');
const RUNS = 5;
const CARD_TARGET_MS = 1500;
const BUNDLE_TARGET_KB = 200;
const ANNOTATED_ENTITY = process.env.BENCH_ENTITY ?? 'payments';
// An entity of the same kind without the annotation: the baseline of "what the page loads anyway".
const PLAIN_ENTITY = process.env.BENCH_PLAIN_ENTITY ?? 'cnpg-backups-frontend';
// Strings that exist only in the plugin's components (data-testids), to find its chunks.
const PLUGIN_MARKERS = [
  'database-summary',
  'database-details',
  'backup-timeline-chart',
];

function log(message: string) {
  process.stderr.write(`[bench:frontend] ${message}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs,
    );
  }
  return newest;
}

function ensureBuild() {
  const index = join(DIST, 'index.html');
  const sources = [
    'packages/app/src',
    'plugins/cnpg-backups/src',
    'plugins/cnpg-backups-common/src',
  ].map(d => newestMtime(join(ROOT, d)));
  if (existsSync(index) && statSync(index).mtimeMs > Math.max(...sources)) {
    return;
  }
  log('building packages/app for production (1-3 min)');
  const result = spawnSync('yarn', ['build'], {
    cwd: join(ROOT, 'packages/app'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) {
    throw new Error(`yarn build failed with ${result.status}`);
  }
}

async function startPortal(): Promise<{ url: string; stop: () => void }> {
  if (process.env.BENCH_URL) {
    return { url: process.env.BENCH_URL, stop: () => {} };
  }
  const port = process.env.BENCH_PORT ?? '7017';
  const url = `http://localhost:${port}`;
  mkdirSync(OUT, { recursive: true });
  const overlay = join(OUT, `bench-frontend-app-config-${port}.yaml`);
  writeFileSync(
    overlay,
    `app:\n  baseUrl: ${url}\nbackend:\n  baseUrl: ${url}\n  listen:\n    port: ${port}\n  cors:\n    origin: ${url}\n`,
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      join(ROOT, 'node_modules/@backstage/cli-node/config/nodeTransform.cjs'),
      'src/index',
      '--config',
      '../../app-config.yaml',
      '--config',
      overlay,
    ],
    {
      cwd: join(ROOT, 'packages/backend'),
      env: { ...process.env, NODE_ENV: 'development' },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.on('exit', stop);
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the backend exited with ${child.exitCode}`);
    if (Date.now() - started > 600_000)
      throw new Error('the portal did not start within 600 s');
    try {
      const response = await fetch(`${url}/healthcheck`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  log(
    `portal up after ${((Date.now() - started) / 1000).toFixed(0)} s at ${url}`,
  );
  return { url, stop };
}

async function entityPath(
  url: string,
  token: string,
  name: string,
): Promise<string> {
  const started = Date.now();
  for (;;) {
    const response = await fetch(
      `${url}/api/catalog/entities/by-query?filter=metadata.name=${encodeURIComponent(
        name,
      )},metadata.namespace=default`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    if (response.ok) {
      const body = (await response.json()) as {
        items: Array<{ kind: string }>;
      };
      const kind = body.items.find(
        e => e.kind === 'Component' || e.kind === 'Resource',
      )?.kind;
      if (kind)
        return `/catalog/default/${kind.toLocaleLowerCase('en-US')}/${name}`;
    }
    if (Date.now() - started > 180_000)
      throw new Error(`entity ${name} not in the catalog`);
    await new Promise(r => setTimeout(r, 2000));
  }
}

/** JS files (dist-relative names) requested while `action` runs. */
/**
 * JS files (dist-relative names) the page requests while `action` runs. `executed` keeps only
 * requests made to run a script; otherwise `<link rel=prefetch>` downloads count too (the card's
 * chunks are prefetched at idle time on every page, so they must not count as "loaded anyway").
 */
async function scriptsLoadedBy(
  page: Page,
  action: () => Promise<void>,
  options: { executed: boolean },
): Promise<Set<string>> {
  const names = new Set<string>();
  const onRequest = (request: Request) => {
    const match = /\/static\/([^/?#]+\.js)/.exec(request.url());
    if (match && (!options.executed || request.resourceType() === 'script')) {
      names.add(match[1]);
    }
  };
  page.on('request', onRequest);
  await action();
  await page.waitForLoadState('networkidle');
  page.off('request', onRequest);
  return names;
}

function gzipKB(files: Iterable<string>): {
  kb: number;
  files: Array<{ file: string; kb: number }>;
} {
  const rows = [...files].map(file => ({
    file,
    kb:
      gzipSync(readFileSync(join(DIST, 'static', file)), { level: 9 }).length /
      1024,
  }));
  rows.sort((a, b) => b.kb - a.kb);
  return { kb: rows.reduce((sum, r) => sum + r.kb, 0), files: rows };
}

async function main() {
  ensureBuild();
  const portal = await startPortal();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--headless',
    ],
  });
  try {
    const context = await browser.newContext({
      baseURL: portal.url,
      viewport: { width: 1400, height: 1000 },
    });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await page
      .getByRole('button', { name: 'Enter' })
      .waitFor({ state: 'hidden' });
    const refresh = await fetch(`${portal.url}/api/auth/guest/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    const token = (
      (await refresh.json()) as { backstageIdentity: { token: string } }
    ).backstageIdentity.token;
    const annotated = await entityPath(portal.url, token, ANNOTATED_ENTITY);
    const plain = await entityPath(portal.url, token, PLAIN_ENTITY);

    // Warm the backend's status cache once, as a portal in use would have it.
    await fetch(
      `${portal.url}/api/cnpg-backups/entities${annotated.replace(
        '/catalog',
        '',
      )}/status`,
      {
        headers: { Authorization: `Bearer ${token}` },
      },
    );

    // 2. Lazily loaded JS: what the plugin adds to an entity page, overview then tab.
    const plainOverview = await scriptsLoadedBy(
      page,
      async () => {
        await page.goto(plain);
        await page.getByText('About').first().waitFor();
      },
      { executed: true },
    );
    const plainTabs = await scriptsLoadedBy(
      page,
      async () => {
        await page
          .getByRole('tab', { name: 'APIs' })
          .click()
          .catch(() => undefined);
      },
      { executed: true },
    );
    await page.goto('about:blank');
    const pageOverview = await scriptsLoadedBy(
      page,
      async () => {
        await page.goto(annotated);
        await page.getByTestId('database-summary').first().waitFor();
      },
      { executed: true },
    );
    const pageTab = await scriptsLoadedBy(
      page,
      async () => {
        await page.getByText('View backups').click();
        await page.getByTestId('backup-timeline-chart').first().waitFor();
        await page.locator('.recharts-surface').first().waitFor();
      },
      { executed: true },
    );
    const baseline = new Set([...plainOverview, ...plainTabs]);
    const cardChunks = [...pageOverview].filter(f => !baseline.has(f));
    const tabChunks = [...pageTab].filter(
      f => !baseline.has(f) && !pageOverview.has(f),
    );
    const card = gzipKB(cardChunks);
    const tab = gzipKB(tabChunks);
    const pluginChunks = readdirSync(join(DIST, 'static'))
      .filter(f => f.endsWith('.js'))
      .filter(f => {
        const text = readFileSync(join(DIST, 'static', f), 'utf8');
        return PLUGIN_MARKERS.some(marker => text.includes(marker));
      });
    const own = gzipKB(pluginChunks);

    // 1. Navigation → card data visible.
    const times: number[] = [];
    const apiTimes: number[] = [];
    const onFinished = (request: Request) => {
      if (request.url().includes('/api/cnpg-backups/entities/')) {
        // From the request start to the last byte of the response.
        apiTimes.push(request.timing().responseEnd);
      }
    };
    page.on('requestfinished', onFinished);
    for (let run = 0; run < RUNS + 1; run++) {
      await page.goto('about:blank');
      const started = Date.now();
      await page.goto(annotated, { waitUntil: 'commit' });
      await page
        .getByTestId('database-summary')
        .first()
        .waitFor({ timeout: 60_000 });
      times.push(Date.now() - started);
    }
    page.off('requestfinished', onFinished);
    const apiMedian = median(apiTimes.slice(1));
    const [cold, ...warm] = times;
    const cardMedian = median(warm);
    // Context: the same navigation to Backstage's own About card of the same page (no plugin involved).
    const aboutTimes: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto('about:blank');
      const started = Date.now();
      await page.goto(annotated, { waitUntil: 'commit' });
      await page
        .getByText('About', { exact: true })
        .first()
        .waitFor({ timeout: 60_000 });
      aboutTimes.push(Date.now() - started);
    }
    const aboutMedian = median(aboutTimes);

    const rows: Array<[string, string, string]> = [
      [
        `navigation → card data visible (${ANNOTATED_ENTITY}), median of ${RUNS}`,
        `${cardMedian.toFixed(0)} ms`,
        `≤ ${CARD_TARGET_MS} ms`,
      ],
      ['  runs', warm.map(t => `${t}`).join(', ') + ' ms', ''],
      ['  first load (cold browser cache)', `${cold} ms`, ''],
      [
        '  of which the status request (median)',
        `${apiMedian.toFixed(0)} ms`,
        '',
      ],
      [
        "  for reference: same page, Backstage's About card visible",
        `${aboutMedian.toFixed(0)} ms`,
        '',
      ],
      [
        `lazy JS for the card (${cardChunks.length} chunks)`,
        `${card.kb.toFixed(1)} KB gzip`,
        `≤ ${BUNDLE_TARGET_KB} KB`,
      ],
      [
        `lazy JS for the Backups tab + chart (${tabChunks.length} chunks)`,
        `${tab.kb.toFixed(1)} KB gzip`,
        `≤ ${BUNDLE_TARGET_KB} KB`,
      ],
      [
        `chunks holding the plugin's own code (${pluginChunks.length})`,
        `${own.kb.toFixed(1)} KB gzip`,
        '',
      ],
    ];
    const width = Math.max(...rows.map(r => r[0].length));
    console.log('');
    for (const [name, value, target] of rows) {
      console.log(`${name.padEnd(width)}  ${value.padStart(22)}  ${target}`);
    }
    console.log('');
    console.log(
      'card chunks:',
      card.files.map(f => `${f.file} ${f.kb.toFixed(1)}KB`).join(', ') ||
        'none',
    );
    console.log(
      'tab chunks:',
      tab.files.map(f => `${f.file} ${f.kb.toFixed(1)}KB`).join(', ') || 'none',
    );
    console.log(
      'plugin chunks:',
      own.files.map(f => `${f.file} ${f.kb.toFixed(1)}KB`).join(', '),
    );

    const summary = {
      cardVisibleMedianMs: cardMedian,
      cardVisibleColdMs: cold,
      aboutCardVisibleMedianMs: aboutMedian,
      statusRequestMedianMs: Number(apiMedian.toFixed(0)),
      cardLazyKBGzip: Number(card.kb.toFixed(1)),
      tabLazyKBGzip: Number(tab.kb.toFixed(1)),
      pluginOwnKBGzip: Number(own.kb.toFixed(1)),
    };
    mkdirSync(OUT, { recursive: true });
    writeFileSync(
      join(OUT, 'bench-frontend.json'),
      JSON.stringify(
        { summary, runsMs: warm, entity: ANNOTATED_ENTITY, card, tab, own },
        null,
        2,
      ),
    );
    const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
    const timePass = cardMedian <= CARD_TARGET_MS;
    const bundlePass =
      card.kb <= BUNDLE_TARGET_KB && tab.kb <= BUNDLE_TARGET_KB;
    console.log(
      `SUMMARY: card visible ≤ ${CARD_TARGET_MS} ms ${verdict(
        timePass,
      )}, lazy bundle ≤ ${BUNDLE_TARGET_KB} KB gzip ${verdict(bundlePass)}`,
    );
    process.exitCode = timePass && bundlePass ? 0 : 1;
  } finally {
    await browser.close();
    portal.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(2);
});
