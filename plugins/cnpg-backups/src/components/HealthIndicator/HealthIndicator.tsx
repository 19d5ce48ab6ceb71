import type { ReactNode } from 'react';
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

/** A status light (core-components Status*) for one health level. */
export function HealthIndicator(props: HealthIndicatorProps) {
  const { level, children } = props;
  const content = (
    <span
      data-health={level}
      aria-label={`${LEVEL_LABEL[level]}${
        typeof children === 'string' ? `: ${children}` : ''
      }`}
    >
      {children ?? LEVEL_LABEL[level]}
    </span>
  );
  switch (level) {
    case 'ok':
      return <StatusOK>{content}</StatusOK>;
    case 'warning':
      return <StatusWarning>{content}</StatusWarning>;
    case 'error':
      return <StatusError>{content}</StatusError>;
    default:
      return <StatusPending>{content}</StatusPending>;
  }
}
