import type { Entity } from '@backstage/catalog-model';
import { InvalidAnnotationError } from './annotations';

/**
 * Annotation turning off CNPG Backups notifications for one entity: `cnpg.io/backup-notifications: "false"`.
 * Absent or `"true"` = the entity's owner is notified when a database's backup health worsens or recovers.
 * @public
 */
export const ANNOTATION_BACKUP_NOTIFICATIONS = 'cnpg.io/backup-notifications';

/**
 * Whether the entity's owner gets CNPG Backups notifications. Throws {@link InvalidAnnotationError}
 * for a value other than `"true"` or `"false"` (case-insensitive, surrounding spaces ignored).
 * @public
 */
export function areBackupNotificationsEnabled(
  entity: Pick<Entity, 'metadata'>,
): boolean {
  const raw = entity.metadata.annotations?.[ANNOTATION_BACKUP_NOTIFICATIONS];
  if (raw === undefined) return true;
  if (typeof raw !== 'string') {
    throw new InvalidAnnotationError(
      ANNOTATION_BACKUP_NOTIFICATIONS,
      'expected "true" or "false"',
    );
  }
  const value = raw.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidAnnotationError(
    ANNOTATION_BACKUP_NOTIFICATIONS,
    `expected "true" or "false", got ${JSON.stringify(raw.slice(0, 40))}`,
  );
}
