import {
  expect,
  type APIRequestContext,
  type Locator,
  type Page,
} from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where the e2e screenshots go (relative to the repo root, where Playwright runs). */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');
mkdirSync(SCREENSHOT_DIR, { recursive: true });

/**
 * Signs in as the guest user, who owns the demo databases ("Guest" card, button "Enter").
 * The demo's other identity is {@link signInAsVisitor}.
 */
export async function signIn(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  // Signed in once the sign-in page is gone.
  await expect(enter).toBeHidden();
}

/** Signs in as the demo's visitor: signed in, owns none of the demo databases ("Visitor" card). */
export async function signInAsVisitor(page: Page) {
  await page.goto('/');
  const button = page
    .getByRole('listitem')
    .filter({ hasText: 'Visitor' })
    .getByRole('button', { name: 'Sign In' });
  await expect(button).toBeVisible();
  await button.click();
  await expect(button).toBeHidden();
}

/** A guest token for direct API calls (catalog lookups). */
export async function guestToken(request: APIRequestContext): Promise<string> {
  const response = await request.post('/api/auth/guest/refresh', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(response.ok()).toBeTruthy();
  const body = await response.json();
  return body.backstageIdentity.token as string;
}

/** The kind of a catalog entity in the default namespace (demo entities may be Components or Resources). */
export async function entityPath(
  request: APIRequestContext,
  name: string,
): Promise<string> {
  const token = await guestToken(request);
  let kind: string | undefined;
  // The catalog ingests the demo entities shortly after the backend starts.
  await expect
    .poll(
      async () => {
        const response = await request.get(
          `/api/catalog/entities/by-query?filter=metadata.name=${encodeURIComponent(
            name,
          )},metadata.namespace=default`,
          { headers: { Authorization: `Bearer ${token}` } },
        );
        if (!response.ok()) return undefined;
        const body = await response.json();
        kind = body.items?.find((e: { kind: string }) =>
          ['Component', 'Resource', 'System'].includes(e.kind),
        )?.kind;
        return kind;
      },
      { timeout: 120_000, intervals: [1000, 2000, 5000] },
    )
    .toBeTruthy();
  return `/catalog/default/${kind!.toLocaleLowerCase('en-US')}/${name}`;
}

/** Saves a screenshot under test-output/screenshots: the whole page, or one element. */
export async function screenshot(page: Page, name: string, element?: Locator) {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  if (element) {
    await element.screenshot({ path });
  } else {
    await page.screenshot({ path, fullPage: true });
  }
}

/**
 * With CNPG_DEMO_NOW set (scripts/e2e.sh passes the environment to the backend), the demo's clock started at
 * that instant when the backend started. Installs the page's clock at the backend's current demo time (the
 * `generatedAt` of a status answer), flowing naturally from there, so relative times ("3 h ago") read as they
 * would at that instant. Does nothing when CNPG_DEMO_NOW is unset. Call before the first navigation.
 */
export async function pinBrowserClockToDemo(
  page: Page,
  request: APIRequestContext,
): Promise<void> {
  if (!process.env.CNPG_DEMO_NOW) return;
  const [, , , kind, name] = (await entityPath(request, 'payments')).split('/');
  const token = await guestToken(request);
  const response = await request.get(
    `/api/cnpg-backups/entities/${kind}/default/${name}/status`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  expect(response.ok()).toBeTruthy();
  const { generatedAt } = (await response.json()) as { generatedAt: string };
  await page.clock.install({ time: new Date(generatedAt) });
}
