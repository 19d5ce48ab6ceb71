import { ConfigReader } from '@backstage/config';
import { readCnpgBackupsConfig } from './config';
import { DEFAULT_STATUS_TTL_SECONDS } from './service/StatusCache';

describe('readCnpgBackupsConfig', () => {
  it('applies the defaults when nothing is set', () => {
    const settings = readCnpgBackupsConfig(new ConfigReader({}));
    expect(settings).toMatchObject({
      scanTtlSeconds: 60,
      statusTtlSeconds: Math.min(DEFAULT_STATUS_TTL_SECONDS, 60),
      scanConcurrency: undefined,
      scanTimeoutMs: undefined,
    });
    expect(settings.refresh.enabled).toBe(true);
  });

  it('keeps 2000 scan states by default (a 1,000-database fleet pass stays incremental), reads cache.maxScanStates and names a bad one', () => {
    expect(readCnpgBackupsConfig(new ConfigReader({})).maxScanStates).toBe(
      2000,
    );
    expect(
      readCnpgBackupsConfig(
        new ConfigReader({ cnpgBackups: { cache: { maxScanStates: 5000 } } }),
      ).maxScanStates,
    ).toBe(5000);
    for (const bad of [-1, 1.5, 2_000_000]) {
      expect(() =>
        readCnpgBackupsConfig(
          new ConfigReader({ cnpgBackups: { cache: { maxScanStates: bad } } }),
        ),
      ).toThrow(
        `cnpgBackups.cache.maxScanStates must be an integer from 0 to 1000000, got ${bad}`,
      );
    }
  });

  it('treats an unset or memory backend.cache.store as in-process, any other store as shared', () => {
    const read = (backend?: object) =>
      readCnpgBackupsConfig(new ConfigReader(backend ? { backend } : {}))
        .sharedCacheInProcess;
    expect(read()).toBe(true);
    expect(read({ cache: { store: 'memory' } })).toBe(true);
    expect(read({ cache: { store: 'redis', connection: 'redis://r' } })).toBe(
      false,
    );
  });

  it('never keeps a status longer than the scan it embeds', () => {
    const settings = readCnpgBackupsConfig(
      new ConfigReader({
        cnpgBackups: { cache: { ttlSeconds: 10, statusTtlSeconds: 300 } },
      }),
    );
    expect(settings.scanTtlSeconds).toBe(10);
    expect(settings.statusTtlSeconds).toBe(10);
  });

  it('reads the scan settings (timeout in ms; 0 keeps the default)', () => {
    const read = (scan: object) =>
      readCnpgBackupsConfig(new ConfigReader({ cnpgBackups: { scan } }));
    expect(read({ concurrency: 3, timeoutSeconds: 5 })).toMatchObject({
      scanConcurrency: 3,
      scanTimeoutMs: 5000,
    });
    expect(read({ timeoutSeconds: 0 }).scanTimeoutMs).toBeUndefined();
  });

  it('reads the background refresh section', () => {
    const settings = readCnpgBackupsConfig(
      new ConfigReader({
        cnpgBackups: { refresh: { enabled: false, frequency: { minutes: 2 } } },
      }),
    );
    expect(settings.refresh).toMatchObject({
      enabled: false,
      frequency: { minutes: 2 },
    });
  });

  it('names a setting of the wrong type', () => {
    expect(() =>
      readCnpgBackupsConfig(
        new ConfigReader({ cnpgBackups: { cache: { ttlSeconds: 'soon' } } }),
      ),
    ).toThrow(/cnpgBackups\.cache\.ttlSeconds/);
  });
});
