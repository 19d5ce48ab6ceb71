export interface Config {
  /** Configuration for the CNPG Backups plugin. */
  cnpgBackups?: {};
}
