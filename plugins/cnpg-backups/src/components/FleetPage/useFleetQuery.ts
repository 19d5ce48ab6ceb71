import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  FleetHealthLevel,
  FleetPage as FleetPageResponse,
  FleetRow,
  FleetSortKey,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { CnpgBackupsApi, FleetRequest } from '../../api';

/** The filters of the fleet page (sent to `GET /fleet`). @public */
export interface FleetFilters {
  health: FleetHealthLevel[];
  owner?: string;
  system?: string;
  provider?: string;
  diagnosis?: string;
  search?: string;
}

/** What the table asks for: a page, its size, and the column sorted on. */
interface TableQuery {
  page: number;
  pageSize: number;
  orderBy?: unknown;
  orderDirection?: string;
}

/** Values seen in the rows, suggested by the filters. */
export interface SeenValues {
  owner: string[];
  system: string[];
  diagnosis: string[];
}

function toRequest(filters: FleetFilters): FleetRequest {
  const one = (value: string | undefined) =>
    value && value.trim() ? [value.trim()] : undefined;
  return {
    health: filters.health.length ? filters.health : undefined,
    owner: one(filters.owner),
    system: one(filters.system),
    provider: one(filters.provider),
    diagnosis: one(filters.diagnosis),
    search: filters.search?.trim() || undefined,
  };
}

/** Seen values of a row field, to suggest in a filter (free text stays allowed). */
function useSeen() {
  const [seen, setSeen] = useState<SeenValues>({
    owner: [],
    system: [],
    diagnosis: [],
  });
  const add = useCallback((rows: FleetRow[]) => {
    setSeen(previous => {
      const merge = (list: string[], values: Array<string | undefined>) =>
        [
          ...new Set([...list, ...values.filter((v): v is string => !!v)]),
        ].sort();
      return {
        owner: merge(
          previous.owner,
          rows.map(r => r.owner),
        ),
        system: merge(
          previous.system,
          rows.map(r => r.system),
        ),
        diagnosis: merge(
          previous.diagnosis,
          rows.flatMap(r => r.diagnoses.map(d => d.id)),
        ),
      };
    });
  }, []);
  return { seen, add };
}

/**
 * The page's filters (the search debounced), and the table's server-side data: each query of the
 * table reads `GET /fleet` with the current filters, its page and its sort (risk by default).
 */
export function useFleetQuery(
  api: CnpgBackupsApi,
  initialFilters?: Partial<FleetFilters>,
) {
  const [filters, setFilters] = useState<FleetFilters>({
    health: [],
    ...initialFilters,
  });
  const [searchText, setSearchText] = useState(filters.search ?? '');
  const [response, setResponse] = useState<FleetPageResponse>();
  const [error, setError] = useState<Error>();
  const { seen, add } = useSeen();
  const filtersRef = useRef(filters);
  const tableRef = useRef<any>();

  // Filters change: back to the first page, same sort.
  useEffect(() => {
    if (filtersRef.current !== filters) {
      filtersRef.current = filters;
      tableRef.current?.onQueryChange?.({ page: 0 });
    }
  }, [filters]);

  useEffect(() => {
    const timer = setTimeout(
      () =>
        setFilters(f =>
          (f.search ?? '') === searchText
            ? f
            : { ...f, search: searchText || undefined },
        ),
      300,
    );
    return () => clearTimeout(timer);
  }, [searchText]);

  const update = (patch: Partial<FleetFilters>) =>
    setFilters(f => ({ ...f, ...patch }));
  const toggleHealth = (level: FleetHealthLevel) =>
    setFilters(f => ({
      ...f,
      health: f.health.includes(level)
        ? f.health.filter(l => l !== level)
        : [...f.health, level],
    }));

  const data = async (query: TableQuery) => {
    const column = query.orderBy as { field?: string } | undefined;
    const sort = (column?.field as FleetSortKey | undefined) ?? 'risk';
    try {
      const page = await api.getFleet({
        ...toRequest(filtersRef.current),
        offset: query.page * query.pageSize,
        limit: query.pageSize,
        sort,
        descending: column?.field ? query.orderDirection === 'desc' : undefined,
      });
      setError(undefined);
      setResponse(page);
      add(page.items);
      return {
        data: page.items,
        page: query.page,
        totalCount: page.totalCount,
      };
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      return { data: [], page: 0, totalCount: 0 };
    }
  };

  return {
    filters,
    searchText,
    setSearchText,
    update,
    toggleHealth,
    response,
    error,
    seen,
    tableRef,
    data,
  };
}
