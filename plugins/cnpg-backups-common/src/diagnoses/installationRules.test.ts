import {
  crdNotInstalledRule,
  objectStoreCrdHasSidecarEnv,
  objectStoreCrdLacksEnvRule,
  pluginNotInstalledRule,
} from './installationRules';
import { context } from './testContext';
import fs from 'node:fs';
import YAML from 'yaml';

describe('pluginNotInstalledRule', () => {
  it('fires when the ObjectStore CRD is missing for a plugin cluster', () => {
    const [d] = pluginNotInstalledRule(
      context({ missingCrds: ['objectstores.barmancloud.cnpg.io'] }),
    );
    expect(d).toMatchObject({ id: 'plugin-not-installed', severity: 'error' });
  });
  it('fires on the "unknown plugin" phase', () => {
    const c = context();
    const [d] = pluginNotInstalledRule(
      context({
        cluster: {
          ...c.cluster,
          phase:
            'Cluster cannot proceed to reconciliation due to an unknown plugin being required',
        },
      }),
    );
    expect(d.evidence.join()).toMatch(/unknown plugin/);
  });
  it('does not fire when installed', () => {
    expect(pluginNotInstalledRule(context())).toEqual([]);
    expect(
      pluginNotInstalledRule(
        context({
          pluginEntry: undefined,
          missingCrds: ['objectstores.barmancloud.cnpg.io'],
        }),
      ),
    ).toEqual([]);
  });
});

describe('crdNotInstalledRule', () => {
  it('fires for missing CNPG CRDs', () => {
    expect(
      crdNotInstalledRule(
        context({ missingCrds: ['scheduledbackups.postgresql.cnpg.io'] }),
      )[0],
    ).toMatchObject({ id: 'crd-not-installed' });
  });
  it('leaves the ObjectStore CRD to the plugin rule', () => {
    expect(
      crdNotInstalledRule(
        context({ missingCrds: ['objectstores.barmancloud.cnpg.io'] }),
      ),
    ).toEqual([]);
  });
});

describe('objectStoreCrdHasSidecarEnv', () => {
  it('finds env in the real plugin v0.14 CRD', () => {
    const crd = YAML.parse(
      fs.readFileSync(
        '/work/shared/crds/barmancloud.cnpg.io_objectstores.yaml',
        'utf8',
      ),
    );
    expect(objectStoreCrdHasSidecarEnv(crd)).toBe(true);
  });
  it('reports false for an old schema without env', () => {
    const crd = {
      spec: {
        versions: [
          {
            name: 'v1',
            storage: true,
            schema: {
              openAPIV3Schema: {
                properties: {
                  spec: {
                    properties: {
                      instanceSidecarConfiguration: {
                        properties: { retentionPolicyIntervalSeconds: {} },
                      },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    expect(objectStoreCrdHasSidecarEnv(crd)).toBe(false);
  });
  it('reports undefined when the CRD has no schema', () => {
    expect(objectStoreCrdHasSidecarEnv({})).toBeUndefined();
  });
});

describe('objectStoreCrdLacksEnvRule', () => {
  it('fires when the CRD lacks env', () => {
    expect(
      objectStoreCrdLacksEnvRule(
        context({ objectStoreCrdHasSidecarEnv: false }),
      )[0],
    ).toMatchObject({
      id: 'objectstore-crd-lacks-env',
      severity: 'warning',
    });
  });
  it('does not fire when env exists or the CRD was unreadable', () => {
    expect(objectStoreCrdLacksEnvRule(context())).toEqual([]);
    expect(
      objectStoreCrdLacksEnvRule(
        context({ objectStoreCrdHasSidecarEnv: undefined }),
      ),
    ).toEqual([]);
  });
});
