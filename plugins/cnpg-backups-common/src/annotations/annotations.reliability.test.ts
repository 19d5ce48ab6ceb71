/*
 * Reliability (issue 7): the annotation parser takes whatever users type into catalog-info.yaml.
 * 10,000 runs each: it returns well-formed, de-duplicated refs or throws the NAMED
 * InvalidAnnotationError (never a TypeError/RangeError, never a plain Error).
 *
 * The other parsers' fuzzing already runs 10,000 runs per property (NUM_RUNS in
 * catalog/__testUtils__/arbitraries.ts) and is not duplicated here:
 * catalog/backupInfo.fuzz.test.ts (backup.info), catalog/wal.fuzz.test.ts (WAL names),
 * catalog/history.fuzz.test.ts (timeline history files). The planner: recovery/planRecovery.reliability.test.ts.
 */
import type { Entity } from '@backstage/catalog-model';
import fc from 'fast-check';
import {
  ANNOTATION_CNPG_CLUSTER,
  ANNOTATION_CNPG_KUBERNETES_CLUSTER,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_NAMESPACE,
  getCnpgEntitySelector,
  InvalidAnnotationError,
  parseCnpgClusterAnnotation,
} from './annotations';

const RUNS = 10_000;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Pieces that look like annotation syntax, so the fuzzer reaches deep branches often. */
const piece = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    'db',
    'orders',
    'prod',
    'db/orders',
    'prod:db/orders',
    ':',
    '/',
    ',',
    ' ',
    '\n',
    '\u0000',
    '..',
    'a'.repeat(64),
    'Db',
    '-x',
    'x-',
    'ns/',
    '/name',
    'k8s:ns/a.b.c',
    'é',
    '💥',
  ),
);
const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
/** Well-formed entries (with spacing and duplicates) so the accepting path is exercised. */
const validValue = fc
  .array(
    fc.tuple(
      fc.option(fc.constantFrom('prod', 'demo', 'eu-1.k8s'), {
        nil: undefined,
      }),
      label,
      label,
      fc.constantFrom('', ' ', '  '),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map(entries =>
    entries
      .map(
        ([cluster, ns, name, pad]) =>
          `${pad}${cluster ? `${cluster}:` : ''}${ns}/${name}${pad}`,
      )
      .join(','),
  );
const annotationValue = fc.oneof(
  validValue,
  fc.string(),
  fc.array(piece, { maxLength: 12 }).map(parts => parts.join('')),
  fc.array(piece, { maxLength: 6 }).map(parts => parts.join(',')),
  fc.string({ minLength: 4000, maxLength: 5000 }),
);

function isNamedRejection(error: unknown): boolean {
  return (
    error instanceof InvalidAnnotationError &&
    error.name === 'InvalidAnnotationError' &&
    error.message.startsWith('Invalid ') &&
    error.message.length < 10_000
  );
}

describe('annotation parsing under fuzzing (10,000 runs each)', () => {
  it('parseCnpgClusterAnnotation: valid refs or InvalidAnnotationError', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        annotationValue,
        fc.option(piece, { nil: undefined }),
        (value, defaultCluster) => {
          let refs;
          try {
            refs = parseCnpgClusterAnnotation(value, defaultCluster);
          } catch (error) {
            return isNamedRejection(error);
          }
          accepted++;
          const keys = refs.map(
            r => `${r.kubernetesCluster ?? '*'}:${r.namespace}/${r.name}`,
          );
          return (
            refs.length > 0 &&
            new Set(keys).size === keys.length &&
            refs.every(
              r =>
                DNS_LABEL.test(r.namespace) &&
                r.name.length > 0 &&
                r.name.length <= 253 &&
                !/[\s/:,]/.test(r.name) &&
                (r.kubernetesCluster === undefined ||
                  !/[\s/:,]/.test(r.kubernetesCluster)),
            )
          );
        },
      ),
      { numRuns: RUNS },
    );
    // The accepting path must be exercised, not only rejections.
    expect(accepted).toBeGreaterThan(100);
  });

  it('parseCnpgClusterAnnotation: non-string values are rejected by name', () => {
    let rejected = 0;
    fc.assert(
      fc.property(fc.anything(), value => {
        if (typeof value === 'string') return true;
        try {
          parseCnpgClusterAnnotation(value as any);
          return false;
        } catch (error) {
          rejected++;
          return isNamedRejection(error);
        }
      }),
      { numRuns: RUNS },
    );
    expect(rejected).toBeGreaterThan(RUNS / 2);
  });

  it('getCnpgEntitySelector: a selector, undefined, or InvalidAnnotationError', () => {
    const maybe = fc.option(annotationValue, { nil: undefined });
    let selectors = 0;
    fc.assert(
      fc.property(
        maybe,
        maybe,
        fc.option(fc.oneof(piece, fc.constantFrom('orders', ' app ', '')), {
          nil: undefined,
        }),
        maybe,
        (explicit, kubeCluster, kubeId, kubeNamespace) => {
          const annotations: Record<string, string> = {};
          if (explicit !== undefined)
            annotations[ANNOTATION_CNPG_CLUSTER] = explicit;
          if (kubeCluster !== undefined)
            annotations[ANNOTATION_CNPG_KUBERNETES_CLUSTER] = kubeCluster;
          if (kubeId !== undefined)
            annotations[ANNOTATION_KUBERNETES_ID] = kubeId;
          if (kubeNamespace !== undefined)
            annotations[ANNOTATION_KUBERNETES_NAMESPACE] = kubeNamespace;
          const entity: Entity = {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'x', annotations },
          };
          let selector;
          try {
            selector = getCnpgEntitySelector(entity);
          } catch (error) {
            return isNamedRejection(error);
          }
          if (selector === undefined)
            return explicit === undefined && kubeId === undefined;
          selectors++;
          if (selector.kind === 'explicit')
            return explicit !== undefined && selector.clusters.length > 0;
          return (
            explicit === undefined &&
            selector.labelSelector.startsWith('backstage.io/kubernetes-id=') &&
            !/[,\s]/.test(selector.labelSelector)
          );
        },
      ),
      { numRuns: RUNS },
    );
    expect(selectors).toBeGreaterThan(100);
  });
});
