import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  ANNOTATION_CNPG_CLUSTER,
  InvalidAnnotationError,
  parseCnpgClusterAnnotation,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  buildDemoDatabases,
  buildUnownedDemoObjects,
  UNOWNED_DEMO_CLUSTER,
} from './scenarios';
import { S3rverDiskWriter } from './s3/S3rverDiskWriter';

const entitiesFile = path.resolve(
  __dirname,
  '../../../examples/cnpg-demo-entities.yaml',
);

describe('examples/cnpg-demo-entities.yaml', () => {
  const entities = parseAllDocuments(fs.readFileSync(entitiesFile, 'utf8')).map(
    d => d.toJS(),
  );
  const dir = fs.mkdtempSync(
    path.join(
      fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(),
      'demo-entities-',
    ),
  );
  const databases = buildDemoDatabases({
    now: new Date('2026-11-22T10:17:00Z'),
    writer: new S3rverDiskWriter(dir),
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Where a Component points: its cnpg.io/cluster annotation, or the seeded Cluster carrying its kubernetes-id label. */
  function resolve(component: any): string | undefined {
    const annotations = component.metadata.annotations ?? {};
    if (annotations[ANNOTATION_CNPG_CLUSTER]) {
      return parseCnpgClusterAnnotation(
        annotations[ANNOTATION_CNPG_CLUSTER],
        annotations['cnpg.io/kubernetes-cluster'],
      )
        .map(r => `${r.kubernetesCluster}:${r.namespace}/${r.name}`)
        .join(',');
    }
    const id = annotations['backstage.io/kubernetes-id'];
    const labelled = databases.filter(d =>
      d.objects.some(
        o =>
          o.kind === 'Cluster' &&
          o.metadata.labels?.['backstage.io/kubernetes-id'] === id,
      ),
    );
    return labelled.map(d => `demo:${d.namespace}/${d.clusterName}`).join(',');
  }

  it('has one Component per demo database, pointing at its Cluster in the `demo` Kubernetes cluster', () => {
    const components = entities.filter(e => e.kind === 'Component');
    for (const db of databases) {
      const component = components.find(c => c.metadata.name === db.entity);
      expect({ entity: db.entity, found: Boolean(component) }).toEqual({
        entity: db.entity,
        found: true,
      });
      expect(component.spec).toMatchObject({
        owner: 'guests',
        lifecycle: 'production',
        system: 'databases-demo',
      });
      expect({ entity: db.entity, cluster: resolve(component) }).toEqual({
        entity: db.entity,
        cluster: `demo:${db.namespace}/${db.clusterName}`,
      });
    }
    expect(entities.find(e => e.kind === 'System')?.metadata.name).toBe(
      'databases-demo',
    );
  });

  it('leaves the unowned demo Cluster unclaimed: no annotation names it, no kubernetes-id label points at it', () => {
    const { namespace, name } = UNOWNED_DEMO_CLUSTER;
    const claims = entities.flatMap(e => {
      const value = e.metadata.annotations?.[ANNOTATION_CNPG_CLUSTER];
      if (!value) return [];
      try {
        return parseCnpgClusterAnnotation(
          value,
          e.metadata.annotations['cnpg.io/kubernetes-cluster'] ?? 'demo',
        ).map(r => `${r.namespace}/${r.name}`);
      } catch {
        return [];
      }
    });
    expect(claims).not.toContain(`${namespace}/${name}`);
    const [cluster] = buildUnownedDemoObjects({
      now: new Date('2026-11-22T10:17:00Z'),
    });
    expect(
      cluster.metadata.labels?.['backstage.io/kubernetes-id'],
    ).toBeUndefined();
    expect(`${cluster.metadata.namespace}/${cluster.metadata.name}`).toBe(
      `${namespace}/${name}`,
    );
  });

  it('includes exactly one Component with an invalid annotation (the error state)', () => {
    const invalid = entities.filter(e => {
      const value = e.metadata.annotations?.[ANNOTATION_CNPG_CLUSTER];
      if (!value) return false;
      try {
        parseCnpgClusterAnnotation(value);
        return false;
      } catch (error) {
        return error instanceof InvalidAnnotationError;
      }
    });
    expect(invalid.map(e => e.metadata.name)).toEqual(['reporting']);
  });
});
