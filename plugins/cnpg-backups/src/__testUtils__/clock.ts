/*
 * Pins the wall clock of a test file: only `Date` is faked (timers, microtasks and animation
 * frames stay real, so msw, React and user-event behave as usual). Relative texts ("3 hours
 * ago") and fixtures built around FIXTURE_NOW then read the same at any hour, date or zone.
 */
import { FIXTURE_NOW } from '../__fixtures__/statuses';

const REAL_TIMERS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

/** Sets `Date.now()` to `now` until {@link unpinClock}. */
export function pinClockAt(now: number): void {
  jest.useFakeTimers({ now, doNotFake: [...REAL_TIMERS] });
}

/** Restores the real clock. */
export function unpinClock(): void {
  jest.useRealTimers();
}

/** Pins `Date.now()` to `now` (default FIXTURE_NOW) for every test of the calling file. */
export function pinClock(now: number = FIXTURE_NOW): void {
  beforeEach(() => pinClockAt(now));
  afterEach(() => unpinClock());
}
