import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { cnpgMainStatus, obotStatus } from '../../__fixtures__/statuses';
import { getContrastRatio } from '@material-ui/core/styles';
import { DiagnosisList, readableOn } from './DiagnosisList';

describe('DiagnosisList', () => {
  it('shows the top findings with severity and counts the rest', async () => {
    await renderInTestApp(
      <DiagnosisList diagnoses={obotStatus.diagnoses} limit={1} />,
    );
    expect(screen.getByText(/boto3 ≥ 1.36/)).toBeInTheDocument();
    expect(
      screen.getByText('error').closest('[data-severity]'),
    ).toHaveAttribute('data-severity', 'error');
    expect(screen.getByText('and 1 more finding')).toBeInTheDocument();
    expect(screen.queryByText('Evidence')).not.toBeInTheDocument();
  });

  it('shows evidence, the fix and a copyable snippet in detailed mode', async () => {
    const { container } = await renderInTestApp(
      <DiagnosisList diagnoses={cnpgMainStatus.diagnoses} detailed />,
    );
    expect(screen.getAllByText('Evidence')).toHaveLength(2);
    expect(screen.getByText(/lists …1F then …23/)).toBeInTheDocument();
    expect(screen.getByText(/Take a new base backup now/)).toBeInTheDocument();
    expect(container.textContent).toContain(
      'generateName: cnpg-main-after-gap-',
    );
    expect(
      screen.getAllByRole('button', { name: /copy/i }).length,
    ).toBeGreaterThan(0);
  });

  it('says so when there is nothing to report', async () => {
    await renderInTestApp(<DiagnosisList diagnoses={[]} />);
    expect(screen.getByText('No findings.')).toBeInTheDocument();
  });

  it.each([
    '#f44336', // MUI error.main: white text is only 3.7:1
    '#e22134',
    '#ff9800',
    '#2196f3',
    '#90caf9',
    '#d32f2f',
    '#000000',
    '#ffffff',
  ])('severity chips keep WCAG AA contrast on %s', background => {
    expect(
      getContrastRatio(background, readableOn(background)),
    ).toBeGreaterThanOrEqual(4.5);
  });
});
