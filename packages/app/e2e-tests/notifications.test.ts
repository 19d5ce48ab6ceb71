/*
 * Issue 13, point 1: an owner is told when a database's backups break, in the portal.
 *
 * The demo's control routes (plugins/cnpg-backups-backend-module-demo/src/faults; demo only) inject a fault
 * into the healthy demo database "payments" (the simulated operator reports ContinuousArchiving=False) and
 * trigger the fleet refresh, whose snapshot listener notifies the entity's owner (group guests, of which the
 * demo's Guest is a member). The test then reads the notification on the notifications page: title naming
 * the database, critical severity, link to the Backups tab. Healing the fault (always, in `finally`, so the
 * files that run after this one see a healthy payments) sends the "recovered" one.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { entityPath, guestToken, screenshot, signIn } from './helpers';

const FAILING = 'Backups of payments/payments-db (demo) are failing';
const RECOVERED = 'Backups of payments/payments-db (demo) recovered';

type Notification = {
  id: string;
  read?: string | null;
  payload: {
    title: string;
    severity: string;
    link?: string;
    description?: string;
  };
};

/** The guest's CNPG notifications about payments-db (newest first). */
async function paymentsNotifications(
  request: APIRequestContext,
  token: string,
): Promise<Notification[]> {
  const response = await request.get(
    '/api/notifications/notifications?search=payments-db&limit=20',
    { headers: { Authorization: `Bearer ${token}` } },
  );
  expect(response.ok()).toBeTruthy();
  const body = (await response.json()) as { notifications: Notification[] };
  return body.notifications;
}

/**
 * Triggers the fleet refresh (a 409 says one is running: the next poll triggers again) until the guest has
 * a payments-db notification titled `title`.
 */
async function refreshUntilNotified(
  request: APIRequestContext,
  token: string,
  title: string,
): Promise<Notification> {
  let found: Notification | undefined;
  await expect
    .poll(
      async () => {
        const trigger = await request.post(
          '/api/cnpg-backups/demo/fleet/refresh',
          {
            headers: { Authorization: `Bearer ${token}` },
          },
        );
        found = (await paymentsNotifications(request, token)).find(
          n => n.payload.title === title,
        );
        // 202 triggered, 409 a refresh is running (the next poll triggers again); anything else shows here.
        return (
          found?.payload.title ?? `not yet (trigger: HTTP ${trigger.status()})`
        );
      },
      { timeout: 150_000, intervals: [3000, 5000, 5000, 10_000] },
    )
    .toBe(title);
  return found!;
}

async function setFault(
  request: APIRequestContext,
  token: string,
  on: boolean,
): Promise<number> {
  const headers = { Authorization: `Bearer ${token}` };
  const response = on
    ? await request.put('/api/cnpg-backups/demo/faults/payments', {
        headers,
        data: { fault: 'archiving-failing' },
      })
    : await request.delete('/api/cnpg-backups/demo/faults/payments', {
        headers,
      });
  return response.status();
}

test.describe('owner notifications', () => {
  test('a demo fault on payments notifies its owner in the portal (critical, linked to the Backups tab), and healing notifies recovery', async ({
    page,
    request,
  }) => {
    test.setTimeout(420_000);
    const tab = `${await entityPath(request, 'payments')}/cnpg-backups`;
    const token = await guestToken(request);
    // Nothing is failing on payments before the fault.
    expect(
      (await paymentsNotifications(request, token)).map(n => n.payload.title),
    ).not.toContain(FAILING);

    let healed = false;
    try {
      expect(await setFault(request, token, true)).toBe(200);
      const failing = await refreshUntilNotified(request, token, FAILING);
      expect(failing.payload.severity).toBe('critical');
      expect(failing.payload.link).toBe(tab);
      expect(failing.payload.description).toContain('Archiving failing');

      await signIn(page);
      await page.goto('/notifications');
      // Other demo databases notified too (five rows a page): narrow the table to this one.
      await page.getByPlaceholder('Filter').fill('payments-db');
      const title = page.getByRole('link', { name: FAILING });
      await expect(title).toBeVisible();
      await expect(title).toHaveAttribute('href', tab);
      const row = page.locator(`#notification-${failing.id}`);
      await expect(row).toContainText('Archiving failing');
      // Severity: the table's critical icon (Backstage's SeverityIcon, class SeverityIcon_critical…).
      await expect(row.locator('svg[class*="critical"]')).toBeVisible();
      await screenshot(page, 'notification-failing');
      // The link opens the database's Backups tab.
      await title.click();
      await expect(page).toHaveURL(new RegExp(`${tab}$`));

      expect(await setFault(request, token, false)).toBe(200);
      healed = true;
      const recovered = await refreshUntilNotified(request, token, RECOVERED);
      expect(recovered.payload.severity).toBe('low');
      await page.goto('/notifications');
      await page.getByPlaceholder('Filter').fill('payments-db');
      const recoveredTitle = page.getByRole('link', { name: RECOVERED });
      await expect(recoveredTitle).toBeVisible();
      await expect(page.locator(`#notification-${recovered.id}`)).toContainText(
        'Health is ok again (was error).',
      );
    } finally {
      // Whatever happened: payments healthy again for the files that run after this one, and the fleet
      // (and the status caches it refreshes) back to its state.
      if (!healed && (await setFault(request, token, false)) === 200) {
        await refreshUntilNotified(request, token, RECOVERED).catch(
          () => undefined,
        );
      }
    }
  });
});
