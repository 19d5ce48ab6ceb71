import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  cnpgMainStatus,
  paymentsStatus,
  platformStatus,
} from '../../__fixtures__/statuses';
import { RecoveryWindowSummary } from './RecoveryWindowSummary';
import { pinClock } from '../../__testUtils__/clock';

describe('RecoveryWindowSummary', () => {
  pinClock();

  it('shows the window with relative times and its basis', async () => {
    await renderInTestApp(
      <RecoveryWindowSummary window={paymentsStatus.recoveryWindow} />,
    );
    const text = screen.getByTestId('recovery-window').textContent;
    expect(text).toMatch(
      /Recoverable from .*\(2 days ago\) to .*\(4 minutes ago\)/,
    );
    expect(text).toContain('from the bucket');
    expect(
      screen.queryByTestId('recovery-window-disagreement'),
    ).not.toBeInTheDocument();
  });

  it('explains a disagreement and shows both sides in detail', async () => {
    await renderInTestApp(
      <RecoveryWindowSummary window={cnpgMainStatus.recoveryWindow} detailed />,
    );
    expect(
      screen.getByTestId('recovery-window-disagreement'),
    ).toHaveTextContent(/gap at 000000010000000000000020/);
    expect(
      screen.getByText(/Operator \(ObjectStore status\)/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/WAL 000000010000000000000050/),
    ).toBeInTheDocument();
  });

  it('says there is no window without a restorable backup', async () => {
    await renderInTestApp(
      <RecoveryWindowSummary window={platformStatus.recoveryWindow} />,
    );
    expect(screen.getByText(/No recovery window/)).toBeInTheDocument();
  });
});
