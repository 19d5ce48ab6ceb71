/*
 * The portal's permission policy seen from both sides (issue 10, point 3): the demo's "Visitor"
 * owns none of the demo databases, so "Back up now" and "Restore…" are disabled with the reason
 * and the API itself answers 403; the "Guest" owns them, so the same buttons are enabled and the
 * API lets the request through the permission check.
 */
import { expect, test, type Page } from '@playwright/test';
import {
  entityPath,
  pinBrowserClockToDemo,
  signIn,
  signInAsVisitor,
} from './helpers';

const ENTITY = 'payments';

/** Calls the API from inside the page with the signed-in session's own token. */
async function fromSession(
  page: Page,
  provider: 'guest' | 'visitor',
  call: { method: 'GET' | 'POST'; path: string; body?: unknown },
): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async ({ provider: id, call: c }) => {
      // The same refresh the app's sign-in makes: the session's Backstage token.
      const session = await fetch(`/api/auth/${id}/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      }).then(r => r.json());
      const response = await fetch(c.path, {
        method: c.method,
        headers: {
          Authorization: `Bearer ${session.backstageIdentity.token}`,
          'Content-Type': 'application/json',
        },
        body: c.body === undefined ? undefined : JSON.stringify(c.body),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body };
    },
    { provider, call },
  );
}

/** The entity's first database, read through the status API as that session. */
async function firstDatabase(
  page: Page,
  provider: 'guest' | 'visitor',
  path: string,
) {
  const [, , namespace, kind, name] = path.split('/');
  const status = await fromSession(page, provider, {
    method: 'GET',
    path: `/api/cnpg-backups/entities/${kind}/${namespace}/${name}/status`,
  });
  // Reading status is open to every signed-in user.
  expect(status.status).toBe(200);
  const cluster = status.body.databases[0].cluster;
  return {
    entityRef: `${kind}:${namespace}/${name}`,
    kubernetesCluster: cluster.kubernetesCluster as string,
    namespace: cluster.namespace as string,
    cluster: cluster.name as string,
  };
}

test.describe('Permission policy: owner and non-owner', () => {
  test.beforeEach(async ({ page, request }) => {
    await pinBrowserClockToDemo(page, request);
  });

  test('a non-owner sees Back up now and Restore… disabled and the API answers 403', async ({
    page,
    request,
  }) => {
    await signInAsVisitor(page);
    const path = await entityPath(request, ENTITY);
    await page.goto(`${path}/cnpg-backups`);

    const details = page.getByTestId('database-details').first();
    const backUp = details.getByRole('button', { name: 'Back up now' });
    const restore = details.getByRole('button', { name: 'Restore…' });
    await expect(backUp).toBeDisabled();
    await expect(restore).toBeDisabled();
    await expect(backUp.locator('xpath=..')).toHaveAttribute(
      'title',
      "You are not allowed to back up this entity's databases (its owners and admins are)",
    );
    await expect(restore.locator('xpath=..')).toHaveAttribute(
      'title',
      "You are not allowed to restore this entity's databases (its owners and admins are)",
    );
    await expect(
      details.getByRole('button', { name: /^Restore from / }),
    ).toHaveCount(0);

    // The API, not just the UI: a well-formed request for a real database of the entity.
    const database = await firstDatabase(page, 'visitor', path);
    const created = await fromSession(page, 'visitor', {
      method: 'POST',
      path: '/api/cnpg-backups/backups',
      body: database,
    });
    expect(created.status).toBe(403);
    expect(created.body.error.name).toBe('NotAllowedError');
    expect(created.body.error.message).toBe(
      `Permission cnpg-backups.backup.create denied on ${database.entityRef}`,
    );
  });

  test('the owner sees Back up now and Restore… enabled and passes the permission check', async ({
    page,
    request,
  }) => {
    await signIn(page);
    const path = await entityPath(request, ENTITY);
    await page.goto(`${path}/cnpg-backups`);

    const details = page.getByTestId('database-details').first();
    await expect(
      details.getByRole('button', { name: 'Back up now' }),
    ).toBeEnabled();
    await expect(
      details.getByRole('button', { name: 'Restore…' }),
    ).toBeEnabled();

    // Past the permission check without creating anything: for a cluster the entity does not
    // have, the service (after the permission check) refuses with its own ownership message.
    const database = await firstDatabase(page, 'guest', path);
    const response = await fromSession(page, 'guest', {
      method: 'POST',
      path: '/api/cnpg-backups/backups',
      body: { ...database, cluster: 'not-a-cluster-of-this-entity' },
    });
    expect(response.body.error.message).not.toMatch(/^Permission .* denied/);
    expect(response.body.error.message).toContain(
      `Entity ${database.entityRef} does not own CNPG cluster`,
    );
  });
});
