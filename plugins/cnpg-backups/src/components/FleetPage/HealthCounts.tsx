import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  FLEET_HEALTH_LEVELS,
  type FleetHealthLevel,
  type FleetPage as FleetPageResponse,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { HealthIndicator } from '../HealthIndicator';
import { Timestamp } from '../Timestamp';
import { LEVEL_LABEL } from './fleetColumns';

/** The count of databases per health (each a toggle of the health filter), the total, the refresh instant. */
export function HealthCounts(props: {
  response?: FleetPageResponse;
  selected: FleetHealthLevel[];
  onToggle: (level: FleetHealthLevel) => void;
}) {
  const { response, selected, onToggle } = props;
  const counts = response?.countsByHealth;
  const total = counts
    ? FLEET_HEALTH_LEVELS.reduce((sum, level) => sum + (counts[level] ?? 0), 0)
    : undefined;
  return (
    <Box
      component="section"
      aria-label="Databases per health"
      display="flex"
      flexWrap="wrap"
      alignItems="center"
      mb={2}
      style={{ gap: 8 }}
      data-testid="fleet-counts"
    >
      {FLEET_HEALTH_LEVELS.map(level => {
        const isSelected = selected.includes(level);
        return (
          <Button
            key={level}
            variant={isSelected ? 'contained' : 'outlined'}
            color={isSelected ? 'primary' : 'default'}
            aria-pressed={isSelected}
            onClick={() => onToggle(level)}
            data-health-count={level}
          >
            <HealthIndicator level={level}>
              {`${LEVEL_LABEL[level]}: ${counts?.[level] ?? '…'}`}
            </HealthIndicator>
          </Button>
        );
      })}
      <Typography variant="body2" color="textSecondary">
        {total !== undefined ? `${total} in all` : ''}
        {response?.refreshedAt ? (
          <>
            {' · refreshed '}
            <Timestamp value={response.refreshedAt} variant="relative" />
          </>
        ) : null}
      </Typography>
    </Box>
  );
}
