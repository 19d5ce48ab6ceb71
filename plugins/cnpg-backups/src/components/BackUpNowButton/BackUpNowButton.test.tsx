import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  DatabaseStatus,
  ReconciledBackup,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  entityResponse,
  paymentsStatus,
  withBackendFacts,
} from '../../__fixtures__/statuses';
import { mockCnpgApi, renderOnEntityPage } from '../../__testUtils__/testApp';
import { BackUpNowButton } from './BackUpNowButton';

const created = 'payments-db-on-demand-x7k2p';

async function clickBackUpNow() {
  const button = await screen.findByRole('button', { name: 'Back up now' });
  // The permission check resolves asynchronously: the button is disabled until then.
  await waitFor(() => expect(button).toBeEnabled());
  await userEvent.click(button);
}

function withBackup(phase: string, bucketDone = false): DatabaseStatus {
  const backup: ReconciledBackup = {
    id: bucketDone ? '20261122T010000' : created,
    presence: bucketDone ? 'both' : 'cr-only',
    resource: {
      name: created,
      phase,
      backupId: bucketDone ? '20261122T010000' : undefined,
    },
    bucket: bucketDone
      ? { ...paymentsStatus.backups[2].bucket!, id: '20261122T010000' }
      : undefined,
  };
  return withBackendFacts({
    ...paymentsStatus,
    backups: [...paymentsStatus.backups, backup],
  });
}

describe('BackUpNowButton', () => {
  it('confirms with the cluster, namespace and Kubernetes cluster, then follows the backup', async () => {
    const api = mockCnpgApi();
    api.createBackup.mockResolvedValue({
      backup: { name: created, phase: 'pending' },
      namespace: 'payments',
      kubernetesCluster: 'demo',
    });
    api.getEntityStatus
      .mockResolvedValueOnce(entityResponse([withBackup('running')]))
      .mockResolvedValueOnce(entityResponse([withBackup('completed', true)]));
    const onStatus = jest.fn();
    await renderOnEntityPage(
      <BackUpNowButton
        entityRef="component:default/payments"
        database={paymentsStatus}
        onStatus={onStatus}
        pollIntervalMs={5}
      />,
      { api },
    );
    await clickBackUpNow();
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent(
      'This creates a Backup of the CNPG cluster payments-db in namespace payments on Kubernetes cluster demo',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Create backup' }),
    );
    expect(api.createBackup).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
      kubernetesCluster: 'demo',
      namespace: 'payments',
      cluster: 'payments-db',
    });
    await waitFor(() =>
      expect(screen.getByTestId('backup-progress')).toHaveTextContent(
        `Backup ${created} completed (20261122T010000).`,
      ),
    );
    expect(api.getEntityStatus).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'payments' },
      { refresh: true },
    );
    expect(onStatus).toHaveBeenCalledTimes(2);
  });

  it('shows a failed backup with the operator error', async () => {
    const api = mockCnpgApi();
    api.createBackup.mockResolvedValue({
      backup: { name: created },
      namespace: 'payments',
      kubernetesCluster: 'demo',
    });
    const failed = withBackup('failed');
    failed.backups[failed.backups.length - 1].resource!.error = 'exit status 4';
    api.getEntityStatus.mockResolvedValue(entityResponse([failed]));
    await renderOnEntityPage(
      <BackUpNowButton
        entityRef="component:default/payments"
        database={paymentsStatus}
        pollIntervalMs={5}
      />,
      { api },
    );
    await clickBackUpNow();
    await userEvent.click(
      screen.getByRole('button', { name: 'Create backup' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('backup-progress')).toHaveTextContent(
        `Backup ${created} failed: exit status 4`,
      ),
    );
  });

  it('reports a rejected creation', async () => {
    const api = mockCnpgApi();
    api.createBackup.mockRejectedValue(
      new Error('Request failed with 409 Conflict'),
    );
    await renderOnEntityPage(
      <BackUpNowButton
        entityRef="component:default/payments"
        database={paymentsStatus}
        pollIntervalMs={5}
      />,
      { api },
    );
    await clickBackUpNow();
    await userEvent.click(
      screen.getByRole('button', { name: 'Create backup' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('backup-progress')).toHaveTextContent(
        '409 Conflict',
      ),
    );
    expect(api.getEntityStatus).not.toHaveBeenCalled();
  });

  it('names the pending Backup when the backend answers 409', async () => {
    const api = mockCnpgApi();
    api.createBackup.mockRejectedValue(
      Object.assign(new Error('Request failed with 409 Conflict'), {
        statusCode: 409,
        body: {
          error: {
            name: 'ConflictError',
            message:
              'Backup payments-db-manual-20250610120000 of payments/payments-db is still running: wait for it to complete (or fail) before starting another',
          },
        },
      }),
    );
    await renderOnEntityPage(
      <BackUpNowButton
        entityRef="component:default/payments"
        database={paymentsStatus}
        pollIntervalMs={5}
      />,
      { api },
    );
    await clickBackUpNow();
    await userEvent.click(
      screen.getByRole('button', { name: 'Create backup' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('backup-progress')).toHaveTextContent(
        'Not started: Backup payments-db-manual-20250610120000 of payments/payments-db is still running',
      ),
    );
  });

  it('gives up following after the maximum number of polls', async () => {
    const api = mockCnpgApi();
    api.createBackup.mockResolvedValue({
      backup: { name: created, phase: 'pending' },
      namespace: 'payments',
      kubernetesCluster: 'demo',
    });
    api.getEntityStatus.mockResolvedValue(
      entityResponse([withBackup('running')]),
    );
    await renderOnEntityPage(
      <BackUpNowButton
        entityRef="component:default/payments"
        database={paymentsStatus}
        pollIntervalMs={2}
        maxPolls={3}
      />,
      { api },
    );
    await clickBackUpNow();
    await userEvent.click(
      screen.getByRole('button', { name: 'Create backup' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('backup-progress')).toHaveTextContent(
        'is still running',
      ),
    );
    expect(api.getEntityStatus).toHaveBeenCalledTimes(3);
  });
});
