import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  entityResponse,
  obotStatus,
  paymentsStatus,
} from '../__fixtures__/statuses';
import { mockCnpgApi, renderOnEntityPage } from '../__testUtils__/testApp';
import {
  useEntityBackupStatus,
  type EntityBackupStatusState,
} from './useEntityBackupStatus';

let state: EntityBackupStatusState | undefined;

function Probe() {
  state = useEntityBackupStatus();
  return (
    <div>
      <span data-testid="ids">
        {state.response?.databases.map(d => d.id).join(',') ?? ''}
      </span>
      <span data-testid="loading">{String(state.loading)}</span>
      <span data-testid="error">{state.error?.message ?? ''}</span>
      <button onClick={state.retry}>retry</button>
    </div>
  );
}

describe('useEntityBackupStatus', () => {
  it('loads the status of the entity on the page', async () => {
    const api = mockCnpgApi();
    api.getEntityStatus.mockResolvedValue(entityResponse([obotStatus]));
    await renderOnEntityPage(<Probe />, { api });
    await waitFor(() =>
      expect(screen.getByTestId('ids')).toHaveTextContent(obotStatus.id),
    );
    expect(state?.entityRef).toBe('component:default/obot');
    expect(api.getEntityStatus).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'obot',
    });
  });

  it('shows a fresher status handed to update until retry reloads', async () => {
    const api = mockCnpgApi();
    api.getEntityStatus
      .mockResolvedValueOnce(entityResponse([obotStatus]))
      .mockResolvedValueOnce(entityResponse([obotStatus]));
    await renderOnEntityPage(<Probe />, { api });
    await waitFor(() =>
      expect(screen.getByTestId('ids')).toHaveTextContent(obotStatus.id),
    );
    act(() => state!.update(entityResponse([paymentsStatus])));
    expect(screen.getByTestId('ids')).toHaveTextContent(paymentsStatus.id);
    await userEvent.click(screen.getByRole('button', { name: 'retry' }));
    await waitFor(() =>
      expect(screen.getByTestId('ids')).toHaveTextContent(obotStatus.id),
    );
    expect(api.getEntityStatus).toHaveBeenCalledTimes(2);
  });

  it('reports errors, and a fresher status clears them', async () => {
    const api = mockCnpgApi();
    api.getEntityStatus.mockRejectedValue(new Error('backend down'));
    await renderOnEntityPage(<Probe />, { api });
    await waitFor(() =>
      expect(screen.getByTestId('error')).toHaveTextContent('backend down'),
    );
    act(() => state!.update(entityResponse([paymentsStatus])));
    expect(screen.getByTestId('error')).toHaveTextContent('');
    expect(screen.getByTestId('loading')).toHaveTextContent('false');
  });
});
