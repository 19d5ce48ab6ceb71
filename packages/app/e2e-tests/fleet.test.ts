/*
 * The Databases page (issue 12): every demo database plus the unowned Cluster, risk order by
 * default, health counts that filter, owner/provider filters, column sorting, rows linking to the
 * entity's Backups tab, the unowned row's claim snippet (copyable); and its layout (no horizontal
 * overflow at 1280, 1440 and 768 px) and accessibility (axe: no serious or critical violation,
 * light and dark). Every expectation is the backend's own answer (GET /api/cnpg-backups/fleet),
 * not an assumed health level.
 */
import {
  expect,
  test,
  type APIRequestContext,
  type Page,
} from '@playwright/test';
import { DEMO_DATABASE_EXPECTATIONS } from '@cnpg-backups/plugin-cnpg-backups-backend-module-demo/testUtils';
import {
  entityPath,
  guestToken,
  pinBrowserClockToDemo,
  screenshot,
  signIn,
} from './helpers';
import { overflowingBoxes, seriousViolations, WIDTHS } from './layout';

/** The fields of a FleetRow (-common) this suite reads. */
interface Row {
  databaseId: string;
  namespace: string;
  cluster: string;
  entityRef?: string;
  owner?: string;
  provider?: string;
  health: Level;
  claimSnippet?: string;
}
type Level = 'error' | 'warning' | 'unknown' | 'ok';
interface Fleet {
  items: Row[];
  totalCount: number;
  countsByHealth: Record<Level, number>;
  refreshedAt?: string;
}

/** Risk order of the health levels (FLEET_HEALTH_LEVELS of -common): most at risk first. */
const RISK: Level[] = ['error', 'warning', 'unknown', 'ok'];
/** The demo's Kubernetes cluster (the stand-in registered by the demo module). */
const KUBE = 'demo';
const UNOWNED_ID = `${KUBE}/analytics/reporting-db`;
const DEMO_IDS = DEMO_DATABASE_EXPECTATIONS.map(
  d => `${KUBE}/${d.namespace}/${d.cluster}`,
);

