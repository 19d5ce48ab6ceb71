import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { immichStatus, platformStatus } from '../../__fixtures__/statuses';
import { ArchivePanel } from './ArchivePanel';

describe('ArchivePanel', () => {
  it('shows the ObjectStore, provider, compression, retention and secret references', async () => {
    await renderInTestApp(
      <ArchivePanel archive={platformStatus.archive} recoverySources={[]} />,
    );
    expect(
      screen.getByText(
        'ObjectStore r2-store (Barman Cloud plugin, WAL archiver)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Cloudflare R2')).toBeInTheDocument();
    expect(screen.getByText('s3://platform-backups/cnpg')).toBeInTheDocument();
    expect(screen.getByText('30d')).toBeInTheDocument();
    expect(
      screen.getByText(
        'access key: Secret cnpg-r2-secret, key ACCESS_KEY_ID; secret key: Secret cnpg-r2-secret, key ACCESS_SECRET_KEY',
      ),
    ).toBeInTheDocument();
  });

  it('names the legacy form and the recovery sources', async () => {
    await renderInTestApp(
      <ArchivePanel
        archive={immichStatus.archive}
        recoverySources={immichStatus.recoverySources}
      />,
    );
    expect(
      screen.getByText('spec.backup.barmanObjectStore (in-tree, deprecated)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/immich-database-v1 → serverName immich-database-v1/),
    ).toBeInTheDocument();
  });

  it('explains a missing archive', async () => {
    await renderInTestApp(<ArchivePanel recoverySources={[]} />);
    expect(screen.getByText(/No archive configured/)).toBeInTheDocument();
  });
});
