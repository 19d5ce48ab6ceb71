/*
 * Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for with
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io,...`. Custom resources use their CRD's
 * additionalPrinterColumns (dates humanised on the server, as the API server does); core types get the
 * columns kubectl users know.
 */
import { listCnpgCrds } from '@cnpg-backups/plugin-cnpg-backups-node';
import { StandinResourceType } from './resources';
import { KubeObject } from './StandinStore';

type Column = {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  path?: string;
  value?: (o: KubeObject) => unknown;
};

/** Kubernetes' HumanDuration (k8s.io/apimachinery/pkg/util/duration). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10)
    return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8)
    return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0
      ? `${Math.floor(hours / 24)}d`
      : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const years = Math.floor(hours / 24 / 365);
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function at(obj: unknown, jsonPath: string): unknown {
  let cur: any = obj;
  for (const seg of jsonPath.replace(/^\./, '').split('.'))
    cur = cur && typeof cur === 'object' ? cur[seg] : undefined;
  return cur;
}

const nameColumn: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  value: o => o.metadata.name,
};
const ageColumn: Column = {
  name: 'Age',
  type: 'date',
  format: '',
  description: 'Time since creation',
  priority: 0,
  path: '.metadata.creationTimestamp',
};

function columnsFor(type: StandinResourceType): Column[] {
  if (type.kind === 'Secret') {
    return [
      nameColumn,
      {
        name: 'Type',
        type: 'string',
        format: '',
        description: 'The type of the secret',
        priority: 0,
        path: '.type',
      },
      {
        name: 'Data',
        type: 'string',
        format: '',
        description: 'Number of items',
        priority: 0,
        value: o => Object.keys((o.data as object) ?? {}).length,
      },
      ageColumn,
    ];
  }
  if (type.kind === 'Namespace') {
    return [
      nameColumn,
      {
        name: 'Status',
        type: 'string',
        format: '',
        description: 'Phase',
        priority: 0,
        path: '.status.phase',
      },
      ageColumn,
    ];
  }
  const crd = listCnpgCrds().find(
    c =>
      c.group === type.group &&
      c.version === type.version &&
      c.kind === type.kind,
  );
  const printer = crd?.additionalPrinterColumns ?? [];
  if (printer.length === 0) return [nameColumn, ageColumn];
  return [
    nameColumn,
    ...printer.map(p => ({
      name: p.name,
      type: p.type,
      format: p.format ?? '',
      description: p.description ?? '',
      priority: p.priority ?? 0,
      path: p.jsonPath,
    })),
  ];
}

function cell(column: Column, obj: KubeObject, now: Date): unknown {
  const raw = column.value ? column.value(obj) : at(obj, column.path!);
  if (raw === undefined || raw === null)
    return column.type === 'date' ? '<unknown>' : null;
  if (column.type === 'date' && typeof raw === 'string')
    return humanDuration(now.getTime() - Date.parse(raw));
  return raw;
}

/** Whether the Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  return Boolean(
    accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept),
  );
}

/** Converts objects to a Table as the API server's table convertor does. */
export function toTable(
  type: StandinResourceType,
  objects: KubeObject[],
  resourceVersion: string,
  now: Date,
) {
  const columns = columnsFor(type);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map(
      ({ name, type: t, format, description, priority }) => ({
        name,
        type: t,
        format,
        description,
        priority,
      }),
    ),
    rows: objects.map(o => ({
      cells: columns.map(c => cell(c, o, now)),
      object: {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: o.metadata,
      },
    })),
  };
}
