import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { CodeSnippet } from '@backstage/core-components';

/** Props of {@link ClaimSnippetButton}. */
export interface ClaimSnippetButtonProps {
  /** `<namespace>/<cluster>`, for the dialog's title. */
  database: string;
  /** The annotation YAML from the backend (FleetRow.claimSnippet). */
  snippet: string;
}

/** "Claim…" on an unowned row: the annotation that makes an entity own the Cluster, copyable. */
export function ClaimSnippetButton(props: ClaimSnippetButtonProps) {
  const { database, snippet } = props;
  const [open, setOpen] = useState(false);
  const titleId = `claim-${database.replace(/[^a-zA-Z0-9-]/g, '-')}`;
  return (
    <>
      <Button
        size="small"
        variant="outlined"
        onClick={() => setOpen(true)}
        aria-label={`Claim ${database}`}
      >
        Claim…
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        aria-labelledby={titleId}
        maxWidth="md"
      >
        <DialogTitle id={titleId}>Claim {database}</DialogTitle>
        <DialogContent>
          <Typography variant="body2" paragraph>
            No entity claims this CNPG Cluster. Add this annotation to the
            catalog-info.yaml of the entity that owns it: the database then gets
            its backup card and tab, and an owner on this page.
          </Typography>
          <div data-testid="claim-snippet">
            <CodeSnippet text={snippet} language="yaml" showCopyCodeButton />
          </div>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Close</Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
