import type { ComponentType, ReactNode } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type { HealthLevel } from '@cnpg-backups/plugin-cnpg-backups-common';

/** Props of {@link HealthIndicator}. */
export interface HealthIndicatorProps {
  level: HealthLevel;
  children?: ReactNode;
}

const LEVEL_LABEL: Record<HealthLevel, string> = {
  ok: 'OK',
  warning: 'Warning',
  error: 'Error',
  unknown: 'Unknown',
};

// core-components' Status* lights mark themselves (children included) aria-hidden and carry an
// aria-label a plain span may not have: both are unset here so the text stays readable.
const LIGHTS = {
  ok: StatusOK,
  warning: StatusWarning,
  error: StatusError,
  unknown: StatusPending,
} as Record<HealthLevel, ComponentType<Record<string, unknown>>>;

const useStyles = makeStyles({
  visuallyHidden: {
    position: 'absolute',
    width: 1,
    height: 1,
    padding: 0,
    margin: -1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
    border: 0,
  },
  text: { minWidth: 0, overflowWrap: 'anywhere' },
});

/**
 * A status light (core-components Status*) for one health level. Screen readers hear the level
 * before the text ("Error: WAL archiving failing"); the coloured icon is decorative.
 */
export function HealthIndicator(props: HealthIndicatorProps) {
  const { level, children } = props;
  const classes = useStyles();
  const Light = LIGHTS[level] ?? StatusPending;
  return (
    <Light aria-hidden={undefined} aria-label={undefined}>
      {children !== undefined && (
        <span
          className={classes.visuallyHidden}
        >{`${LEVEL_LABEL[level]}: `}</span>
      )}
      <span data-health={level} className={classes.text}>
        {children ?? LEVEL_LABEL[level]}
      </span>
    </Light>
  );
}
