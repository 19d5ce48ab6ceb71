import {
  ANNOTATION_BACKUP_NOTIFICATIONS,
  areBackupNotificationsEnabled,
} from './notifications';
import { InvalidAnnotationError } from './annotations';

const entity = (value?: unknown) => ({
  metadata: {
    name: 'orders',
    annotations:
      value === undefined
        ? {}
        : ({ [ANNOTATION_BACKUP_NOTIFICATIONS]: value } as unknown as Record<
            string,
            string
          >),
  },
});

describe('areBackupNotificationsEnabled', () => {
  it('is on without the annotation and without annotations at all', () => {
    expect(areBackupNotificationsEnabled(entity())).toBe(true);
    expect(areBackupNotificationsEnabled({ metadata: { name: 'x' } })).toBe(
      true,
    );
  });

  it.each([
    ['true', true],
    [' TRUE ', true],
    ['false', false],
    ['False', false],
    [' false\n', false],
  ])('reads %j as %s', (value, expected) => {
    expect(areBackupNotificationsEnabled(entity(value))).toBe(expected);
  });

  it.each(['no', '0', '', 'disabled', 'falsey'])(
    'rejects %j with the named error',
    value => {
      expect(() => areBackupNotificationsEnabled(entity(value))).toThrow(
        InvalidAnnotationError,
      );
      expect(() => areBackupNotificationsEnabled(entity(value))).toThrow(
        /cnpg\.io\/backup-notifications annotation: expected "true" or "false"/,
      );
    },
  );

  it('rejects a non-string value (hostile YAML: false as a boolean)', () => {
    expect(() => areBackupNotificationsEnabled(entity(false))).toThrow(
      InvalidAnnotationError,
    );
  });
});
