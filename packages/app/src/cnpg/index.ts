export { legacyCnpgBackupsPlugin } from './legacyCnpgBackupsPlugin';
