import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { getContrastRatio, makeStyles } from '@material-ui/core/styles';
import { CodeSnippet } from '@backstage/core-components';
import type {
  Diagnosis,
  DiagnosisSeverity,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** Props of {@link DiagnosisList}. */
export interface DiagnosisListProps {
  diagnoses: Diagnosis[];
  /** Show at most this many (the list is already sorted by severity). */
  limit?: number;
  /** Show evidence, the fix and the copyable snippet. */
  detailed?: boolean;
}

/** The text colour with the better contrast on `background` (always ≥ 4.5:1, WCAG AA). */
export function readableOn(background: string): string {
  return getContrastRatio(background, '#fff') >=
    getContrastRatio(background, '#000')
    ? '#fff'
    : '#000';
}

const useStyles = makeStyles(theme => ({
  item: { marginBottom: theme.spacing(1.5), overflowWrap: 'anywhere' },
  error: {
    backgroundColor: theme.palette.error.main,
    color: readableOn(theme.palette.error.main),
  },
  warning: {
    backgroundColor: theme.palette.warning.main,
    color: readableOn(theme.palette.warning.main),
  },
  info: {
    backgroundColor: theme.palette.info.main,
    color: readableOn(theme.palette.info.main),
  },
  // Long lines of a fix snippet wrap instead of widening the card (copying keeps them whole).
  snippet: {
    maxWidth: '100%',
    '& pre, & code': {
      whiteSpace: 'pre-wrap !important',
      overflowWrap: 'anywhere',
    },
    // The highlighter's token colours fall below 4.5:1 on the dark theme's code background:
    // the snippet is shown in the theme's text colour.
    '& code span': { color: 'inherit !important' },
  },
  evidence: { margin: theme.spacing(0.5, 0), paddingLeft: theme.spacing(3) },
}));

/** A severity chip. */
export function SeverityChip(props: { severity: DiagnosisSeverity }) {
  const { severity } = props;
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={severity}
      className={classes[severity]}
      data-severity={severity}
    />
  );
}

/** Diagnoses with their severity; detailed mode adds evidence and a copyable fix. */
export function DiagnosisList(props: DiagnosisListProps) {
  const { diagnoses, limit, detailed = false } = props;
  const classes = useStyles();
  if (diagnoses.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No findings.
      </Typography>
    );
  }
  const shown = limit !== undefined ? diagnoses.slice(0, limit) : diagnoses;
  const hidden = diagnoses.length - shown.length;
  return (
    <Box component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
      {shown.map(diagnosis => (
        <li
          key={`${diagnosis.id}:${diagnosis.subject ?? ''}:${
            diagnosis.message
          }`}
          className={classes.item}
          data-diagnosis={diagnosis.id}
        >
          <Box display="flex" alignItems="flex-start" style={{ gap: 8 }}>
            <SeverityChip severity={diagnosis.severity} />
            <Typography variant="body2">{diagnosis.message}</Typography>
          </Box>
          {detailed && (
            <Box mt={1} ml={1}>
              {diagnosis.evidence.length > 0 && (
                <>
                  <Typography variant="caption" color="textSecondary">
                    Evidence
                  </Typography>
                  <ul className={classes.evidence}>
                    {diagnosis.evidence.map(line => (
                      <li key={line}>
                        <Typography variant="body2">{line}</Typography>
                      </li>
                    ))}
                  </ul>
                </>
              )}
              <Typography variant="body2">
                <strong>Fix:</strong> {diagnosis.fix}
              </Typography>
              {diagnosis.fixSnippet && (
                <Box className={classes.snippet}>
                  <CodeSnippet
                    text={diagnosis.fixSnippet}
                    language={
                      diagnosis.fixSnippet.trimStart().startsWith('kubectl')
                        ? 'bash'
                        : 'yaml'
                    }
                    showCopyCodeButton
                  />
                </Box>
              )}
            </Box>
          )}
        </li>
      ))}
      {hidden > 0 && (
        <li>
          <Typography variant="caption" color="textSecondary">
            and {hidden} more finding{hidden === 1 ? '' : 's'}
          </Typography>
        </li>
      )}
    </Box>
  );
}
