import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import {
  cnpgMainStatus,
  FIXTURE_NOW,
  obotStatus,
  platformStatus,
} from '../../__fixtures__/statuses';
import { BackupTimelineChart } from './BackupTimelineChart';

describe('BackupTimelineChart', () => {
  it('draws backups, WAL bands and the gap, and lists them in words', async () => {
    const { container } = await renderInTestApp(
      <BackupTimelineChart
        database={cnpgMainStatus}
        width={800}
        height={240}
        now={FIXTURE_NOW}
      />,
    );
    expect(
      container.querySelectorAll('.recharts-reference-area').length,
    ).toBeGreaterThanOrEqual(5);
    expect(container.querySelectorAll('.recharts-scatter-symbol')).toHaveLength(
      2,
    );
    const legend = screen.getByTestId('timeline-legend');
    expect(legend).toHaveTextContent('(2 separate ranges)');
    expect(legend).toHaveTextContent('Timeline 1: Gap: 3 segments missing');
    expect(legend).toHaveTextContent(
      'Next scheduled backup (cnpg-main-backup)',
    );
    expect(screen.getByText('WAL timeline 1')).toBeInTheDocument();
  });

  it('names every backup symbol for assistive technology (axe svg-img-alt)', async () => {
    const { container } = await renderInTestApp(
      <BackupTimelineChart
        database={cnpgMainStatus}
        width={800}
        height={240}
        now={FIXTURE_NOW}
      />,
    );
    const symbols = Array.from(
      container.querySelectorAll('g.recharts-scatter-symbol[role="img"]'),
    );
    expect(symbols).toHaveLength(2);
    for (const symbol of symbols) {
      expect(symbol.getAttribute('aria-label')).toMatch(/^Backup \S+/);
    }
  });

  it('counts failed backups and reports no window when there is none', async () => {
    await renderInTestApp(
      <BackupTimelineChart
        database={obotStatus}
        width={800}
        now={FIXTURE_NOW}
      />,
    );
    expect(screen.getByTestId('timeline-legend')).toHaveTextContent(
      'Base backups: 3 (2 failed or missing in the bucket, in red)',
    );
    await renderInTestApp(
      <BackupTimelineChart
        database={platformStatus}
        width={800}
        now={FIXTURE_NOW}
      />,
    );
    expect(screen.getAllByTestId('timeline-legend')[1]).toHaveTextContent(
      'Recovery window: none',
    );
  });

  it('reports the clicked backup', async () => {
    const onPickBackup = jest.fn();
    const { container } = await renderInTestApp(
      <BackupTimelineChart
        database={cnpgMainStatus}
        width={800}
        now={FIXTURE_NOW}
        onPickBackup={onPickBackup}
      />,
    );
    const marks = container.querySelectorAll('.recharts-scatter-symbol');
    fireEvent.click(marks[1]);
    expect(onPickBackup).toHaveBeenCalledWith(cnpgMainStatus.backups[1].id);
  });
});
