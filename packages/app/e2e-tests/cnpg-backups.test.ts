/*
 * The demo portal end to end: every demo database's card, the Backups tab, "Back up now" and
 * "Restore…" into the recovery template.
 */
import { expect, test } from '@playwright/test';
// The one list of what each demo database shows at any hour (also checked by the Jest clock sweep).
import { DEMO_DATABASE_EXPECTATIONS } from '@cnpg-backups/plugin-cnpg-backups-backend-module-demo/testUtils';
import {
  entityPath,
  pinBrowserClockToDemo,
  screenshot,
  signIn,
} from './helpers';

test.describe('CNPG Backups on the demo portal', () => {
  test.beforeEach(async ({ page, request }) => {
    // With CNPG_DEMO_NOW the demo lives at another instant: the browser's relative times follow it.
    await pinBrowserClockToDemo(page, request);
    await signIn(page);
  });

  for (const database of DEMO_DATABASE_EXPECTATIONS) {
    test(`card and tab of ${database.entity}`, async ({ page, request }) => {
      const path = await entityPath(request, database.entity);
      await page.goto(path);

      const card = page
        .getByTestId('database-summary')
        .filter({ has: page.getByRole('heading', { name: database.heading }) });
      await expect(card).toBeVisible();
      await expect(
        card.getByTestId('health-summary').locator('[data-health]'),
      ).toHaveAttribute('data-health', database.health);
      // The compact card (issue 14): the last backup; the three lights are on the tab.
      await expect(card.getByTestId('last-backup')).toContainText(
        /^(Error|Warning|OK|Unknown): Last backup: /,
      );
      // Recovery window with relative times, the local time carrying UTC in its title.
      const window = card.getByTestId('recovery-window');
      await expect(window).toContainText(/Recoverable from .+ \(.+ago\) to .+/);
      await expect(window.locator('time').first()).toHaveAttribute(
        'title',
        / UTC$/,
      );
      // The card leads with one of the expected diagnoses (none for a healthy database).
      const cardDiagnoses = card.locator('[data-diagnosis]');
      if (database.diagnoses.length > 0) {
        await expect(cardDiagnoses.first()).toBeVisible();
        expect(database.diagnoses).toContain(
          await cardDiagnoses.first().getAttribute('data-diagnosis'),
        );
      } else {
        await expect(cardDiagnoses).toHaveCount(0);
      }
      await card.scrollIntoViewIfNeeded();
      await screenshot(
        page,
        `card-${database.entity}`,
        page.locator('.MuiCard-root').filter({ has: card }).last(),
      );

      // The card links to the Backups tab.
      await page.getByText('View backups').click();
      await expect(page).toHaveURL(new RegExp(`${path}/cnpg-backups$`));
      const details = page
        .getByTestId('database-details')
        .filter({ has: page.getByRole('heading', { name: database.heading }) });
      await expect(details).toBeVisible();
      await expect(details.getByTestId('backup-timeline-chart')).toBeVisible();
      await expect(
        details.getByRole('heading', { name: 'Base backups' }),
      ).toBeVisible();
      await expect(details.getByLabel('WAL continuity')).toBeVisible();
      // The three lights.
      const lights = details.getByTestId('health-lights');
      await expect(lights.getByText(/^Archiving: /)).toBeVisible();
      await expect(lights.getByTestId('last-backup')).toBeVisible();
      await expect(lights.getByText(/^Schedule: /)).toBeVisible();
      // The tab lists exactly the expected diagnoses.
      const listed = await details
        .locator('[data-diagnosis]')
        .evaluateAll(items =>
          items.map(item => item.getAttribute('data-diagnosis')),
        );
      expect([...new Set(listed)].sort()).toEqual(
        [...database.diagnoses].sort(),
      );
      await screenshot(page, `tab-${database.entity}`);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({
        path: `test-output/screenshots/tab-${database.entity}-top.png`,
      });
    });
  }

  test('an invalid annotation shows the parser message instead of data', async ({
    page,
    request,
  }) => {
    const path = await entityPath(request, 'reporting');
    await page.goto(path);
    await expect(
      page.getByText('Invalid cnpg.io/cluster annotation', { exact: true }),
    ).toBeVisible();
    await expect(page.getByTestId('annotation-error')).toContainText(
      'reporting/Reporting_DB/primary',
    );
    await screenshot(
      page,
      'card-reporting-invalid-annotation',
      page
        .locator('.MuiCard-root')
        .filter({ has: page.getByTestId('annotation-error') })
        .last(),
    );
  });

  test('Back up now creates a backup that appears completed in the table', async ({
    page,
    request,
  }) => {
    const path = await entityPath(request, 'payments');
    await page.goto(`${path}/cnpg-backups`);
    const details = page.getByTestId('database-details').first();
    await expect(details).toBeVisible();

    await details.getByRole('button', { name: 'Back up now' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText(
      'This creates a Backup of the CNPG cluster payments-db in namespace payments on Kubernetes cluster demo',
    );
    await dialog.getByRole('button', { name: 'Create backup' }).click();

    const progress = details.getByTestId('backup-progress');
    await expect(progress).toContainText(/Backup \S+/);
    const name = (await progress.textContent())!.match(
      /Backup (\S+?)[:\s]/,
    )?.[1];
    expect(name).toBeTruthy();
    await screenshot(page, 'backup-progress');
    await expect(progress).toContainText(`Backup ${name} completed`, {
      timeout: 150_000,
    });
    // The new backup is in the table, as a DONE backup known to both the CR and the bucket.
    const row = details.getByRole('row').filter({ hasText: name! });
    await expect(row).toBeVisible();
    await expect(row).toContainText('DONE');
    await screenshot(page, 'backup-created');
  });

  test('Restore… opens the recovery template pre-filled from a backup row', async ({
    page,
    request,
  }) => {
    const path = await entityPath(request, 'payments');
    await page.goto(`${path}/cnpg-backups`);
    const details = page.getByTestId('database-details').first();
    const restoreButton = details
      .getByRole('button', { name: /^Restore from / })
      .first();
    await expect(restoreButton).toBeVisible();
    const backupId = (await restoreButton.getAttribute('aria-label'))!.replace(
      'Restore from ',
      '',
    );
    await restoreButton.click();

    const dialog = page.getByRole('dialog');
    await expect(
      dialog.getByRole('radio', { name: /A base backup/ }),
    ).toBeChecked();
    await dialog
      .getByRole('button', { name: 'Open recovery template' })
      .click();

    await expect(page).toHaveURL(
      /\/create\/templates\/default\/restore-cnpg-database\?formData=/,
    );
    const formData = JSON.parse(
      new URL(page.url()).searchParams.get('formData')!,
    );
    expect(formData).toEqual({
      entityRef: expect.stringMatching(
        /^(component|resource):default\/payments$/,
      ),
      kubernetesCluster: 'demo',
      namespace: 'payments',
      cluster: 'payments-db',
      serverName: 'payments-db',
      targetKind: 'backup',
      backupId,
    });
    // The template's form shows the values.
    await expect(
      page.getByRole('textbox', { name: /Kubernetes cluster/ }),
    ).toHaveValue('demo');
    await expect(page.getByRole('textbox', { name: /^Namespace/ })).toHaveValue(
      'payments',
    );
    await expect(
      page.getByRole('textbox', { name: /CNPG Cluster/ }),
    ).toHaveValue('payments-db');
    await screenshot(page, 'restore-template');
  });

  test('a point in the chart opens a point-in-time restore', async ({
    page,
    request,
  }) => {
    const path = await entityPath(request, 'cnpg-main');
    await page.goto(`${path}/cnpg-backups`);
    const chart = page
      .getByTestId('database-details')
      .first()
      .getByTestId('backup-timeline-chart');
    const surface = chart.locator('svg.recharts-surface').first();
    await expect(surface).toBeVisible();
    const box = (await surface.boundingBox())!;
    // Near the right end of the plot, inside the recovery window.
    await surface.click({
      position: { x: box.width * 0.85, y: box.height * 0.5 },
    });
    const dialog = page.getByRole('dialog');
    await expect(
      dialog.getByRole('radio', { name: /A point in time/ }),
    ).toBeChecked();
    await expect(dialog.getByLabel('Target time')).not.toHaveValue('');
    await dialog
      .getByRole('button', { name: 'Open recovery template' })
      .click();
    await expect(page).toHaveURL(/restore-cnpg-database\?formData=/);
    const formData = JSON.parse(
      new URL(page.url()).searchParams.get('formData')!,
    );
    expect(formData).toMatchObject({
      targetKind: 'time',
      cluster: 'cnpg-main',
      namespace: 'apps',
    });
    expect(formData.targetTime).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
  });
});
