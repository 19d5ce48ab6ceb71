/*
 * Separate file on purpose: usePermission caches decisions (SWR, keyed by permission and
 * resourceRef) for the lifetime of the module registry, i.e. one test file. Each test below uses
 * its own entity ref so no decision leaks from one test into another.
 */
import { screen, waitFor } from '@testing-library/react';
import {
  AuthorizeResult,
  type EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { cnpgBackupsBackupCreatePermission } from '@cnpg-backups/plugin-cnpg-backups-common';
import { paymentsStatus } from '../../__fixtures__/statuses';
import { mockCnpgApi, renderOnEntityPage } from '../../__testUtils__/testApp';
import { BackUpNowButton } from './BackUpNowButton';

/** A policy like the portal's: backup.create only on the entity the user owns. */
const ownsOnly = (ownedRef: string) => (request: EvaluatePermissionRequest) =>
  request.permission.name === cnpgBackupsBackupCreatePermission.name &&
  'resourceRef' in request &&
  request.resourceRef === ownedRef
    ? AuthorizeResult.ALLOW
    : AuthorizeResult.DENY;

describe('BackUpNowButton permission', () => {
  it('is disabled with the reason, and never creates a backup, on an entity the user does not own', async () => {
    const api = mockCnpgApi();
    await renderOnEntityPage(
      <BackUpNowButton
        entityRef="component:default/payments"
        database={paymentsStatus}
      />,
      { api, permission: ownsOnly('component:default/someone-elses') },
    );
    const button = await screen.findByRole('button', { name: 'Back up now' });
    // Let the permission decision arrive, then check it still is disabled.
    await waitFor(() =>
      expect(button.closest('span')).toHaveAttribute(
        'title',
        "You are not allowed to back up this entity's databases (its owners and admins are)",
      ),
    );
    expect(button).toBeDisabled();
    expect(api.createBackup).not.toHaveBeenCalled();
  });

  it('asks about this entity (resourceRef = its ref): enabled on an entity the user owns', async () => {
    const authorize = jest.fn(ownsOnly('component:default/orders'));
    await renderOnEntityPage(
      <BackUpNowButton
        entityRef="component:default/orders"
        database={paymentsStatus}
      />,
      { api: mockCnpgApi(), permission: authorize },
    );
    const button = await screen.findByRole('button', { name: 'Back up now' });
    await waitFor(() => expect(button).toBeEnabled());
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: cnpgBackupsBackupCreatePermission,
        resourceRef: 'component:default/orders',
      }),
    );
  });
});
