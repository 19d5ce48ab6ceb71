import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { HealthIndicator } from './HealthIndicator';

describe('HealthIndicator', () => {
  it.each([
    ['ok', 'OK'],
    ['warning', 'Warning'],
    ['error', 'Error'],
    ['unknown', 'Unknown'],
  ] as const)('renders the %s light with its label', async (level, label) => {
    await renderInTestApp(<HealthIndicator level={level} />);
    const element = screen.getByText(label);
    expect(element).toHaveAttribute('data-health', level);
  });

  it('labels the light with its text for assistive technology', async () => {
    await renderInTestApp(
      <HealthIndicator level="error">WAL archiving failing</HealthIndicator>,
    );
    expect(
      screen.getByLabelText('Error: WAL archiving failing'),
    ).toBeInTheDocument();
  });
});
