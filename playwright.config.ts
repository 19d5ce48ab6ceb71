/*
 * End-to-end tests of the demo portal, in Debian's Chromium through playwright-core (no browser
 * download). `scripts/e2e.sh` starts the portal (production build of packages/app served by the
 * backend with the CNPG demo environment), runs this suite and stops the portal.
 *
 *   E2E_PORT      port of the portal (default 7007)
 *   CHROMIUM_PATH Chromium binary (default /usr/bin/chromium)
 */
import { defineConfig } from '@playwright/test';

const port = process.env.E2E_PORT ?? '7007';

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 180_000,
  expect: { timeout: 45_000 },
  // One portal, one browser: the tests share the demo state (a created backup shows up later).
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['json', { outputFile: 'test-output/e2e.json' }]],
  outputDir: 'test-output/e2e-results',
  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? `http://localhost:${port}`,
    viewport: { width: 1400, height: 1000 },
    // A zone away from UTC, so "local time with UTC in the tooltip" is really exercised.
    timezoneId: 'Europe/Berlin',
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
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
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
