/*
 * The one wire client of the cnpg-backups REST API, for the frontend and backend callers.
 */
export * from './types';
export * from './CnpgBackupsClient';
