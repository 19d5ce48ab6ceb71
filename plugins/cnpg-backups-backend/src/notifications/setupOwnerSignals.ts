/*
 * Issue 13 wiring: the notification listener on the fleet refresher, and the OTel gauges over the
 * stored latest snapshots (every replica reads the shared store, so every replica exports the same
 * values; the alert rules aggregate with max by the database labels).
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { DatabaseSnapshot } from '@cnpg-backups/plugin-cnpg-backups-common';
import type { Meter } from '@opentelemetry/api';
import { registerFleetMetrics } from '../metrics/FleetMetrics';
import {
  BackupHealthNotifier,
  readNotificationsEnabled,
  type SnapshotChangeInput,
} from './BackupHealthNotifier';

/** Structurally the fleet's FleetSnapshotListener (fleet/FleetRefresher.ts). */
interface SnapshotListener {
  onSnapshots(changes: SnapshotChangeInput[]): Promise<void>;
}

export async function setupOwnerSignals(options: {
  config: Config;
  logger: LoggerService;
  notifications: NotificationService;
  refresher: { addSnapshotListener(listener: SnapshotListener): void };
  store: { latestRows(): Promise<{ rows: DatabaseSnapshot[] }> };
  meter?: Meter;
}): Promise<{
  notifier?: BackupHealthNotifier;
  unregisterMetrics?: () => void;
}> {
  const { config, logger } = options;
  let notifier: BackupHealthNotifier | undefined;
  if (readNotificationsEnabled(config)) {
    notifier = new BackupHealthNotifier({
      notifications: options.notifications,
      logger,
    });
    options.refresher.addSnapshotListener(notifier);
  } else {
    logger.info(
      'CNPG Backups notifications are off (cnpgBackups.notifications.enabled: false)',
    );
  }
  let unregisterMetrics: (() => void) | undefined;
  if (config.getOptionalBoolean('cnpgBackups.metrics.enabled') ?? true) {
    const maxDatabases = config.getOptionalNumber(
      'cnpgBackups.metrics.maxDatabases',
    );
    if (
      maxDatabases !== undefined &&
      !(Number.isInteger(maxDatabases) && maxDatabases > 0)
    ) {
      throw new Error(
        `cnpgBackups.metrics.maxDatabases must be a positive integer, got ${maxDatabases}`,
      );
    }
    unregisterMetrics = registerFleetMetrics({
      source: {
        latestSnapshots: async () => (await options.store.latestRows()).rows,
      },
      logger,
      meter: options.meter,
      maxDatabases,
    });
  }
  return { notifier, unregisterMetrics };
}
