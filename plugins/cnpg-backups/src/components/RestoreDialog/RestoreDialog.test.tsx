import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router-dom';
import { cnpgMainStatus } from '../../__fixtures__/statuses';
import { mockCnpgApi, renderOnEntityPage } from '../../__testUtils__/testApp';
import { RestoreDialog } from './RestoreDialog';

function TemplatePage() {
  const location = useLocation();
  const formData = JSON.parse(
    new URLSearchParams(location.search).get('formData') ?? '{}',
  );
  return <pre data-testid="template">{JSON.stringify(formData)}</pre>;
}

async function renderDialog(
  initialTarget?: Parameters<typeof RestoreDialog>[0]['initialTarget'],
) {
  await renderOnEntityPage(
    <Routes>
      <Route
        path="/"
        element={
          <RestoreDialog
            open
            onClose={jest.fn()}
            entityRef="component:default/cnpg-main"
            database={cnpgMainStatus}
            initialTarget={initialTarget}
          />
        }
      />
      <Route
        path="/create/templates/default/restore-cnpg-database"
        element={<TemplatePage />}
      />
    </Routes>,
    { api: mockCnpgApi() },
  );
}

function templateData() {
  return JSON.parse(screen.getByTestId('template').textContent!);
}

describe('RestoreDialog', () => {
  it('opens the template pre-filled for the latest point', async () => {
    await renderDialog();
    await userEvent.click(
      screen.getByRole('button', { name: 'Open recovery template' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('template')).toBeInTheDocument(),
    );
    expect(templateData()).toEqual({
      entityRef: 'component:default/cnpg-main',
      kubernetesCluster: 'demo',
      namespace: 'apps',
      cluster: 'cnpg-main',
      serverName: 'cnpg-main',
      targetKind: 'latest',
    });
  });

  it('pre-selects the backup chosen in the table', async () => {
    const backupId = cnpgMainStatus.backups[0].id;
    await renderDialog({ kind: 'backup', backupId });
    expect(screen.getByRole('radio', { name: /A base backup/ })).toBeChecked();
    await userEvent.click(
      screen.getByRole('button', { name: 'Open recovery template' }),
    );
    await waitFor(() =>
      expect(templateData()).toMatchObject({ targetKind: 'backup', backupId }),
    );
  });

  it('names the backup picker with its label and the chosen backup (visible text in the name)', async () => {
    const backupId = cnpgMainStatus.backups[0].id;
    await renderDialog({ kind: 'backup', backupId });
    expect(
      screen.getByRole('button', {
        name: new RegExp(`^Backup ${backupId} — ended `),
      }),
    ).toBeInTheDocument();
  });

  it('turns a local point in time into UTC and warns outside the window', async () => {
    const inside = new Date(
      Date.parse(cnpgMainStatus.recoveryWindow.effective.to!) - 3600_000,
    );
    inside.setMilliseconds(0);
    await renderDialog({ kind: 'time', targetTime: inside.toISOString() });
    const input = screen.getByLabelText('Target time') as HTMLInputElement;
    expect(input.value).not.toBe('');
    expect(
      screen.queryByText(/outside the recovery window/),
    ).not.toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Open recovery template' }),
    );
    await waitFor(() =>
      expect(templateData()).toMatchObject({
        targetKind: 'time',
        targetTime: inside.toISOString(),
      }),
    );
  });

  it('warns about a time outside the recovery window', async () => {
    await renderDialog({ kind: 'time', targetTime: '2001-01-01T00:00:00Z' });
    expect(screen.getByText(/outside the recovery window/)).toBeInTheDocument();
  });
});
