import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { immichStatus } from '../../__fixtures__/statuses';
import { LineagePanel } from './LineagePanel';

describe('LineagePanel', () => {
  it('shows each serverName with its role', async () => {
    await renderInTestApp(<LineagePanel lineage={immichStatus.lineage} />);
    const rows = screen.getAllByTestId('lineage-entry');
    expect(rows[0]).toHaveTextContent(
      'immich-database-v1recovery source (externalClusters)12',
    );
    expect(rows[1]).toHaveTextContent('immich-database-v2archiving now1');
  });

  it('explains an empty lineage', async () => {
    await renderInTestApp(<LineagePanel lineage={[]} />);
    expect(screen.getByText(/No serverName found/)).toBeInTheDocument();
  });
});