/** `GET /api/cnpg-backups/fleet?<params>` as the guest. */
async function fleetApi(
  request: APIRequestContext,
  params: Record<string, string> = {},
): Promise<Fleet> {
  const token = await guestToken(request);
  const query = new URLSearchParams({ limit: '100', ...params });
  const response = await request.get(`/api/cnpg-backups/fleet?${query}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as Fleet;
}

/**
 * Waits until the background refresh stored a snapshot of every demo database, claimed by its
 * entity, and of the unowned Cluster (the first refresh runs shortly after the backend starts;
 * one that ran before the catalog held the demo entities is followed by the next).
 */
async function readyFleet(request: APIRequestContext): Promise<Fleet> {
  let fleet: Fleet | undefined;
  await expect
    .poll(
      async () => {
        fleet = await fleetApi(request);
        const owned = new Set(
          fleet.items.filter(r => r.entityRef).map(r => r.databaseId),
        );
        return {
          ids: fleet.items.map(r => r.databaseId).sort(),
          ownedDemo: DEMO_IDS.filter(id => owned.has(id)).length,
        };
      },
      { timeout: 420_000, intervals: [2000, 5000, 10_000] },
    )
    .toEqual({
      ids: [...DEMO_IDS, UNOWNED_ID].sort(),
      ownedDemo: DEMO_IDS.length,
    });
  return fleet!;
}

/** The table's rows as shown: database id and health light, in display order. */
async function shownRows(
  page: Page,
): Promise<Array<{ id: string; health: string | null }>> {
  return page
    .getByTestId('fleet-table')
    .locator('tbody tr')
    .evaluateAll(trs =>
      trs.flatMap(tr => {
        const id = tr
          .querySelector('[data-database-id]')
          ?.getAttribute('data-database-id');
        if (!id) return [];
        return [
          {
            id,
            health:
              tr
                .querySelector('td [data-health]')
                ?.getAttribute('data-health') ?? null,
          },
        ];
      }),
    );
}

const asShown = (fleet: Fleet) =>
  fleet.items.map(r => ({ id: r.databaseId, health: r.health }));

/** The health count buttons at the top, as `{ level: count }`. */
async function shownCounts(page: Page): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const level of RISK) {
    const text = await page
      .locator(`[data-health-count="${level}"]`)
      .innerText();
    const match = /:\s*(\d+)/.exec(text);
    counts[level] = match ? Number(match[1]) : NaN;
  }
  return counts;
}

/** Opens the first row's history (its detail panel) and waits for the stored points. */
async function openHistory(page: Page) {
  const table = page.getByTestId('fleet-table');
  await table.locator('tbody tr').first().getByRole('button').first().click();
  await expect(table.getByTestId('recoverable-ratio')).toBeVisible();
}

/** The Provider select (its menu, while open or closing, carries the same label). */
const providerSelect = (page: Page) =>
  page.locator('[role="button"][aria-labelledby="fleet-provider-label"]');

async function openFleet(page: Page) {
  await page.goto('/cnpg-databases');
  await expect(
    page.getByRole('heading', { name: 'Databases' }).first(),
  ).toBeVisible();
}

test.describe('The Databases page (fleet)', () => {
  test.beforeEach(async ({ page, request }) => {
    // The first test may wait for the demo's first background refresh.
    test.setTimeout(600_000);
    await readyFleet(request);
    await pinBrowserClockToDemo(page, request);
    await signIn(page);
  });

  test('fleet: lists the demo databases and the unowned one, riskiest first, with the counts', async ({
    page,
    request,
  }) => {
    const fleet = await fleetApi(request);
    // The backend's default order is risk: health levels never go back up the risk scale.
    const ranks = fleet.items.map(r => RISK.indexOf(r.health));
    expect(ranks.every(r => r >= 0)).toBe(true);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const unowned = fleet.items.find(r => r.databaseId === UNOWNED_ID)!;
    expect(unowned.entityRef).toBeUndefined();
    expect(unowned.owner).toBeUndefined();

    await openFleet(page);
    // The page shows exactly that order (risk by default, no column sorted).
    await expect.poll(() => shownRows(page)).toEqual(asShown(fleet));
    const shownRanks = (await shownRows(page)).map(r =>
      RISK.indexOf(r.health as Level),
    );
    expect(shownRanks).toEqual([...shownRanks].sort((a, b) => a - b));
    // Counts per health at the top: the backend's.
    expect(await shownCounts(page)).toEqual(fleet.countsByHealth);
    await expect(page.getByTestId('fleet-counts')).toContainText(
      `${fleet.totalCount} in all`,
    );
    // Owned rows link; the unowned one says so.
    const unownedCell = page.locator(`[data-database-id="${UNOWNED_ID}"]`);
    await expect(unownedCell.getByTestId('unowned')).toHaveText('Unowned');
    await expect(unownedCell.getByRole('link')).toHaveCount(0);
    for (const id of DEMO_IDS) {
      await expect(
        page
          .locator(`[data-database-id="${id}"]`)
          .getByTestId('fleet-database-link'),
      ).toBeVisible();
    }
    await page.setViewportSize({ width: 1440, height: 1000 });
    await screenshot(page, 'fleet');
  });

  test('fleet: the health toggle and the provider and owner filters narrow the rows and counts', async ({
    page,
    request,
  }) => {
    const all = await fleetApi(request);
    // The most populated level among the rows (so the toggle really narrows something).
    const level = RISK.filter(l => all.countsByHealth[l] > 0).sort(
      (a, b) => all.countsByHealth[b] - all.countsByHealth[a],
    )[0];
    const byLevel = await fleetApi(request, { health: level });
    expect(byLevel.totalCount).toBeLessThan(all.totalCount);
    expect(byLevel.items.every(r => r.health === level)).toBe(true);

    await openFleet(page);
    await expect.poll(() => shownRows(page)).toEqual(asShown(all));
    const toggle = page.locator(`[data-health-count="${level}"]`);
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => shownRows(page)).toEqual(asShown(byLevel));
    // The counts ignore the health filter itself: the other levels stay selectable.
    expect(await shownCounts(page)).toEqual(byLevel.countsByHealth);

    // Provider: one that keeps some of the level's rows but not all (the backend decides which).
    let provider: string | undefined;
    let byProvider: Fleet | undefined;
    for (const candidate of new Set(
      byLevel.items.map(r => r.provider).filter((p): p is string => !!p),
    )) {
      const answer = await fleetApi(request, {
        health: level,
        provider: candidate,
      });
      if (answer.totalCount > 0 && answer.totalCount < byLevel.totalCount) {
        provider = candidate;
        byProvider = answer;
        break;
      }
    }
    expect(provider, `a provider narrowing the ${level} rows`).toBeDefined();
    await providerSelect(page).click();
    await page.getByRole('option', { name: provider!, exact: true }).click();
    await expect.poll(() => shownRows(page)).toEqual(asShown(byProvider!));
    await expect
      .poll(() => shownCounts(page))
      .toEqual(byProvider!.countsByHealth);
    // The counts follow the provider filter (they changed from the unfiltered ones).
    expect(byProvider!.countsByHealth).not.toEqual(all.countsByHealth);

    // Back to every provider and level, then an owner.
    await providerSelect(page).click();
    await page.getByRole('option', { name: 'Any', exact: true }).click();
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await expect.poll(() => shownRows(page)).toEqual(asShown(all));
    const owner = all.items.find(r => r.owner)!.owner!;
    const byOwner = await fleetApi(request, { owner });
    expect(byOwner.totalCount).toBeGreaterThan(0);
    expect(byOwner.totalCount).toBeLessThan(all.totalCount);
    const ownerInput = page.getByRole('textbox', {
      name: 'Owner',
      exact: true,
    });
    await ownerInput.fill(owner);
    await ownerInput.press('Enter');
    await expect.poll(() => shownRows(page)).toEqual(asShown(byOwner));
    await expect.poll(() => shownCounts(page)).toEqual(byOwner.countsByHealth);
  });

  test('fleet: sorting by a column changes the order, both directions', async ({
    page,
    request,
  }) => {
    const byRisk = await fleetApi(request);
    const ascending = await fleetApi(request, { sort: 'database' });
    const descending = await fleetApi(request, { sort: '-database' });
    // The demo's risk order is not its alphabetical order, so the click must change the rows.
    expect(asShown(ascending)).not.toEqual(asShown(byRisk));
    expect(ascending.items.map(r => r.databaseId)).toEqual(
      [...ascending.items.map(r => r.databaseId)].sort(),
    );

    await openFleet(page);
    await expect.poll(() => shownRows(page)).toEqual(asShown(byRisk));
    const header = page
      .getByRole('columnheader', { name: 'Database' })
      .locator('[role="button"]')
      .first();
    await header.click();
    await expect.poll(() => shownRows(page)).toEqual(asShown(ascending));
    await header.click();
    await expect.poll(() => shownRows(page)).toEqual(asShown(descending));
  });

  test("fleet: a row's database link leads to the entity's Backups tab", async ({
    page,
    request,
  }) => {
    const target = DEMO_DATABASE_EXPECTATIONS.find(
      d => d.entity === 'cnpg-main',
    )!;
    const id = `${KUBE}/${target.namespace}/${target.cluster}`;
    const path = await entityPath(request, target.entity);
    await openFleet(page);
    const link = page
      .locator(`[data-database-id="${id}"]`)
      .getByTestId('fleet-database-link');
    await expect(link).toHaveText(target.heading);
    await link.click();
    await expect(page).toHaveURL(new RegExp(`${path}/cnpg-backups$`));
    await expect(
      page
        .getByTestId('database-details')
        .filter({ has: page.getByRole('heading', { name: target.heading }) }),
    ).toBeVisible();
  });

  test("fleet: the unowned row's Claim… dialog shows the backend's annotation snippet, copyable", async ({
    page,
    context,
    request,
  }) => {
    const fleet = await fleetApi(request, { owned: 'false' });
    expect(fleet.items.map(r => r.databaseId)).toEqual([UNOWNED_ID]);
    const snippet = fleet.items[0].claimSnippet!;
    expect(snippet).toContain(
      `cnpg.io/cluster: ${KUBE}:analytics/reporting-db`,
    );

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openFleet(page);
    await page
      .getByRole('button', { name: 'Claim analytics/reporting-db' })
      .click();
    const dialog = page.getByRole('dialog', {
      name: 'Claim analytics/reporting-db',
    });
    await expect(dialog).toBeVisible();
    const shown = dialog.getByTestId('claim-snippet');
    await expect(shown).toBeVisible();
    expect((await shown.locator('code, pre').first().innerText()).trim()).toBe(
      snippet.trim(),
    );
    expect(await seriousViolations(page, '[role="dialog"]')).toEqual([]);
    await screenshot(page, 'fleet-claim', dialog);

    await dialog.getByRole('button', { name: 'Copy text' }).click();
    // The clipboard holds the annotation (final line break aside).
    await expect
      .poll(async () =>
        (await page.evaluate(() => navigator.clipboard.readText())).trimEnd(),
      )
      .toBe(snippet.trimEnd());
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
  });

  // The three widths of issue 14, and a wide screen (every column shown from 1600 px).
  for (const width of [...WIDTHS, 1920]) {
    test(`fleet layout: no horizontal overflow at ${width} px, history panel open`, async ({
      page,
      request,
    }) => {
      const fleet = await fleetApi(request);
      await page.setViewportSize({ width, height: 1000 });
      await openFleet(page);
      await expect.poll(() => shownRows(page)).toEqual(asShown(fleet));
      expect(await overflowingBoxes(page), `fleet at ${width}`).toEqual([]);
      expect(
        await page.evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        ),
        `page wider than the ${width} px viewport`,
      ).toBeLessThanOrEqual(0);
      // A row's history (detail panel) fits too.
      await openHistory(page);
      expect(
        await overflowingBoxes(page),
        `fleet + history at ${width}`,
      ).toEqual([]);
      if (width === 768) await screenshot(page, 'fleet-768');
    });
  }

  test('fleet a11y: axe finds no serious or critical violation, light and dark', async ({
    page,
    request,
  }) => {
    const fleet = await fleetApi(request);
    await page.setViewportSize({ width: 1440, height: 1000 });
    await openFleet(page);
    await expect.poll(() => shownRows(page)).toEqual(asShown(fleet));
    expect(await seriousViolations(page, 'main')).toEqual([]);
    await openHistory(page);
    expect(await seriousViolations(page, 'main')).toEqual([]);

    await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
    await openFleet(page);
    await expect.poll(() => shownRows(page)).toEqual(asShown(fleet));
    const background = await page.evaluate(
      () => getComputedStyle(document.body).backgroundColor,
    );
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r + g + b).toBeLessThan(200);
    expect(await seriousViolations(page, 'main')).toEqual([]);
    await screenshot(page, 'fleet-dark');
  });
});
