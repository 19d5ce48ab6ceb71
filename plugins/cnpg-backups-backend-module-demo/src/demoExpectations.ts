/*
 * DEMO / TEST ONLY: what each demo database must show, whatever the hour (the demo is dated relative to
 * `now`, see scenarios.ts and CNPG_DEMO_NOW). ONE source for the Jest clock sweep (demoClockSweep.test.ts),
 * the plugin's demo test and the browser suite (packages/app/e2e-tests/cnpg-backups.test.ts). No imports: the
 * Playwright suite loads this file directly.
 */

/** A diagnosis id (see @cnpg-backups/plugin-cnpg-backups-common diagnoses). */
export type DemoDiagnosisId = string;

/** What one demo database shows at any instant. */
export interface DemoDatabaseExpectation {
  /** Backstage entity name (examples/cnpg-demo-entities.yaml). */
  entity: string;
  /** `<namespace>/<cluster>` as the card's heading shows it. */
  heading: string;
  namespace: string;
  cluster: string;
  /** Health level of the database. */
  health: 'ok' | 'warning' | 'error';
  /** Exactly the diagnosis ids of the database's status, sorted. */
  diagnoses: DemoDiagnosisId[];
  /** The diagnosis the runbook is about (the card must show it); undefined for the healthy database. */
  headline?: DemoDiagnosisId;
}

/** Every demo database, in scenario order. */
export const DEMO_DATABASE_EXPECTATIONS: readonly DemoDatabaseExpectation[] = [
  {
    entity: 'obot',
    heading: 'ai-system/obot-postgresql',
    namespace: 'ai-system',
    cluster: 'obot-postgresql',
    health: 'error',
    // retentionPolicy sits under configuration in the runbook, so the API server pruned it.
    diagnoses: [
      'checksum-incompatibility',
      'expected-empty-archive',
      'retention-not-set',
    ],
    headline: 'checksum-incompatibility',
  },
  {
    entity: 'platform-postgres',
    heading: 'databases/postgres',
    namespace: 'databases',
    cluster: 'postgres',
    health: 'warning',
    diagnoses: ['cron-five-fields', 'retention-not-set'],
    headline: 'cron-five-fields',
  },
  {
    entity: 'awx',
    heading: 'postgres/postgres-cluster',
    namespace: 'postgres',
    cluster: 'postgres-cluster',
    health: 'warning',
    // After the recovery only on-demand backups were taken.
    diagnoses: ['no-scheduled-backup'],
    headline: 'no-scheduled-backup',
  },
  {
    entity: 'cnpg-main',
    heading: 'apps/cnpg-main',
    namespace: 'apps',
    cluster: 'cnpg-main',
    health: 'warning',
    diagnoses: ['backup-failed', 'wal-gap'],
    headline: 'wal-gap',
  },
  {
    entity: 'immich',
    heading: 'cloudnative-pg/immich-database',
    namespace: 'cloudnative-pg',
    cluster: 'immich-database',
    health: 'warning',
    diagnoses: ['legacy-barman-object-store'],
    headline: 'legacy-barman-object-store',
  },
  {
    entity: 'payments',
    heading: 'payments/payments-db',
    namespace: 'payments',
    cluster: 'payments-db',
    health: 'ok',
    diagnoses: [],
  },
];
