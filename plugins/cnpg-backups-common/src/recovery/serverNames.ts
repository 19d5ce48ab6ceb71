/*
 * serverName generations. A recovered cluster must archive to an EMPTY `<serverName>/wals/`
 * (barman-cloud-check-wal-archive fails with "Expected empty archive" otherwise), so each
 * recovery moves to the next generation of the name, keeping the operator's scheme:
 * `app-v1` → `app-v2`, `app-v9` → `app-v10`, and a name without `-v<N>` gets `-v2`
 * (`app` → `app-v2`: the unversioned name counts as generation 1).
 */
import { ServerNameConflictError } from './errors';
import { assertServerName } from './validation';

const GENERATION_SUFFIX = /^(.*)-v(\d+)$/;

/** Splits `app-v3` into `{ stem: 'app', generation: 3 }`; `app` is generation 1. @public */
export function parseServerNameGeneration(serverName: string): {
  stem: string;
  generation: number;
} {
  const match = GENERATION_SUFFIX.exec(serverName);
  if (match && match[1].length > 0) {
    return { stem: match[1], generation: Number(match[2]) };
  }
  return { stem: serverName, generation: 1 };
}

/** The next generation of a serverName: `app` → `app-v2`, `app-v9` → `app-v10`. @public */
export function nextServerNameGeneration(serverName: string): string {
  assertServerName(serverName);
  const { stem, generation } = parseServerNameGeneration(serverName);
  return `${stem}-v${generation + 1}`;
}

/** Options of {@link chooseNextServerName}. @public */
export interface ChooseNextServerNameOptions {
  /** The serverName the source archives to (what we recover from). */
  sourceServerName: string;
  /** serverNames that must not be used: non-empty folders, recovery sources, known lineage. */
  taken: Iterable<string>;
  /** How many generations to try before giving up. Default 100. */
  maxAttempts?: number;
}

/**
 * The first next-generation serverName that is not taken. Names are compared exactly
 * (Barman paths are case-sensitive).
 * @public
 */
export function chooseNextServerName(
  options: ChooseNextServerNameOptions,
): string {
  const taken = new Set(options.taken);
  taken.add(options.sourceServerName);
  const maxAttempts = options.maxAttempts ?? 100;
  let candidate = options.sourceServerName;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    candidate = nextServerNameGeneration(candidate);
    if (!taken.has(candidate)) {
      return candidate;
    }
  }
  throw new ServerNameConflictError(
    `No free serverName after ${maxAttempts} generations of "${options.sourceServerName}" (last tried "${candidate}")`,
  );
}
