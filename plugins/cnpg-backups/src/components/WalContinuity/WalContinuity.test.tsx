import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  cnpgMainStatus,
  immichStatus,
  paymentsStatus,
} from '../../__fixtures__/statuses';
import { WalContinuity } from './WalContinuity';

describe('WalContinuity', () => {
  it('shows a gap with its segment range', async () => {
    await renderInTestApp(<WalContinuity catalog={cnpgMainStatus.catalog} />);
    const row = screen.getByTestId('wal-timeline-1');
    expect(row).toHaveTextContent(
      '3 missing: 000000010000000000000020 … 000000010000000000000022',
    );
    expect(screen.getByText(/WAL compression: zstd/)).toBeInTheDocument();
  });

  it('shows continuity, history file and partial segments of a later timeline', async () => {
    await renderInTestApp(<WalContinuity catalog={immichStatus.catalog} />);
    const row = screen.getByTestId('wal-timeline-2');
    expect(row).toHaveTextContent('from TL 1 at 0/30000A0');
    expect(row).toHaveTextContent('continuous');
    expect(row).toHaveTextContent('present');
    expect(row).toHaveTextContent('000000010000000000000030.partial');
  });

  it('explains a missing catalog', async () => {
    await renderInTestApp(<WalContinuity catalog={undefined} />);
    expect(screen.getByText(/could not be scanned/)).toBeInTheDocument();
    await renderInTestApp(
      <WalContinuity
        catalog={{
          ...paymentsStatus.catalog!,
          wal: { ...paymentsStatus.catalog!.wal, timelines: [] },
        }}
      />,
    );
    expect(screen.getByText('No WAL archived yet.')).toBeInTheDocument();
  });
});
