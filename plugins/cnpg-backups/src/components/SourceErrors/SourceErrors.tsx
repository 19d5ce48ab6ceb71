import Alert from '@material-ui/lab/Alert';
import Box from '@material-ui/core/Box';
import type { SourceError } from '@cnpg-backups/plugin-cnpg-backups-common';

/** Props of {@link SourceErrors}. */
export interface SourceErrorsProps {
  errors: SourceError[];
}

const SOURCE_LABEL: Record<SourceError['source'], string> = {
  kubernetes: 'Kubernetes',
  s3: 'S3',
  config: 'Configuration',
  internal: 'Internal',
};

/** Errors met while building a status, inline: they never hide the rest of the data. */
export function SourceErrors(props: SourceErrorsProps) {
  const { errors } = props;
  if (errors.length === 0) {
    return null;
  }
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 4 }} my={1}>
      {errors.map(error => (
        <Alert
          key={`${error.source}:${error.name}:${error.target ?? ''}:${
            error.message
          }`}
          severity="error"
          data-testid="source-error"
        >
          <strong>
            {SOURCE_LABEL[error.source]} · {error.name}
          </strong>
          {error.target ? ` (${error.target})` : ''}: {error.message}
        </Alert>
      ))}
    </Box>
  );
}
