import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  immichStatus,
  paymentsStatus,
  platformStatus,
} from '../../__fixtures__/statuses';
import { SchedulesPanel } from './SchedulesPanel';
import { pinClock } from '../../__testUtils__/clock';

describe('SchedulesPanel', () => {
  pinClock();

  it('explains a 5-field cron the way CNPG reads it and flags it overdue', async () => {
    await renderInTestApp(
      <SchedulesPanel schedules={platformStatus.schedules} />,
    );
    expect(screen.getByText('0 2 * * *')).toBeInTheDocument();
    expect(
      screen.getByText(
        /CNPG runs it: At 0 seconds past the minute, at 2 minutes past the hour/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('5 fields (CNPG expects 6, seconds first)'),
    ).toBeInTheDocument();
    expect(screen.getByText('overdue')).toBeInTheDocument();
    expect(screen.getByTestId('schedule')).toHaveTextContent(
      /Next run: .*in 18 minutes/,
    );
  });

  it('shows a suspended schedule without a next run', async () => {
    await renderInTestApp(
      <SchedulesPanel schedules={immichStatus.schedules} />,
    );
    expect(screen.getByText('suspended')).toBeInTheDocument();
    expect(screen.getByTestId('schedule')).toHaveTextContent(
      'Next run: none (suspended)',
    );
  });

  it('shows a healthy schedule and the empty case', async () => {
    await renderInTestApp(
      <SchedulesPanel schedules={paymentsStatus.schedules} />,
    );
    expect(
      screen.getByText('CNPG runs it: At 02:00:00 every day'),
    ).toBeInTheDocument();
    expect(screen.getByText('immediate')).toBeInTheDocument();
    await renderInTestApp(<SchedulesPanel schedules={[]} />);
    expect(screen.getByText(/No ScheduledBackup/)).toBeInTheDocument();
  });
});
