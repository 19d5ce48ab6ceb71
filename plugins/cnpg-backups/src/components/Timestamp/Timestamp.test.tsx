import { render, screen } from '@testing-library/react';
import { Timestamp } from './Timestamp';
import { pinClockAt, unpinClock } from '../../__testUtils__/clock';

const HOUR = 3600 * 1000;

// Instants around midnight UTC, a month end and a daylight-saving change in Europe and the US:
// the relative text must not depend on which of them the test runs at.
const SWEEP = [
  '2026-12-04T23:55:00Z',
  '2026-01-01T00:30:00Z',
  '2026-03-29T01:30:00Z',
  '2026-11-01T06:15:00Z',
  '2026-06-30T12:00:00Z',
].map(iso => Date.parse(iso));

describe('Timestamp', () => {
  afterEach(() => unpinClock());

  it.each(SWEEP.map(now => [new Date(now).toISOString(), now]))(
    'shows local and relative time with UTC in the title (now %s)',
    (_label, now) => {
      pinClockAt(now as number);
      const iso = new Date((now as number) - 3 * HOUR).toISOString();
      render(<Timestamp value={iso} />);
      const element = screen.getByText(/3 hours ago/);
      expect(element.tagName).toBe('TIME');
      expect(element.getAttribute('title')).toMatch(/ UTC$/);
      expect(element.getAttribute('datetime')).toBe(iso);
    },
  );

  it.each(SWEEP.map(now => [new Date(now).toISOString(), now]))(
    'shows only the relative text when asked (now %s)',
    (_label, now) => {
      pinClockAt(now as number);
      const iso = new Date((now as number) + 2 * HOUR).toISOString();
      render(<Timestamp value={iso} variant="relative" />);
      expect(screen.getByText('in 2 hours')).toBeInTheDocument();
    },
  );

  it('shows the fallback for a missing or invalid value', () => {
    render(<Timestamp value="nope" fallback="never" />);
    expect(screen.getByText('never')).toBeInTheDocument();
  });
});
