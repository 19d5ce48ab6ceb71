export {
  InvalidScheduleError,
  parseCnpgSchedule,
  parseGoDuration,
  nextCnpgRuns,
  describeCnpgSchedule,
  expectedIntervalSeconds,
  summarizeScheduledBackup,
} from './cnpgSchedule';
export type { ParsedCnpgSchedule, ScheduledBackupLike } from './cnpgSchedule';
