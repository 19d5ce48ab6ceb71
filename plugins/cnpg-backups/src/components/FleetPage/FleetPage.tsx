import { useCallback, useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import {
  Content,
  Header,
  Page,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import type { FleetRow } from '@cnpg-backups/plugin-cnpg-backups-common';
import { cnpgBackupsApiRef } from '../../api';
import { DatabaseHistoryPanel } from '../DatabaseHistory';
import { FleetFilterBar } from './FleetFilterBar';
import { fleetColumns, useFleetLayout } from './fleetColumns';
import { HealthCounts } from './HealthCounts';
import { useFleetQuery, type FleetFilters } from './useFleetQuery';

export type { FleetFilters } from './useFleetQuery';

const PAGE_SIZE = 20;

/** Props of the fleet page (`CnpgFleetPage`). @public */
export interface FleetPageProps {
  /** Initial filters (tests, deep links). */
  initialFilters?: Partial<FleetFilters>;
}

/**
 * The fleet: every CNPG database the portal knows (owned or not), from the stored snapshots of
 * the background refresh. Server-side paging, sorting (risk first by default) and filters.
 */
export function FleetPage(props: FleetPageProps) {
  const api = useApi(cnpgBackupsApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const layout = useFleetLayout();
  const fleet = useFleetQuery(api, props.initialFilters);

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

  const columns = useMemo(
    () => fleetColumns(layout, entityLink),
    [entityLink, layout],
  );

  return (
    <Page themeId="tool">
      <Header
        title="Databases"
        subtitle="Every CNPG database, its risk and its history"
      />
      <Content>
        {/* On a paper: the secondary text and the field labels keep AA contrast. */}
        <Paper style={{ padding: 16, marginBottom: 16 }}>
          <HealthCounts
            response={fleet.response}
            selected={fleet.filters.health}
            onToggle={fleet.toggleHealth}
          />
          <FleetFilterBar
            filters={fleet.filters}
            seen={fleet.seen}
            searchText={fleet.searchText}
            onSearchText={fleet.setSearchText}
            onUpdate={fleet.update}
          />
        </Paper>
        {fleet.error && <ResponseErrorPanel error={fleet.error} />}
        <div data-testid="fleet-table">
          <Table<FleetRow>
            tableRef={fleet.tableRef}
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
            data={fleet.data}
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
