import Typography from '@material-ui/core/Typography';
import type { ReconciledRecoveryWindow } from '@cnpg-backups/plugin-cnpg-backups-common';
import { Timestamp } from '../Timestamp';

/** Props of {@link RecoveryWindowSummary}. */
export interface RecoveryWindowSummaryProps {
  window: ReconciledRecoveryWindow;
  /** Show both sides when the operator and the bucket disagree. */
  detailed?: boolean;
}

const BASIS_TEXT = {
  bucket: 'from the bucket',
  operator: 'as the operator reports it',
  none: '',
};

/** "Recoverable from … to …", with the basis and the reason when the two sides disagree. */
export function RecoveryWindowSummary(props: RecoveryWindowSummaryProps) {
  const { window, detailed = false } = props;
  const { from, to, basis } = window.effective;
  return (
    <div data-testid="recovery-window">
      {from ? (
        <Typography variant="body2">
          Recoverable from <Timestamp value={from} /> to{' '}
          {to ? <Timestamp value={to} /> : 'the newest archived WAL'}{' '}
          <Typography component="span" variant="caption" color="textSecondary">
            ({BASIS_TEXT[basis]})
          </Typography>
        </Typography>
      ) : (
        <Typography variant="body2" color="error">
          No recovery window: there is no restorable base backup.
        </Typography>
      )}
      {window.agreement === 'disagree' && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="recovery-window-disagreement"
        >
          Operator and bucket disagree
          {window.explanation ? `: ${window.explanation}` : '.'}
        </Typography>
      )}
      {detailed && window.operator && (
        <Typography variant="caption" component="div" color="textSecondary">
          Operator (
          {window.operator.source === 'objectstore'
            ? 'ObjectStore status'
            : 'Cluster status'}
          ): first recoverability point{' '}
          <Timestamp value={window.operator.firstRecoverabilityPoint} />, last
          successful backup{' '}
          <Timestamp value={window.operator.lastSuccessfulBackupTime} />
          {window.operator.lastFailedBackupTime && (
            <>
              , last failed backup{' '}
              <Timestamp value={window.operator.lastFailedBackupTime} />
            </>
          )}
        </Typography>
      )}
      {detailed && window.bucket && (
        <Typography variant="caption" component="div" color="textSecondary">
          Bucket: first recoverability point{' '}
          <Timestamp value={window.bucket.firstRecoverabilityPoint} />, last
          recoverable point{' '}
          <Timestamp value={window.bucket.lastRecoverablePoint} />
          {window.bucket.lastRecoverableWal &&
            ` (WAL ${window.bucket.lastRecoverableWal})`}
        </Typography>
      )}
    </div>
  );
}
