/*
 * Minimal WAL segment arithmetic for drawing: turns a 24-hex segment name into a position on
 * its timeline. (The authoritative WAL rules live in the common package's domain core; the
 * chart only needs an ordering and distances.)
 */

/** A parsed WAL segment name. */
export interface WalSegment {
  timeline: number;
  /** Segment number counted from the start of the timeline's WAL (log * segmentsPerLog + seg). */
  position: number;
}

const SEGMENT_NAME = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/i;

/** Parses `TTTTTTTTLLLLLLLLSSSSSSSS`, or returns undefined for anything else. */
export function parseWalSegment(
  name: string | undefined,
  segmentSize = 16 * 1024 * 1024,
): WalSegment | undefined {
  const match = name ? SEGMENT_NAME.exec(name) : null;
  if (!match) {
    return undefined;
  }
  const segmentsPerLog = Math.max(1, Math.floor(0x100000000 / segmentSize));
  return {
    timeline: parseInt(match[1], 16),
    position: parseInt(match[2], 16) * segmentsPerLog + parseInt(match[3], 16),
  };
}
