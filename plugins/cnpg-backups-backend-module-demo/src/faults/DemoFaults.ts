/*
 * DEMO ONLY: faults a person (or the e2e suite) injects into a healthy demo database, so the portal's
 * reactions (health, notifications, metrics) can be seen without a real incident; and their healing.
 *
 * The one fault: `archiving-failing` — the simulated operator reports ContinuousArchiving=False with the
 * boto3 checksum error of the RustFS runbook (what CloudNativePG reports when barman-cloud-wal-archive
 * fails). Healing puts back the condition the Cluster had before the fault.
 */
import { BOTO3_CHECKSUM_ERROR, type DemoDatabase } from '../scenarios';
import { kubeTime, type KubeObject, type StandinStore } from '../standin';

/** The faults the demo can inject. */
export const DEMO_FAULTS = ['archiving-failing'] as const;
export type DemoFaultKind = (typeof DEMO_FAULTS)[number];

/** An active fault. */
export interface ActiveDemoFault {
  /** The demo entity name (examples/cnpg-demo-entities.yaml), e.g. `payments`. */
  database: string;
  namespace: string;
  cluster: string;
  fault: DemoFaultKind;
  injectedAt: string;
}

/** The database named is not one of the demo's. */
export class UnknownDemoDatabaseError extends Error {
  name = 'UnknownDemoDatabaseError';
}
/** The fault named is not one the demo knows. */
export class UnknownDemoFaultError extends Error {
  name = 'UnknownDemoFaultError';
}

type Condition = {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
};

export class DemoFaults {
  readonly #store: StandinStore;
  readonly #databases: ReadonlyArray<
    Pick<DemoDatabase, 'entity' | 'namespace' | 'clusterName'>
  >;
  readonly #now: () => Date;
  /** Active faults by database, with the condition the Cluster had before. */
  readonly #active = new Map<
    string,
    { fault: ActiveDemoFault; before?: Condition }
  >();

  constructor(options: {
    store: StandinStore;
    databases: ReadonlyArray<
      Pick<DemoDatabase, 'entity' | 'namespace' | 'clusterName'>
    >;
    now: () => Date;
  }) {
    this.#store = options.store;
    this.#databases = options.databases;
    this.#now = options.now;
  }

  /** The active faults, by database name. */
  list(): ActiveDemoFault[] {
    return [...this.#active.values()]
      .map(a => ({ ...a.fault }))
      .sort((a, b) => a.database.localeCompare(b.database));
  }

  /**
   * Injects `fault` into `database` (a demo entity name). Injecting the fault a database already has
   * changes nothing and returns it.
   * @throws UnknownDemoDatabaseError, UnknownDemoFaultError
   */
  inject(options: { database: unknown; fault: unknown }): ActiveDemoFault {
    const db = this.#database(options.database);
    const fault = parseDemoFault(options.fault);
    const existing = this.#active.get(db.entity);
    if (existing) return { ...existing.fault };
    const before = this.#updateArchivingCondition(db, () => ({
      type: 'ContinuousArchiving',
      status: 'False',
      reason: 'ContinuousArchivingFailing',
      message: BOTO3_CHECKSUM_ERROR,
      lastTransitionTime: kubeTime(this.#now()),
    }));
    const active: ActiveDemoFault = {
      database: db.entity,
      namespace: db.namespace,
      cluster: db.clusterName,
      fault,
      injectedAt: this.#now().toISOString(),
    };
    this.#active.set(db.entity, { fault: active, before });
    return { ...active };
  }

  /**
   * Heals the fault of `database`: the Cluster gets back the condition it had before. Returns the healed
   * fault, or undefined when the database had none.
   * @throws UnknownDemoDatabaseError
   */
  heal(options: { database: unknown }): ActiveDemoFault | undefined {
    const db = this.#database(options.database);
    const active = this.#active.get(db.entity);
    if (!active) return undefined;
    this.#updateArchivingCondition(db, () =>
      active.before
        ? { ...active.before, lastTransitionTime: kubeTime(this.#now()) }
        : {
            type: 'ContinuousArchiving',
            status: 'True',
            reason: 'ContinuousArchivingSuccess',
            message: 'Continuous archiving is working',
            lastTransitionTime: kubeTime(this.#now()),
          },
    );
    this.#active.delete(db.entity);
    return { ...active.fault };
  }

  /** Replaces the Cluster's ContinuousArchiving condition (status subresource); returns the old one. */
  #updateArchivingCondition(
    db: Pick<DemoDatabase, 'namespace' | 'clusterName'>,
    next: () => Condition,
  ): Condition | undefined {
    const type = this.#store.findType('postgresql.cnpg.io', 'v1', 'clusters');
    if (!type) throw new Error('The demo stand-in serves no CNPG Cluster type');
    const cluster: KubeObject = this.#store.get(
      type,
      db.namespace,
      db.clusterName,
    );
    const status = { ...((cluster.status as Record<string, unknown>) ?? {}) };
    const conditions = (
      Array.isArray(status.conditions) ? status.conditions : []
    ) as Condition[];
    const before = conditions.find(c => c.type === 'ContinuousArchiving');
    status.conditions = [
      ...conditions.filter(c => c.type !== 'ContinuousArchiving'),
      next(),
    ];
    this.#store.update(
      type,
      db.namespace,
      db.clusterName,
      { ...cluster, status },
      { subresource: 'status' },
    );
    return before;
  }

  #database(name: unknown) {
    const known = this.#databases.map(d => d.entity).sort();
    if (typeof name !== 'string' || name.length === 0 || name.length > 63) {
      throw new UnknownDemoDatabaseError(
        `A demo database name is required, one of: ${known.join(', ')}`,
      );
    }
    const db = this.#databases.find(d => d.entity === name);
    if (!db) {
      throw new UnknownDemoDatabaseError(
        `"${name}" is not a demo database; the demo databases are: ${known.join(
          ', ',
        )}`,
      );
    }
    return db;
  }
}

/** Checks a fault name. @throws UnknownDemoFaultError */
export function parseDemoFault(value: unknown): DemoFaultKind {
  if (
    typeof value === 'string' &&
    (DEMO_FAULTS as readonly string[]).includes(value)
  ) {
    return value as DemoFaultKind;
  }
  const shown =
    typeof value === 'string'
      ? `"${value.slice(0, 64)}"`
      : `a ${value === null ? 'null' : typeof value}`;
  throw new UnknownDemoFaultError(
    `The fault must be one of: ${DEMO_FAULTS.join(', ')} (got ${shown})`,
  );
}
