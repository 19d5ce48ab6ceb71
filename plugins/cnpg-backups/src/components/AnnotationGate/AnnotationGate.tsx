import type { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  CodeSnippet,
  EmptyState,
  MissingAnnotationEmptyState,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_CNPG_CLUSTER,
  getCnpgEntitySelector,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** Props of {@link AnnotationGate}. */
export interface AnnotationGateProps {
  children: ReactNode;
}

const EXAMPLE = `metadata:
  annotations:
    ${ANNOTATION_CNPG_CLUSTER}: <namespace>/<cluster-name>
    # optional: the Kubernetes cluster (from the kubernetes config)
    cnpg.io/kubernetes-cluster: <kubernetes-cluster>`;

/**
 * Renders its children only when the entity names CNPG clusters with a valid annotation;
 * otherwise says which annotation to add, or what is wrong with the one present.
 */
export function AnnotationGate(props: AnnotationGateProps) {
  const { children } = props;
  const { entity } = useEntity();
  let selector;
  try {
    selector = getCnpgEntitySelector(entity);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const annotation =
      error instanceof Error && 'annotation' in error
        ? String((error as { annotation: unknown }).annotation)
        : ANNOTATION_CNPG_CLUSTER;
    return (
      <EmptyState
        missing="field"
        title={`Invalid ${annotation} annotation`}
        description={
          <Box>
            <Typography variant="body1" data-testid="annotation-error">
              {message}
            </Typography>
            <Typography variant="body2">
              Annotate the entity like this:
            </Typography>
            <CodeSnippet text={EXAMPLE} language="yaml" showCopyCodeButton />
          </Box>
        }
      />
    );
  }
  if (!selector) {
    return <MissingAnnotationEmptyState annotation={ANNOTATION_CNPG_CLUSTER} />;
  }
  return <>{children}</>;
}
