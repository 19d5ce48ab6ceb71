import { screen, waitFor } from '@testing-library/react';
import { ResponseError } from '@backstage/errors';
import {
  brokenStatus,
  cnpgMainStatus,
  entityResponse,
  obotStatus,
} from '../../__fixtures__/statuses';
import {
  cnpgEntity,
  mockCnpgApi,
  renderOnEntityPage,
} from '../../__testUtils__/testApp';
import { EntityCnpgBackupsCard } from './EntityCnpgBackupsCard';

describe('EntityCnpgBackupsCard', () => {
  it('shows one section per database and links to the tab', async () => {
    const api = mockCnpgApi();
    api.getEntityStatus.mockResolvedValue(
      entityResponse([obotStatus, cnpgMainStatus]),
    );
    await renderOnEntityPage(<EntityCnpgBackupsCard />, { api });
    await waitFor(() =>
      expect(screen.getAllByTestId('database-summary')).toHaveLength(2),
    );
    expect(api.getEntityStatus).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'obot',
    });
    expect(
      screen.getByRole('heading', { name: 'obot/obot-db' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'apps/cnpg-main' }),
    ).toBeInTheDocument();
    expect(screen.getByText('View backups').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/component/obot/cnpg-backups',
    );
  });

  it('keeps the other databases when one has errors', async () => {
    const api = mockCnpgApi();
    api.getEntityStatus.mockResolvedValue({
      ...entityResponse([brokenStatus, cnpgMainStatus]),
      errors: [
        {
          source: 'kubernetes',
          name: 'KubernetesUnauthorized',
          message: '401 from staging',
          target: 'staging',
        },
      ],
    });
    await renderOnEntityPage(<EntityCnpgBackupsCard />, { api });
    await waitFor(() =>
      expect(screen.getAllByTestId('database-summary')).toHaveLength(2),
    );
    const errors = screen
      .getAllByTestId('source-error')
      .map(e => e.textContent);
    expect(errors).toEqual([
      expect.stringContaining('KubernetesUnauthorized'),
      expect.stringContaining('AccessDenied'),
    ]);
    expect(
      screen.getByText(/Timeline 1 misses 3 WAL segments/),
    ).toBeInTheDocument();
  });

  it('shows the error panel when the request fails', async () => {
    const api = mockCnpgApi();
    const response = new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message: 'Denied' },
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'content-type': 'application/json' },
      },
    );
    api.getEntityStatus.mockRejectedValue(
      await ResponseError.fromResponse(response as any),
    );
    await renderOnEntityPage(<EntityCnpgBackupsCard />, { api });
    await waitFor(() =>
      expect(screen.getByText(/Request failed with 403/)).toBeInTheDocument(),
    );
  });

  it('shows an empty state when no cluster is found', async () => {
    const api = mockCnpgApi();
    api.getEntityStatus.mockResolvedValue(entityResponse([]));
    await renderOnEntityPage(<EntityCnpgBackupsCard />, { api });
    await waitFor(() =>
      expect(screen.getByText('No CNPG cluster found')).toBeInTheDocument(),
    );
  });

  it('does not call the backend for an entity without the annotation', async () => {
    const api = mockCnpgApi();
    const entity = cnpgEntity();
    entity.metadata.annotations = {};
    await renderOnEntityPage(<EntityCnpgBackupsCard />, { api, entity });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(api.getEntityStatus).not.toHaveBeenCalled();
  });
});
