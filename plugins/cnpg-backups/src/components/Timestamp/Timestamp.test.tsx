import { render, screen } from '@testing-library/react';
import { Timestamp } from './Timestamp';

describe('Timestamp', () => {
  it('shows local and relative time with UTC in the title', () => {
    const iso = new Date(Date.now() - 3 * 3600 * 1000).toISOString();
    render(<Timestamp value={iso} />);
    const element = screen.getByText(/3 hours ago/);
    expect(element.tagName).toBe('TIME');
    expect(element.getAttribute('title')).toMatch(/ UTC$/);
    expect(element.getAttribute('datetime')).toBe(iso);
  });

  it('shows only the relative text when asked', () => {
    const iso = new Date(Date.now() + 2 * 3600 * 1000 + 60_000).toISOString();
    render(<Timestamp value={iso} variant="relative" />);
    expect(screen.getByText('in 2 hours')).toBeInTheDocument();
  });

  it('shows the fallback for a missing or invalid value', () => {
    render(<Timestamp value="nope" fallback="never" />);
    expect(screen.getByText('never')).toBeInTheDocument();
  });
});
