/*
 * The plugin's settings read from `cnpgBackups.*` (see config.d.ts), once, at startup.
 */
import type { Config } from '@backstage/config';
import {
  readBackgroundRefreshConfig,
  type BackgroundRefreshConfig,
} from './service/BackgroundRefresh';
import { DEFAULT_STATUS_TTL_SECONDS } from './service/StatusCache';
import { DEFAULT_MAX_SCAN_STATES } from './archive/ScanCache';

/** The plugin's settings, with their defaults applied. */
export interface CnpgBackupsConfig {
  /** How long a bucket scan is reused (`cache.ttlSeconds`, default 60). */
  scanTtlSeconds: number;
  /**
   * How long statuses and the Kubernetes reads behind them are reused
   * (`cache.statusTtlSeconds`), never longer than a scan: a status embeds the catalog.
   */
  statusTtlSeconds: number;
  /**
   * Folders whose incremental scan state is kept in memory (`cache.maxScanStates`, default
   * 2000): must cover the fleet, or the fleet refresh rescans every bucket in full.
   */
  maxScanStates: number;
  /**
   * True when Backstage's cache service is this process's memory (`backend.cache.store`
   * unset or `memory`): no other replica reads it, so catalogs and statuses are not copied
   * into it (the in-process layers hold them already).
   */
  sharedCacheInProcess: boolean;
  /** S3 requests in flight per scan (`scan.concurrency`); undefined = the reader's default. */
  scanConcurrency?: number;
  /** Upper bound for one bucket operation (`scan.timeoutSeconds`); undefined = 60 s. */
  scanTimeoutMs?: number;
  /** Background refresh of the databases people look at (`refresh.*`). */
  refresh: BackgroundRefreshConfig;
}

export function readCnpgBackupsConfig(config: Config): CnpgBackupsConfig {
  const scanTtlSeconds =
    config.getOptionalNumber('cnpgBackups.cache.ttlSeconds') ?? 60;
  const statusTtlSeconds = Math.min(
    config.getOptionalNumber('cnpgBackups.cache.statusTtlSeconds') ??
      DEFAULT_STATUS_TTL_SECONDS,
    scanTtlSeconds,
  );
  const maxScanStates =
    config.getOptionalNumber('cnpgBackups.cache.maxScanStates') ??
    DEFAULT_MAX_SCAN_STATES;
  if (
    !Number.isInteger(maxScanStates) ||
    maxScanStates < 0 ||
    maxScanStates > 1_000_000
  ) {
    throw new Error(
      `cnpgBackups.cache.maxScanStates must be an integer from 0 to 1000000, got ${maxScanStates}`,
    );
  }
  const timeoutSeconds = config.getOptionalNumber(
    'cnpgBackups.scan.timeoutSeconds',
  );
  return {
    scanTtlSeconds,
    statusTtlSeconds,
    maxScanStates,
    sharedCacheInProcess:
      (config.getOptionalString('backend.cache.store') ?? 'memory') ===
      'memory',
    scanConcurrency: config.getOptionalNumber('cnpgBackups.scan.concurrency'),
    // 0 (like unset) keeps the default.
    scanTimeoutMs: timeoutSeconds ? timeoutSeconds * 1000 : undefined,
    refresh: readBackgroundRefreshConfig(config),
  };
}
