/*
 * "Restore…" is gated by cnpg-backups.recovery.create on the entity (resourceRef = its ref).
 * Each test uses its own entity ref: usePermission caches decisions per permission + resourceRef.
 */
import { screen, waitFor } from '@testing-library/react';
import {
  AuthorizeResult,
  type EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { cnpgBackupsRecoveryCreatePermission } from '@cnpg-backups/plugin-cnpg-backups-common';
import { paymentsStatus } from '../../__fixtures__/statuses';
import { mockCnpgApi, renderOnEntityPage } from '../../__testUtils__/testApp';
import { DatabaseDetails } from './DatabaseDetails';

/** A policy like the portal's: recovery.create only on the entity the user owns. */
const ownsOnly = (ownedRef: string) => (request: EvaluatePermissionRequest) =>
  request.permission.name === cnpgBackupsRecoveryCreatePermission.name &&
  'resourceRef' in request &&
  request.resourceRef === ownedRef
    ? AuthorizeResult.ALLOW
    : AuthorizeResult.DENY;

// The whole tab section renders (table, lazy chart): slow on a loaded 2-core machine.
jest.setTimeout(30_000);
const slow = { timeout: 10_000 };

const restorable = paymentsStatus.backups.filter(
  b => b.bucket?.restorable,
).length;

describe('DatabaseDetails "Restore…" permission', () => {
  it('has restorable backups in its fixture (so the row buttons below can appear)', () => {
    expect(restorable).toBeGreaterThan(0);
  });

  it('is disabled with the reason, without row restore buttons, on an entity the user does not own', async () => {
    await renderOnEntityPage(
      <DatabaseDetails
        entityRef="component:default/payments"
        database={paymentsStatus}
      />,
      {
        api: mockCnpgApi(),
        permission: ownsOnly('component:default/someone-elses'),
      },
    );
    const button = await screen.findByRole('button', { name: 'Restore…' });
    await waitFor(
      () =>
        expect(button.closest('span')).toHaveAttribute(
          'title',
          "You are not allowed to restore this entity's databases (its owners and admins are)",
        ),
      slow,
    );
    expect(button).toBeDisabled();
    expect(
      screen.queryAllByRole('button', { name: /^Restore from / }),
    ).toHaveLength(0);
  });

  it('is enabled, with a restore button per restorable backup, on an entity the user owns', async () => {
    const authorize = jest.fn(ownsOnly('component:default/orders'));
    await renderOnEntityPage(
      <DatabaseDetails
        entityRef="component:default/orders"
        database={paymentsStatus}
      />,
      { api: mockCnpgApi(), permission: authorize },
    );
    const button = await screen.findByRole('button', { name: 'Restore…' });
    await waitFor(() => expect(button).toBeEnabled(), slow);
    expect(
      await screen.findAllByRole('button', { name: /^Restore from / }, slow),
    ).toHaveLength(restorable);
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: cnpgBackupsRecoveryCreatePermission,
        resourceRef: 'component:default/orders',
      }),
    );
  });
});
