export { EntityCnpgBackupsContent } from './EntityCnpgBackupsContent';
export type { EntityCnpgBackupsContentProps } from './EntityCnpgBackupsContent';
