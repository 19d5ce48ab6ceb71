export {
  EntityCnpgBackupsCard,
  BACKUPS_TAB_PATH,
} from './EntityCnpgBackupsCard';
export type { EntityCnpgBackupsCardProps } from './EntityCnpgBackupsCard';
