import Typography from '@material-ui/core/Typography';
import {
  formatLocal,
  formatLocalShort,
  formatRelative,
  formatUtc,
} from '../../lib/time';

/** Props of {@link Timestamp}. */
export interface TimestampProps {
  /** ISO-8601 instant. */
  value?: string;
  /** `local` (default): local time plus relative; `relative`: relative only; `short`: local time to the minute. */
  variant?: 'local' | 'relative' | 'short';
  /** Text when there is no value. */
  fallback?: string;
}

/**
 * An instant in the viewer's time zone, with the UTC time in the tooltip (title attribute).
 */
export function Timestamp(props: TimestampProps) {
  const { value, variant = 'local', fallback = '—' } = props;
  const local = formatLocal(value);
  if (!value || !local) {
    return <span>{fallback}</span>;
  }
  const relative = formatRelative(value);
  let text = `${local} (${relative})`;
  if (variant === 'relative') {
    text = relative ?? local;
  } else if (variant === 'short') {
    text = formatLocalShort(value) ?? local;
  }
  return (
    <Typography
      component="time"
      variant="inherit"
      dateTime={value}
      title={formatUtc(value)}
    >
      {text}
    </Typography>
  );
}
