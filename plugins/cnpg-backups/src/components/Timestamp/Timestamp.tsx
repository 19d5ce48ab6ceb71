import Typography from '@material-ui/core/Typography';
import { formatLocal, formatRelative, formatUtc } from '../../lib/time';

/** Props of {@link Timestamp}. */
export interface TimestampProps {
  /** ISO-8601 instant. */
  value?: string;
  /** `local` (default): local time plus relative; `relative`: relative only. */
  variant?: 'local' | 'relative';
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
  const text = variant === 'relative' ? relative : `${local} (${relative})`;
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
