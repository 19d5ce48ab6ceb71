/*
 * The card and the tab as a new user sees them (issue 14): placement on the entity overview,
 * no horizontal overflow at 1280, 1440 and 768 px, accessibility (axe: no serious or critical
 * violation), keyboard-only "Back up now" and "Restore…", dark theme screenshots, and /catalog.
 */
import { expect, test, type Page } from '@playwright/test';
import { entityPath, screenshot, signIn } from './helpers';
import { overflowingBoxes, seriousViolations, WIDTHS } from './layout';

/** Presses Tab until the focused element is the wanted control (keyboard only, bounded). */
async function tabTo(page: Page, accessibleName: RegExp, maxPresses = 120) {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(() => {
      const active = document.activeElement as HTMLElement | null;
      if (!active) return '';
      return (
        active.getAttribute('aria-label') ??
        active.textContent ??
        ''
      ).trim();
    });
    if (accessibleName.test(name)) return i + 1;
  }
  throw new Error(`${accessibleName} not reached in ${maxPresses} Tab presses`);
}

const backupsCard = (page: Page) =>
  page
    .locator('.MuiCard-root')
    .filter({ has: page.getByTestId('database-summary') })
    .last();

test.describe('Layout and accessibility of the card and the tab', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page);
  });

  test('/catalog lists the demo entities', async ({ page }) => {
    await page.goto('/catalog');
    await expect(
      page.locator('table a[href^="/catalog/default/"]').first(),
    ).toBeVisible();
    await expect(
      page.getByText(/Looks like someone dropped the mic/),
    ).toHaveCount(0);
    // The sidebar's Catalog entry leads there too.
    await page.goto('/');
    await page.getByRole('link', { name: 'Catalog' }).first().click();
    await expect(page).toHaveURL(/\/catalog(\?|$)/);
    await expect(
      page.locator('table a[href^="/catalog/default/"]').first(),
    ).toBeVisible();
  });

  test('the card is above the fold of the overview, before the relation tables', async ({
    page,
    request,
  }) => {
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(await entityPath(request, 'obot'));
    const card = backupsCard(page);
    await expect(card).toBeVisible();
    const box = (await card.boundingBox())!;
    // The whole card is on the first screen without scrolling, and compact: one health line,
    // the window, the last backup, the top finding and its fix.
    expect(box.y + box.height).toBeLessThanOrEqual(1000);
    expect(box.height).toBeLessThan(600);
    await expect(page.getByTestId('recovery-window').first()).toBeVisible();
    await screenshot(page, 'card-light', card);
    const relations = page.getByText(/^(Depends on components|Relations)$/);
    if (await relations.count()) {
      const relationsBox = (await relations.first().boundingBox())!;
      expect(box.y).toBeLessThan(relationsBox.y);
    }
  });

  for (const width of WIDTHS) {
    test(`no horizontal overflow at ${width} px: card, tab, restore template`, async ({
      page,
      request,
    }) => {
      await page.setViewportSize({ width, height: 1000 });
      for (const entity of ['obot', 'cnpg-main', 'immich']) {
        const path = await entityPath(request, entity);
        await page.goto(path);
        await expect(backupsCard(page)).toBeVisible();
        await expect(page.getByTestId('health-summary').first()).toBeVisible();
        expect(await overflowingBoxes(page), `${path} at ${width}`).toEqual([]);

        await page.goto(`${path}/cnpg-backups`);
        await expect(
          page.getByRole('heading', { name: 'Base backups' }).first(),
        ).toBeVisible();
        await expect(
          page.getByTestId('backup-timeline-chart').first(),
        ).toBeVisible();
        expect(
          await overflowingBoxes(page),
          `${path}/cnpg-backups at ${width}`,
        ).toEqual([]);
        if (width === 1440 && entity === 'cnpg-main') {
          await screenshot(page, `tab-${entity}-${width}`);
        }
      }
      await page.goto(
        `/create/templates/default/restore-cnpg-database?formData=${encodeURIComponent(
          JSON.stringify({
            kubernetesCluster: 'demo',
            namespace: 'payments',
            cluster: 'payments-db',
            targetKind: 'latest',
          }),
        )}`,
      );
      await expect(
        page.getByRole('textbox', { name: /Kubernetes cluster/ }),
      ).toBeVisible();
      expect(await overflowingBoxes(page), `template at ${width}`).toEqual([]);
    });
  }

  test('axe: no serious or critical violation on the card, the tab and the restore template', async ({
    page,
    request,
  }) => {
    const path = await entityPath(request, 'cnpg-main');
    await page.goto(path);
    await expect(backupsCard(page)).toBeVisible();
    await expect(page.getByTestId('recovery-window').first()).toBeVisible();
    expect(
      await seriousViolations(page, '[data-testid="database-summary"]'),
    ).toEqual([]);
    // The whole card, header and "View backups" link included.
    await backupsCard(page).evaluate(e =>
      e.setAttribute('data-axe', 'backups-card'),
    );
    expect(await seriousViolations(page, '[data-axe="backups-card"]')).toEqual(
      [],
    );

    await page.goto(`${path}/cnpg-backups`);
    await expect(
      page.getByTestId('backup-timeline-chart').first(),
    ).toBeVisible();
    await expect(
      page.getByRole('heading', { name: 'Base backups' }).first(),
    ).toBeVisible();
    expect(
      await seriousViolations(page, '[data-testid="database-details"]'),
    ).toEqual([]);

    await page
      .getByTestId('database-details')
      .first()
      .getByRole('button', { name: /^Restore from / })
      .first()
      .click();
    await expect(page.getByRole('dialog')).toBeVisible();
    expect(await seriousViolations(page, '[role="dialog"]')).toEqual([]);
    await page.getByRole('button', { name: 'Open recovery template' }).click();
    await expect(
      page.getByRole('textbox', { name: /Kubernetes cluster/ }),
    ).toHaveValue('demo');
    expect(await seriousViolations(page, 'form')).toEqual([]);
  });

  // Tabs as fast as Playwright can: Tab pressed right as a dialog opens is what used to crash MUI v4's
  // focus ripple under React 18 (5 failures in 10 runs before FocusSafeDialog).
  test('keyboard only: Restore… opens the template, Back up now creates a backup', async ({
    page,
    request,
  }) => {
    const path = await entityPath(request, 'payments');
    await page.goto(`${path}/cnpg-backups`);
    await expect(page.getByTestId('database-details').first()).toBeVisible();
    await expect(
      page.getByRole('button', { name: /^Restore from / }).first(),
    ).toBeVisible();

    // Restore…: Tab to it, Enter, Tab to "Open recovery template", Enter.
    await tabTo(page, /^Restore…$/);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await tabTo(page, /^Open recovery template$/, 30);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/restore-cnpg-database\?formData=/);

    // Back up now: Tab to it, Enter, Tab to "Create backup", Enter.
    await page.goto(`${path}/cnpg-backups`);
    await expect(page.getByTestId('database-details').first()).toBeVisible();
    await tabTo(page, /^Back up now$/);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog')).toContainText(
      'This creates a Backup of the CNPG cluster payments-db',
    );
    await tabTo(page, /^Create backup$/, 30);
    await page.keyboard.press('Enter');
    await expect(
      page
        .getByTestId('database-details')
        .first()
        .getByTestId('backup-progress'),
    ).toContainText(/Backup \S+/);
  });

  test('dark theme: card and tab screenshots, no serious violation', async ({
    page,
    request,
  }) => {
    await page.addInitScript(() => {
      window.localStorage.setItem('theme', 'dark');
    });
    await page.setViewportSize({ width: 1440, height: 1000 });
    const path = await entityPath(request, 'obot');
    await page.goto(path);
    const card = backupsCard(page);
    await expect(card).toBeVisible();
    await expect(page.getByTestId('recovery-window').first()).toBeVisible();
    const background = await page.evaluate(
      () => getComputedStyle(document.body).backgroundColor,
    );
    // Dark theme really applied: a dark page background.
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r + g + b).toBeLessThan(200);
    await screenshot(page, 'card-dark', card);
    await card.evaluate(e => e.setAttribute('data-axe', 'backups-card'));
    expect(await seriousViolations(page, '[data-axe="backups-card"]')).toEqual(
      [],
    );

    const cnpgMain = await entityPath(request, 'cnpg-main');
    await page.goto(`${cnpgMain}/cnpg-backups`);
    await expect(
      page.getByTestId('backup-timeline-chart').first(),
    ).toBeVisible();
    await expect(
      page.getByRole('heading', { name: 'Base backups' }).first(),
    ).toBeVisible();
    await screenshot(page, 'tab-dark');
    expect(
      await seriousViolations(page, '[data-testid="database-details"]'),
    ).toEqual([]);
  });
});
