import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { cnpgBackupsApiRef } from '../../api';
import { useEntityBackupStatus } from '../../hooks';
import { AnnotationGate } from '../AnnotationGate';
import { DatabaseDetails } from '../DatabaseDetails';
import { NoClusterFound, isEmptyStatus } from '../NoClusterFound';
import { SourceErrors } from '../SourceErrors';
import { Timestamp } from '../Timestamp';

/** Props of {@link EntityCnpgBackupsContent}. @public */
export interface EntityCnpgBackupsContentProps {
  /** Poll interval after "Back up now" (ms). */
  pollIntervalMs?: number;
}

function ContentBody(props: EntityCnpgBackupsContentProps) {
  const { pollIntervalMs } = props;
  const api = useApi(cnpgBackupsApiRef);
  const { entityRef, response, loading, error, retry, update } =
    useEntityBackupStatus();
  const [refreshing, setRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<Error>();

  const refresh = async () => {
    setRefreshing(true);
    setRefreshError(undefined);
    try {
      update(
        await api.getEntityStatus(parseEntityRef(entityRef), { refresh: true }),
      );
    } catch (e) {
      setRefreshError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setRefreshing(false);
    }
  };

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return (
      <>
        <ResponseErrorPanel error={error} />
        <Button onClick={retry}>Try again</Button>
      </>
    );
  }
  if (!response || isEmptyStatus(response)) {
    return <NoClusterFound />;
  }
  return (
    <>
      <Box
        display="flex"
        alignItems="center"
        justifyContent="flex-end"
        mb={1}
        style={{ gap: 8 }}
      >
        <Typography variant="caption" color="textSecondary">
          Status from{' '}
          <Timestamp value={response.generatedAt} variant="relative" />
        </Typography>
        <Button size="small" onClick={refresh} disabled={refreshing}>
          {refreshing ? 'Refreshing…' : 'Rescan now'}
        </Button>
      </Box>
      {refreshError && <ResponseErrorPanel error={refreshError} />}
      <SourceErrors errors={response.errors} />
      {response.databases.map(database => (
        <DatabaseDetails
          key={database.id}
          entityRef={entityRef}
          database={database}
          onStatus={update}
          pollIntervalMs={pollIntervalMs}
        />
      ))}
    </>
  );
}

/** The Backups tab of an entity: one section per CNPG database. */
export function EntityCnpgBackupsContent(props: EntityCnpgBackupsContentProps) {
  return (
    <Box p={2}>
      <AnnotationGate>
        <ContentBody {...props} />
      </AnnotationGate>
    </Box>
  );
}
