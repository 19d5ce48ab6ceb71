import { Fragment } from 'react';
import Divider from '@material-ui/core/Divider';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntityBackupStatus } from '../../hooks';
import { AnnotationGate } from '../AnnotationGate';
import { DatabaseSummary } from '../DatabaseSummary';
import { NoClusterFound, isEmptyStatus } from '../NoClusterFound';
import { SourceErrors } from '../SourceErrors';

/** Path of the Backups tab under the entity page (both frontend systems). */
export const BACKUPS_TAB_PATH = 'cnpg-backups';

/** Props of {@link EntityCnpgBackupsCard}. @public */
export interface EntityCnpgBackupsCardProps {
  /** Card title; defaults to "Backups". */
  title?: string;
}

function useTabLink(): string | undefined {
  const { entity } = useEntity();
  let entityRoute:
    | ((params: { kind: string; namespace: string; name: string }) => string)
    | undefined;
  try {
    // Always called, so the hook order is stable; it throws where the catalog's entity
    // route is not mounted (e.g. a card embedded outside entity pages): then no link.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    entityRoute = useRouteRef(entityRouteRef);
  } catch {
    entityRoute = undefined;
  }
  if (!entityRoute) {
    return undefined;
  }
  try {
    const { kind, namespace, name } = getCompoundEntityRef(entity);
    return `${entityRoute({
      kind: kind.toLocaleLowerCase('en-US'),
      namespace,
      name,
    })}/${BACKUPS_TAB_PATH}`;
  } catch {
    return undefined;
  }
}

function CardBody() {
  const { response, loading, error } = useEntityBackupStatus();
  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!response || isEmptyStatus(response)) {
    return <NoClusterFound />;
  }
  return (
    <>
      <SourceErrors errors={response.errors} />
      {response.databases.map((database, index) => (
        <Fragment key={database.id}>
          {index > 0 && <Divider />}
          <DatabaseSummary database={database} />
        </Fragment>
      ))}
    </>
  );
}

/** The entity overview card: one section per CNPG database of the entity. */
export function EntityCnpgBackupsCard(props: EntityCnpgBackupsCardProps) {
  const { title = 'Backups' } = props;
  const tabLink = useTabLink();
  return (
    <InfoCard
      title={title}
      subheader="CloudNativePG · Barman Cloud"
      deepLink={tabLink ? { title: 'View backups', link: tabLink } : undefined}
    >
      <AnnotationGate>
        <CardBody />
      </AnnotationGate>
    </InfoCard>
  );
}
