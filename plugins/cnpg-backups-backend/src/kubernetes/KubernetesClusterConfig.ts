/*
 * Kubernetes clusters come from Backstage's own `kubernetes` config, so operators configure
 * them once: `kubernetes.clusterLocatorMethods[]` entries of `type: config`. The optional
 * `cnpgBackups.kubernetes.clusters` list narrows that set.
 */
import type { Config } from '@backstage/config';
import fs from 'node:fs';
import type { KubernetesClusterConnection } from './types';

export type { KubernetesClusterConnection } from './types';

/** Thrown for config this plugin cannot use. @public */
export class KubernetesConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubernetesConfigError';
  }
}

function decodeCaData(value: string, clusterName: string): string {
  const text = value.includes('-----BEGIN')
    ? value
    : Buffer.from(value, 'base64').toString('utf8');
  if (!text.includes('-----BEGIN')) {
    throw new KubernetesConfigError(
      `kubernetes cluster "${clusterName}": caData is neither PEM nor base64-encoded PEM`,
    );
  }
  return text;
}

/**
 * Reads the Kubernetes clusters from `kubernetes.clusterLocatorMethods[type=config]`, filtered
 * by `cnpgBackups.kubernetes.clusters` when set.
 * @public
 */
export function readKubernetesClusters(
  rootConfig: Config,
): KubernetesClusterConnection[] {
  const methods =
    rootConfig.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const include = rootConfig.getOptionalStringArray(
    'cnpgBackups.kubernetes.clusters',
  );
  const clusters: KubernetesClusterConnection[] = [];
  const seen = new Set<string>();
  for (const method of methods) {
    if (method.getString('type') !== 'config') continue;
    for (const c of method.getOptionalConfigArray('clusters') ?? []) {
      const name = c.getString('name');
      if (include && !include.includes(name)) continue;
      if (seen.has(name)) {
        throw new KubernetesConfigError(
          `kubernetes cluster "${name}" is configured twice`,
        );
      }
      seen.add(name);
      const caData = c.getOptionalString('caData');
      const caFile = c.getOptionalString('caFile');
      let caPem: string | undefined;
      if (caData) caPem = decodeCaData(caData, name);
      else if (caFile) caPem = fs.readFileSync(caFile, 'utf8');
      clusters.push({
        name,
        url: c.getString('url'),
        authProvider: c.getOptionalString('authProvider') ?? 'serviceAccount',
        token: c.getOptionalString('serviceAccountToken'),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        caPem,
      });
    }
  }
  return clusters;
}
