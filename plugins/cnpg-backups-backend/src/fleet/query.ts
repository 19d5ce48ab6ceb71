/*
 * `GET /fleet`: the checked query (every parameter a caller sends is checked and named when
 * wrong) and its application to the stored rows (filters, risk sort, counts, paging).
 */
import { InputError } from '@backstage/errors';
import {
  FLEET_HEALTH_LEVELS,
  FLEET_LIST_FILTERS,
  FLEET_SORT_KEYS,
  type FleetHealthLevel,
  type FleetPage,
  type FleetQuery,
  type FleetRow,
  type FleetSortKey,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** Default and largest page size of `GET /fleet`. */
export const FLEET_DEFAULT_LIMIT = 25;
export const FLEET_MAX_LIMIT = 500;
const MAX_VALUES = 50;
const MAX_VALUE_LENGTH = 256;

const KNOWN_PARAMS = new Set<string>([
  ...FLEET_LIST_FILTERS,
  'offset',
  'limit',
  'sort',
  'search',
  'owned',
]);

function single(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new InputError(`Invalid fleet query: "${name}" must be given once`);
  }
  if (value.length > MAX_VALUE_LENGTH) {
    throw new InputError(
      `Invalid fleet query: "${name}" is longer than ${MAX_VALUE_LENGTH} characters`,
    );
  }
  return value;
}

function list(name: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const raw = Array.isArray(value) ? value : [value];
  const values: string[] = [];
  for (const v of raw) {
    if (typeof v !== 'string') {
      throw new InputError(
        `Invalid fleet query: "${name}" must be a string or a comma-separated list`,
      );
    }
    for (const part of v.split(',')) {
      const trimmed = part.trim();
      if (trimmed === '') continue;
      if (trimmed.length > MAX_VALUE_LENGTH) {
        throw new InputError(
          `Invalid fleet query: a "${name}" value is longer than ${MAX_VALUE_LENGTH} characters`,
        );
      }
      values.push(trimmed);
    }
  }
  if (values.length > MAX_VALUES) {
    throw new InputError(
      `Invalid fleet query: "${name}" has more than ${MAX_VALUES} values`,
    );
  }
  return values.length ? values : undefined;
}

function integer(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = single(name, value);
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text)) {
    throw new InputError(
      `Invalid fleet query: "${name}" must be an integer from ${min} to ${max}, got "${text}"`,
    );
  }
  const n = Number(text);
  if (n < min || n > max) {
    throw new InputError(
      `Invalid fleet query: "${name}" must be an integer from ${min} to ${max}, got ${n}`,
    );
  }
  return n;
}

/** Checks the query of `GET /fleet`. @throws InputError naming the bad parameter */
export function parseFleetQuery(query: Record<string, unknown>): FleetQuery {
  for (const key of Object.keys(query)) {
    if (!KNOWN_PARAMS.has(key)) {
      throw new InputError(
        `Invalid fleet query: unknown parameter "${key}" (known: ${[
          ...KNOWN_PARAMS,
        ].join(', ')})`,
      );
    }
  }
  const sortText = single('sort', query.sort) ?? 'risk';
  const descending = sortText.startsWith('-');
  const sort = (descending ? sortText.slice(1) : sortText) as FleetSortKey;
  if (!FLEET_SORT_KEYS.includes(sort)) {
    throw new InputError(
      `Invalid fleet query: "sort" must be one of ${FLEET_SORT_KEYS.join(
        ', ',
      )} (prefix "-" for descending), got "${sortText}"`,
    );
  }
  const health = list('health', query.health);
  for (const h of health ?? []) {
    if (!FLEET_HEALTH_LEVELS.includes(h as FleetHealthLevel)) {
      throw new InputError(
        `Invalid fleet query: "health" values must be ${FLEET_HEALTH_LEVELS.join(
          ', ',
        )}, got "${h}"`,
      );
    }
  }
  const owned = single('owned', query.owned);
  if (owned !== undefined && owned !== 'true' && owned !== 'false') {
    throw new InputError(
      `Invalid fleet query: "owned" must be true or false, got "${owned}"`,
    );
  }
  const search = single('search', query.search)?.trim();
  const parsed: FleetQuery = {
    offset: integer('offset', query.offset, 0, 0, 1_000_000),
    limit: integer(
      'limit',
      query.limit,
      FLEET_DEFAULT_LIMIT,
      1,
      FLEET_MAX_LIMIT,
    ),
    sort,
    descending,
    owner: list('owner', query.owner),
    system: list('system', query.system),
    health: health as FleetHealthLevel[] | undefined,
    provider: list('provider', query.provider),
    diagnosis: list('diagnosis', query.diagnosis),
    search: search ? search : undefined,
    owned: owned === undefined ? undefined : owned === 'true',
  };
  for (const key of Object.keys(parsed) as Array<keyof FleetQuery>) {
    if (parsed[key] === undefined) delete parsed[key];
  }
  return parsed;
}

