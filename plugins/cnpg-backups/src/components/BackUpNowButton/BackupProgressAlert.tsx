import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Alert from '@material-ui/lab/Alert';
import type { BackupProgress } from './useBackUpNow';

/** The followed backup's progress, in words. */
export function BackupProgressAlert(props: { progress: BackupProgress }) {
  const { progress } = props;
  return (
    <Box mt={1} data-testid="backup-progress" maxWidth={480}>
      {progress.state === 'creating' && (
        <>
          <Alert severity="info">Creating the Backup…</Alert>
          <LinearProgress />
        </>
      )}
      {progress.state === 'following' && (
        <>
          <Alert severity="info">
            Backup {progress.name}:{' '}
            {progress.phase ?? 'waiting for the operator'}…
          </Alert>
          <LinearProgress />
        </>
      )}
      {progress.state === 'finished' && (
        <Alert severity="success">
          Backup {progress.name} completed
          {progress.backupId ? ` (${progress.backupId})` : ''}.
        </Alert>
      )}
      {progress.state === 'error' && (
        <Alert severity="error">
          Backup {progress.name ? `${progress.name} ` : ''}failed:{' '}
          {progress.message}
        </Alert>
      )}
      {progress.state === 'timeout' && (
        <Alert severity="warning">
          Backup {progress.name} is still {progress.phase ?? 'pending'}; refresh
          the page later to see it.
        </Alert>
      )}
    </Box>
  );
}
