/*
 * Issue 13, point 1: a fleet snapshot listener that notifies the owner of the entity when a
 * database's backup health worsens, gets a new error diagnosis, or recovers.
 *
 * Deduplication: the fleet refresher runs as a global-scope task (one replica at a time) and hands
 * each database's stored previous snapshot with the new one, so one change is seen by exactly one
 * call across refreshes and replicas; the notification scope (one per database) makes a repeated
 * send update the same entry instead of adding one.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  areBackupNotificationsEnabled,
  type DatabaseSnapshot,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { classifySnapshotChange } from './classifyChange';
import { buildNotificationPayload } from './buildNotification';
import { redactSecrets } from './redact';

/** One database of one refresh, as the fleet refresher hands it to listeners. */
export interface SnapshotChangeInput {
  previous?: DatabaseSnapshot;
  current: DatabaseSnapshot;
  entity?: Entity;
}

/** `cnpgBackups.notifications.enabled` (default true). */
export function readNotificationsEnabled(config: Config): boolean {
  return config.getOptionalBoolean('cnpgBackups.notifications.enabled') ?? true;
}

export class BackupHealthNotifier {
  readonly #notifications: NotificationService;
  readonly #logger: LoggerService;

  constructor(options: {
    notifications: NotificationService;
    logger: LoggerService;
  }) {
    this.#notifications = options.notifications;
    this.#logger = options.logger;
  }

  /** Sends one notification per database whose change is worth telling; returns how many were sent. */
  async onSnapshots(changes: SnapshotChangeInput[]): Promise<void> {
    await this.notify(changes);
  }

  async notify(changes: SnapshotChangeInput[]): Promise<number> {
    let sent = 0;
    for (const { previous, current, entity } of changes) {
      const entityRef = current.entityRef;
      if (!entityRef) continue; // unowned: nobody to tell (the fleet page lists it)
      const change = classifySnapshotChange(previous, current);
      if (!change) continue;
      if (entity && !this.#optedIn(entity, current.databaseId)) continue;
      try {
        await this.#notifications.send({
          recipients: { type: 'entity', entityRef },
          payload: buildNotificationPayload(change, current),
        });
        sent += 1;
        this.#logger.info('CNPG backup health notification sent', {
          databaseId: current.databaseId,
          entityRef,
          change: change.kind,
          from: change.from,
          to: change.to,
        });
      } catch (error) {
        this.#logger.warn('CNPG backup health notification failed', {
          databaseId: current.databaseId,
          entityRef,
          change: change.kind,
          error: redactSecrets(String((error as Error)?.message ?? error)),
        });
      }
    }
    return sent;
  }

  #optedIn(entity: Entity, databaseId: string): boolean {
    try {
      return areBackupNotificationsEnabled(entity);
    } catch (error) {
      // A malformed opt-out still notifies (failing open for a safety alert), and says why.
      this.#logger.warn(
        `${
          (error as Error).message
        }; notifying the owner of ${databaseId} anyway`,
      );
      return true;
    }
  }
}
