import Button from '@material-ui/core/Button';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useNavigate } from 'react-router-dom';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  buildRestoreFormData,
  buildRestoreUrl,
  type RestoreTarget,
} from '../../lib/restoreLink';
import { formatLocal, formatUtc } from '../../lib/time';
import { useRestoreTarget } from './useRestoreTarget';
import { FocusSafeDialog } from '../FocusSafeDialog';

/** Props of {@link RestoreDialog}. */
export interface RestoreDialogProps {
  open: boolean;
  onClose: () => void;
  entityRef: string;
  database: DatabaseStatus;
  /** Pre-selected target (from a table row or a point in the chart). */
  initialTarget?: RestoreTarget;
}

/**
 * Chooses a recovery target (latest, a backup, or a point in time in the viewer's zone) and
 * opens the recovery template pre-filled with it.
 */
export function RestoreDialog(props: RestoreDialogProps) {
  const { open, onClose, entityRef, database, initialTarget } = props;
  const navigate = useNavigate();
  const choice = useRestoreTarget(open, database, initialTarget);

  const openTemplate = () => {
    if (!choice.target) return;
    navigate(
      buildRestoreUrl(
        buildRestoreFormData({ entityRef, database, target: choice.target }),
      ),
    );
  };

  return (
    <FocusSafeDialog
      open={open}
      onClose={onClose}
      aria-labelledby="restore-title"
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id="restore-title">
        Restore {database.cluster.name}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          Recovery creates a new Cluster from the archive of serverName{' '}
          <strong>
            {database.archive?.serverName ?? database.cluster.name}
          </strong>
          ; the running cluster is not touched. The recovery template opens
          pre-filled with your choice.
        </Typography>
        <RadioGroup
          aria-label="Recovery target"
          value={choice.kind}
          onChange={event =>
            choice.setKind(event.target.value as RestoreTarget['kind'])
          }
        >
          <FormControlLabel
            value="latest"
            control={<Radio />}
            label="Latest: replay all archived WAL"
          />
          <FormControlLabel
            value="backup"
            control={<Radio />}
            label="A base backup (end of that backup)"
            disabled={choice.restorable.length === 0}
          />
          <FormControlLabel
            value="time"
            control={<Radio />}
            label="A point in time (your time zone)"
          />
        </RadioGroup>
        {choice.kind === 'backup' && (
          <FormControl fullWidth margin="dense">
            <InputLabel id="restore-backup-label">Backup</InputLabel>
            <Select
              labelId="restore-backup-label"
              // With an id, MUI names the control "Backup <chosen backup>" (label + value):
              // the visible text is part of the accessible name (axe label-content-name-mismatch).
              SelectDisplayProps={{ id: 'restore-backup-value' } as object}
              value={choice.backupId}
              onChange={event => choice.setBackupId(String(event.target.value))}
            >
              {choice.restorable.map(backup => (
                <MenuItem key={backup.id} value={backup.id}>
                  {backup.id} — ended{' '}
                  {formatLocal(backup.bucket?.endTime) ?? '?'}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        )}
        {choice.kind === 'time' && (
          <TextField
            label="Target time"
            type="datetime-local"
            value={choice.localTime}
            onChange={event => choice.setLocalTime(event.target.value)}
            fullWidth
            margin="dense"
            InputLabelProps={{ shrink: true }}
            inputProps={{ step: 1, 'aria-label': 'Target time' }}
            helperText={
              choice.timeIso
                ? `= ${formatUtc(choice.timeIso)}`
                : 'Pick a time inside the recovery window'
            }
          />
        )}
        {choice.outsideWindow && (
          <Alert severity="warning">
            This time is outside the recovery window (
            {formatLocal(choice.windowFrom) ?? '?'} →{' '}
            {formatLocal(choice.windowTo) ?? '?'}): recovery would fail.
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={!choice.target}
          onClick={openTemplate}
        >
          Open recovery template
        </Button>
      </DialogActions>
    </FocusSafeDialog>
  );
}
