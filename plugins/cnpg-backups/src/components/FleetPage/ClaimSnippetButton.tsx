import { useState } from 'react';
import Button from '@material-ui/core/Button';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { CodeSnippet } from '@backstage/core-components';
import { FocusSafeDialog } from '../FocusSafeDialog';

/** Props of {@link ClaimSnippetButton}. */
export interface ClaimSnippetButtonProps {
  /** `<namespace>/<cluster>`, for the dialog's title. */
  database: string;
  /** The annotation YAML from the backend (FleetRow.claimSnippet). */
  snippet: string;
}

const useStyles = makeStyles({
  // Long lines wrap instead of widening the dialog (copying keeps them whole); the
  // highlighter's token colours fall below 4.5:1 on its code background, so the snippet is
  // shown in the theme's text colour (as the diagnoses' fix snippets are).
  snippet: {
    maxWidth: '100%',
    '& pre, & code': {
      whiteSpace: 'pre-wrap !important',
      overflowWrap: 'anywhere',
    },
    '& code span': { color: 'inherit !important' },
  },
});

/** "Claim…" on an unowned row: the annotation that makes an entity own the Cluster, copyable. */
export function ClaimSnippetButton(props: ClaimSnippetButtonProps) {
  const { database, snippet } = props;
  const classes = useStyles();
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
      <FocusSafeDialog
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
          <div data-testid="claim-snippet" className={classes.snippet}>
            <CodeSnippet text={snippet} language="yaml" showCopyCodeButton />
          </div>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Close</Button>
        </DialogActions>
      </FocusSafeDialog>
    </>
  );
}