const RISK_RANK: Record<FleetHealthLevel, number> = {
  error: 0,
  warning: 1,
  unknown: 2,
  ok: 3,
};

/** Exposure for ordering: no recovery point at all is the largest exposure. */
const exposureOf = (r: FleetRow) =>
  r.exposureSeconds ?? Number.POSITIVE_INFINITY;

type Compare = (a: FleetRow, b: FleetRow) => number;

const byText =
  (get: (r: FleetRow) => string | undefined): Compare =>
  (a, b) => {
    const x = get(a);
    const y = get(b);
    if (x === y) return 0;
    if (x === undefined) return 1; // absent last
    if (y === undefined) return -1;
    return x < y ? -1 : 1;
  };
const byNumber =
  (get: (r: FleetRow) => number | undefined): Compare =>
  (a, b) => {
    const x = get(a);
    const y = get(b);
    if (x === y) return 0;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    return x - y;
  };
const byInstant = (get: (r: FleetRow) => string | undefined) =>
  byNumber(r => {
    const v = get(r);
    return v === undefined ? undefined : Date.parse(v);
  });

/** Risk: error > warning > unknown > ok, then exposure (largest first). */
export const compareRisk: Compare = (a, b) => {
  const byHealth = RISK_RANK[a.health] - RISK_RANK[b.health];
  if (byHealth !== 0) return byHealth;
  const x = exposureOf(a);
  const y = exposureOf(b);
  if (x === y) return 0;
  return x > y ? -1 : 1;
};

const COMPARE: Record<FleetSortKey, Compare> = {
  risk: compareRisk,
  database: byText(r => r.databaseId),
  owner: byText(r => r.owner),
  system: byText(r => r.system),
  kubernetesCluster: byText(r => r.kubernetesCluster),
  provider: byText(r => r.provider),
  health: (a, b) => RISK_RANK[a.health] - RISK_RANK[b.health],
  exposure: byNumber(r => r.exposureSeconds),
  firstRecoverable: byInstant(r => r.firstRecoverableAt),
  lastBackup: byInstant(r => r.lastBackupAt),
  walGaps: byNumber(r => r.walGapCount),
};

function matches(
  row: FleetRow,
  query: FleetQuery,
  ignoreHealth: boolean,
): boolean {
  const inList = (values: string[] | undefined, value: string | undefined) =>
    !values || (value !== undefined && values.includes(value));
  if (!inList(query.owner, row.owner)) return false;
  if (!inList(query.system, row.system)) return false;
  if (!inList(query.provider, row.provider)) return false;
  if (!ignoreHealth && !inList(query.health, row.health)) return false;
  if (
    query.diagnosis &&
    !row.diagnoses.some(d => query.diagnosis!.includes(d.id))
  ) {
    return false;
  }
  if (
    query.owned !== undefined &&
    (row.entityRef !== undefined) !== query.owned
  ) {
    return false;
  }
  if (query.search) {
    const needle = query.search.toLocaleLowerCase('en-US');
    const hay = [
      row.databaseId,
      row.entityRef,
      row.owner,
      row.system,
      row.serverName,
    ];
    if (!hay.some(h => h?.toLocaleLowerCase('en-US').includes(needle))) {
      return false;
    }
  }
  return true;
}

/** Filters, counts, sorts and pages the rows (the whole fleet page computation). */
export function applyFleetQuery(
  rows: readonly FleetRow[],
  query: FleetQuery,
  refreshedAt?: string,
): FleetPage {
  const countsByHealth: Record<FleetHealthLevel, number> = {
    error: 0,
    warning: 0,
    unknown: 0,
    ok: 0,
  };
  const selected: FleetRow[] = [];
  for (const row of rows) {
    if (!matches(row, query, true)) continue;
    countsByHealth[row.health] += 1;
    if (!query.health || query.health.includes(row.health)) selected.push(row);
  }
  const compare = COMPARE[query.sort];
  const sign = query.descending ? -1 : 1;
  selected.sort(
    (a, b) =>
      sign * compare(a, b) ||
      (query.sort === 'risk' ? 0 : compareRisk(a, b)) ||
      byText(r => r.databaseId)(a, b),
  );
  return {
    items: selected.slice(query.offset, query.offset + query.limit),
    totalCount: selected.length,
    countsByHealth,
    ...(refreshedAt ? { refreshedAt } : {}),
  };
}
