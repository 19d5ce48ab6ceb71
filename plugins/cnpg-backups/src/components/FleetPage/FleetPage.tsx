import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import type { Theme } from '@material-ui/core/styles';
import Autocomplete from '@material-ui/lab/Autocomplete';
import {
  Content,
  Header,
  Link,
  Page,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  FLEET_HEALTH_LEVELS,
  type FleetHealthLevel,
  type FleetPage as FleetPageResponse,
  type FleetRow,
  type FleetSortKey,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { cnpgBackupsApiRef, type FleetRequest } from '../../api';
import { formatRatio } from '../../lib/fleet';
import { formatSeconds } from '../../lib/time';
import { DatabaseHistoryPanel } from '../DatabaseHistory';
import { HealthIndicator } from '../HealthIndicator';
import { Timestamp } from '../Timestamp';
import { ClaimSnippetButton } from './ClaimSnippetButton';

const PROVIDERS = ['aws', 'r2', 'hetzner', 'rustfs', 'minio', 'generic'];
const LEVEL_LABEL: Record<FleetHealthLevel, string> = {
  error: 'Error',
  warning: 'Warning',
  unknown: 'Unknown',
  ok: 'OK',
};
const PAGE_SIZE = 20;

/** The filters of the page (sent to `GET /fleet`). */
export interface FleetFilters {
  health: FleetHealthLevel[];
  owner?: string;
  system?: string;
  provider?: string;
  diagnosis?: string;
  search?: string;
}

/** Props of {@link FleetPage}. */
export interface FleetPageProps {
  /** Initial filters (tests, deep links). */
  initialFilters?: Partial<FleetFilters>;
}

function shortRef(ref: string | undefined): string | undefined {
  if (!ref) {
    return undefined;
  }
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
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
  const [seen, setSeen] = useState<{
    owner: string[];
    system: string[];
    diagnosis: string[];
  }>({ owner: [], system: [], diagnosis: [] });
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

function SuggestFilter(props: {
  label: string;
  value?: string;
  options: string[];
  onChange: (value: string | undefined) => void;
}) {
  const { label, value, options, onChange } = props;
  return (
    <Autocomplete
      freeSolo
      options={options}
      value={value ?? null}
      onChange={(_event, next) =>
        onChange((next as string | null) ?? undefined)
      }
      onInputChange={(_event, _next, reason) => {
        if (reason === 'clear') {
          onChange(undefined);
        }
      }}
      style={{ minWidth: 180, flex: '1 1 180px' }}
      renderInput={params => (
        <TextField
          {...params}
          label={label}
          variant="outlined"
          size="small"
          onKeyDown={event => {
            if (event.key === 'Enter') {
              onChange((event.target as HTMLInputElement).value || undefined);
            }
          }}
          onBlur={event => onChange(event.target.value || undefined)}
        />
      )}
    />
  );
}

/** The row's most severe diagnosis, and since when it has been seen (stored history). */
function topDiagnosis(row: FleetRow): ReactNode {
  const top = row.diagnoses[0];
  if (!top) {
    return undefined;
  }
  const since = row.diagnosisFirstSeen[top.id];
  // Diagnosis titles are whole sentences (with endpoints): three lines here, all of it in the
  // title and to screen readers, and on the entity's tab.
  return (
    <Box data-diagnosis={top.id} title={top.title}>
      <Box
        style={{
          display: '-webkit-box',
          WebkitLineClamp: 3,
          WebkitBoxOrient: 'vertical',
          overflow: 'hidden',
          overflowWrap: 'anywhere',
        }}
      >
        {top.title}
      </Box>
      {since && (
        <Typography variant="caption" color="textSecondary" component="div">
          since <Timestamp value={since} variant="relative" />
        </Typography>
      )}
    </Box>
  );
}

/**
 * The fleet: every CNPG database the portal knows (owned or not), from the stored snapshots of
 * the background refresh. Server-side paging, sorting (risk first by default) and filters.
 */
export function FleetPage(props: FleetPageProps) {
  const api = useApi(cnpgBackupsApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  // The columns that fit the content's width (the sidebar takes 224 px of the viewport): every
  // column from 1600 px, merged captions from 1280 px, three columns below.
  const full = useMediaQuery('(min-width: 1600px)');
  const medium = useMediaQuery((theme: Theme) => theme.breakpoints.up('lg'));
  let layout: 'full' | 'medium' | 'compact' = 'compact';
  if (full) {
    layout = 'full';
  } else if (medium) {
    layout = 'medium';
  }
  const [filters, setFilters] = useState<FleetFilters>({
    health: [],
    ...props.initialFilters,
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

  const entityLink = useCallback(
    (ref: string): string | undefined => {
      try {
        const { kind, namespace, name } = parseEntityRef(ref);
        return `${entityRoute({
          kind: kind.toLocaleLowerCase('en-US'),
          namespace,
          name,
        })}/cnpg-backups`;
      } catch {
        return undefined;
      }
    },
    [entityRoute],
  );

  const columns = useMemo<TableColumn<FleetRow>[]>(() => {
    // Dense cells; words (not letters) wrap, so a column is never narrower than its longest word.
    const cellStyle = {
      padding: '6px 8px',
      overflowWrap: 'break-word' as const,
    };
    const headerStyle = { padding: '6px 8px', whiteSpace: 'normal' as const };
    const caption = (content: ReactNode, title?: string) => (
      <Typography
        variant="caption"
        color="textSecondary"
        component="div"
        title={title}
      >
        {content}
      </Typography>
    );
    const all: Array<TableColumn<FleetRow> & { show: boolean }> = [
      {
        title: 'Database',
        field: 'database',
        show: true,
        render: row => {
          const name = `${row.namespace}/${row.cluster}`;
          const link = row.entityRef ? entityLink(row.entityRef) : undefined;
          // Compact layout: what the hidden columns would say, under the name.
          const details = [
            layout === 'compact' ? shortRef(row.owner) : undefined,
            row.kubernetesCluster,
            layout === 'compact' ? row.provider : undefined,
          ].filter(Boolean);
          return (
            <Box data-database-id={row.databaseId}>
              {link ? (
                <Link to={link} data-testid="fleet-database-link">
                  {name}
                </Link>
              ) : (
                <span>{name}</span>
              )}
              {caption(details.join(' · '))}
              {!row.entityRef && (
                <Box
                  mt={0.5}
                  display="flex"
                  alignItems="center"
                  flexWrap="wrap"
                  style={{ gap: 8 }}
                >
                  <Typography variant="caption" data-testid="unowned">
                    Unowned
                  </Typography>
                  {row.claimSnippet && (
                    <ClaimSnippetButton
                      database={name}
                      snippet={row.claimSnippet}
                    />
                  )}
                </Box>
              )}
            </Box>
          );
        },
      },
      {
        title: 'Owner',
        field: 'owner',
        show: layout !== 'compact',
        render: row => (
          <Box title={row.owner}>
            {shortRef(row.owner) ?? '—'}
            {layout === 'medium' &&
              row.system &&
              caption(shortRef(row.system), row.system)}
          </Box>
        ),
      },
      {
        title: 'System',
        field: 'system',
        show: layout === 'full',
        render: row => (
          <span title={row.system}>{shortRef(row.system) ?? '—'}</span>
        ),
      },
      {
        title: 'Provider',
        field: 'provider',
        show: layout !== 'compact',
        render: row => row.provider ?? '—',
      },
      {
        title: 'Health',
        field: 'health',
        show: true,
        // The level here; the snapshot's summary in the title, its top diagnosis in its column.
        render: row => (
          <Box title={row.healthSummary}>
            <HealthIndicator level={row.health}>
              {LEVEL_LABEL[row.health]}
            </HealthIndicator>
            {layout === 'compact' && topDiagnosis(row)}
          </Box>
        ),
      },
      {
        title: 'Data-loss exposure',
        field: 'exposure',
        show: true,
        render: row => (
          <Box>
            {row.exposureSeconds === undefined
              ? 'not recoverable'
              : formatSeconds(row.exposureSeconds)}
            {layout !== 'full' &&
              row.firstRecoverableAt &&
              caption(
                <>
                  {'from '}
                  <Timestamp value={row.firstRecoverableAt} variant="short" />
                </>,
              )}
            {layout === 'compact' &&
              caption(
                <>
                  {'last backup '}
                  <Timestamp
                    value={row.lastBackupAt}
                    variant="relative"
                    fallback="none"
                  />
                  {row.walGapCount > 0 &&
                    ` · ${row.walGapCount} WAL gap${
                      row.walGapCount === 1 ? '' : 's'
                    }`}
                  {formatRatio(row.recoverableRatio30d) &&
                    ` · ${formatRatio(
                      row.recoverableRatio30d,
                    )} recoverable (30 d)`}
                </>,
              )}
          </Box>
        ),
      },
      {
        title: 'Window start',
        field: 'firstRecoverable',
        show: layout === 'full',
        render: row => (
          <Timestamp value={row.firstRecoverableAt} variant="short" />
        ),
      },
      {
        title: 'Last backup',
        field: 'lastBackup',
        show: layout !== 'compact',
        render: row => (
          <Box>
            <Timestamp
              value={row.lastBackupAt}
              variant="relative"
              fallback="none"
            />
            {layout === 'medium' &&
              row.walGapCount > 0 &&
              caption(
                `${row.walGapCount} WAL gap${row.walGapCount === 1 ? '' : 's'}`,
              )}
          </Box>
        ),
      },
      {
        title: 'WAL gaps',
        field: 'walGaps',
        show: layout === 'full',
        render: row => row.walGapCount,
      },
      {
        title: 'Top diagnosis',
        sorting: false,
        show: layout !== 'compact',
        width: '22%',
        render: row => topDiagnosis(row) ?? '—',
      },
      {
        title: 'Recoverable 30 d',
        sorting: false,
        show: layout !== 'compact',
        render: row => formatRatio(row.recoverableRatio30d) ?? '—',
      },
    ];
    return all
      .filter(column => column.show)
      .map(({ show: _show, ...column }) => ({
        ...column,
        cellStyle,
        headerStyle,
      }));
  }, [entityLink, layout]);

  const counts = response?.countsByHealth;
  const total = counts
    ? FLEET_HEALTH_LEVELS.reduce((sum, level) => sum + (counts[level] ?? 0), 0)
    : undefined;

  return (
    <Page themeId="tool">
      <Header
        title="Databases"
        subtitle="Every CNPG database, its risk and its history"
      />
      <Content>
        {/* On a paper: the secondary text and the field labels keep AA contrast. */}
        <Paper style={{ padding: 16, marginBottom: 16 }}>
          <Box
            component="section"
            aria-label="Databases per health"
            display="flex"
            flexWrap="wrap"
            alignItems="center"
            mb={2}
            style={{ gap: 8 }}
            data-testid="fleet-counts"
          >
            {FLEET_HEALTH_LEVELS.map(level => {
              const selected = filters.health.includes(level);
              return (
                <Button
                  key={level}
                  variant={selected ? 'contained' : 'outlined'}
                  color={selected ? 'primary' : 'default'}
                  aria-pressed={selected}
                  onClick={() => toggleHealth(level)}
                  data-health-count={level}
                >
                  <HealthIndicator level={level}>
                    {`${LEVEL_LABEL[level]}: ${counts?.[level] ?? '…'}`}
                  </HealthIndicator>
                </Button>
              );
            })}
            <Typography variant="body2" color="textSecondary">
              {total !== undefined ? `${total} in all` : ''}
              {response?.refreshedAt ? (
                <>
                  {' · refreshed '}
                  <Timestamp value={response.refreshedAt} variant="relative" />
                </>
              ) : null}
            </Typography>
          </Box>
          <Box
            component="section"
            aria-label="Filters"
            display="flex"
            flexWrap="wrap"
            mb={0}
            style={{ gap: 8 }}
          >
            <TextField
              id="fleet-search"
              label="Search"
              variant="outlined"
              size="small"
              value={searchText}
              onChange={event => setSearchText(event.target.value)}
              style={{ minWidth: 180, flex: '1 1 180px' }}
            />
            <SuggestFilter
              label="Owner"
              value={filters.owner}
              options={seen.owner}
              onChange={owner => update({ owner })}
            />
            <SuggestFilter
              label="System"
              value={filters.system}
              options={seen.system}
              onChange={system => update({ system })}
            />
            <FormControl
              variant="outlined"
              size="small"
              style={{ minWidth: 140, flex: '0 1 140px' }}
            >
              <InputLabel id="fleet-provider-label">Provider</InputLabel>
              <Select
                labelId="fleet-provider-label"
                label="Provider"
                value={filters.provider ?? ''}
                onChange={event =>
                  update({
                    provider: (event.target.value as string) || undefined,
                  })
                }
              >
                <MenuItem value="">Any</MenuItem>
                {PROVIDERS.map(p => (
                  <MenuItem key={p} value={p}>
                    {p}
                  </MenuItem>
                ))}
              </Select>
            </FormControl>
            <SuggestFilter
              label="Diagnosis"
              value={filters.diagnosis}
              options={seen.diagnosis}
              onChange={diagnosis => update({ diagnosis })}
            />
          </Box>
        </Paper>
        {error && <ResponseErrorPanel error={error} />}
        <div data-testid="fleet-table">
          <Table<FleetRow>
            tableRef={tableRef}
            title="CNPG databases"
            columns={columns}
            options={{
              paging: true,
              pageSize: PAGE_SIZE,
              pageSizeOptions: [PAGE_SIZE, 50, 100],
              search: false,
              sorting: true,
              padding: 'dense',
              emptyRowsWhenPaging: false,
              draggable: false,
            }}
            data={async query => {
              const column = query.orderBy as { field?: string } | undefined;
              const sort =
                (column?.field as FleetSortKey | undefined) ?? 'risk';
              try {
                const page = await api.getFleet({
                  ...toRequest(filtersRef.current),
                  offset: query.page * query.pageSize,
                  limit: query.pageSize,
                  sort,
                  descending: column?.field
                    ? query.orderDirection === 'desc'
                    : undefined,
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
            }}
            detailPanel={[
              {
                tooltip: 'History',
                render: ({ rowData }: { rowData: FleetRow }) => (
                  <Box p={2}>
                    <DatabaseHistoryPanel
                      kubernetesCluster={rowData.kubernetesCluster}
                      namespace={rowData.namespace}
                      name={rowData.cluster}
                      diagnosisTitles={Object.fromEntries(
                        rowData.diagnoses.map(d => [d.id, d.title]),
                      )}
                    />
                  </Box>
                ),
              },
            ]}
          />
        </div>
      </Content>
    </Page>
  );
}
