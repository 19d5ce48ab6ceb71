/*
 * Separate file on purpose: usePermission caches decisions per permission (SWR) for the
 * lifetime of the module registry, i.e. one test file.
 */
import { screen, waitFor } from '@testing-library/react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { paymentsStatus } from '../../__fixtures__/statuses';
import { mockCnpgApi, renderOnEntityPage } from '../../__testUtils__/testApp';
import { BackUpNowButton } from './BackUpNowButton';

describe('BackUpNowButton without permission', () => {
  it('is disabled and never creates a backup', async () => {
    const api = mockCnpgApi();
    await renderOnEntityPage(
      <BackUpNowButton
        entityRef="component:default/payments"
        database={paymentsStatus}
      />,
      { api, permission: AuthorizeResult.DENY },
    );
    const button = await screen.findByRole('button', { name: 'Back up now' });
    // Let the permission decision arrive, then check it still is disabled.
    await waitFor(() =>
      expect(button.closest('span')).toHaveAttribute(
        'title',
        'You are not allowed to create backups',
      ),
    );
    expect(button).toBeDisabled();
    expect(api.createBackup).not.toHaveBeenCalled();
  });
});
