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

  it('gives assistive technology the level and the text, nothing aria-hidden', async () => {
    await renderInTestApp(
      <HealthIndicator level="error">WAL archiving failing</HealthIndicator>,
    );
    const text = screen.getByText('WAL archiving failing');
    expect(text).toHaveAttribute('data-health', 'error');
    // core-components' lights are aria-hidden with their children: the text must not be.
    expect(text.closest('[aria-hidden="true"]')).toBeNull();
    expect(text.closest('[aria-label]')).toBeNull();
    expect(text.parentElement).toHaveTextContent(
      'Error: WAL archiving failing',
    );
  });
});
