import Button from '@material-ui/core/Button';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import { FocusSafeDialog } from '../FocusSafeDialog';

/** Asks for confirmation, naming the cluster, namespace, Kubernetes cluster and method. */
export function ConfirmBackupDialog(props: {
  open: boolean;
  database: DatabaseStatus;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { open, database, onCancel, onConfirm } = props;
  return (
    <FocusSafeDialog
      open={open}
      onClose={onCancel}
      aria-labelledby="back-up-now-title"
    >
      <DialogTitle id="back-up-now-title">
        Back up {database.cluster.name} now?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          This creates a Backup of the CNPG cluster{' '}
          <strong>{database.cluster.name}</strong> in namespace{' '}
          <strong>{database.cluster.namespace}</strong> on Kubernetes cluster{' '}
          <strong>{database.cluster.kubernetesCluster}</strong>
          {database.actions.backupMethod === 'plugin'
            ? ', taken by the Barman Cloud plugin.'
            : ', taken with the in-tree barmanObjectStore method.'}
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button onClick={onConfirm} color="primary" variant="contained">
          Create backup
        </Button>
      </DialogActions>
    </FocusSafeDialog>
  );
}
