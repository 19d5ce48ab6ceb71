import type { Diagnosis } from '../catalog/types';
import type { ConditionSummary } from '../status/types';
import type { DatabaseDiagnosisContext } from './types';

/** `<namespace>/<name>` of the database. */
export function subjectOf(context: DatabaseDiagnosisContext): string {
  return `${context.cluster.namespace}/${context.cluster.name}`;
}

/**
 * A finding about the database's Cluster: `subject` is `<namespace>/<name>` and the message
 * reads "Cluster <namespace>/<name> <says>".
 */
export function clusterDiagnosis(
  context: DatabaseDiagnosisContext,
  finding: Omit<Diagnosis, 'subject' | 'message'> & { says: string },
): Diagnosis {
  const { id, severity, says, ...rest } = finding;
  const subject = subjectOf(context);
  // Same key order as a literal { id, severity, subject, message, evidence, fix, ... }.
  return {
    id,
    severity,
    subject,
    message: `Cluster ${subject} ${says}`,
    ...rest,
  };
}

export function findCondition(
  context: DatabaseDiagnosisContext,
  type: string,
): ConditionSummary | undefined {
  return context.cluster.conditions.find(c => c.type === type);
}

/** The ContinuousArchiving condition when it reports a failure. */
export function failingArchiving(
  context: DatabaseDiagnosisContext,
): ConditionSummary | undefined {
  const condition = findCondition(context, 'ContinuousArchiving');
  return condition?.status === 'False' ? condition : undefined;
}

export function conditionEvidence(condition: ConditionSummary): string {
  return `Cluster condition ${condition.type}=${condition.status}${
    condition.reason ? ` (${condition.reason})` : ''
  }${condition.message ? `: ${condition.message}` : ''}`;
}

/** Parses a CNPG retention policy (`^[1-9][0-9]*[dwm]$`; m = 31 days) into seconds. */
export function retentionSeconds(
  policy: string | undefined,
): number | undefined {
  const match = /^([1-9][0-9]*)([dwm])$/.exec(policy ?? '');
  if (!match) return undefined;
  const n = Number(match[1]);
  const day = 86400;
  const unit: Record<string, number> = { d: day, w: 7 * day, m: 31 * day };
  return n * unit[match[2]];
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * Sorts diagnoses by severity (error first), then id, then message; drops exact duplicates.
 * @public
 */
export function sortDiagnoses(diagnoses: Diagnosis[]): Diagnosis[] {
  const seen = new Set<string>();
  const unique = diagnoses.filter(d => {
    const key = `${d.id}\u0000${d.subject ?? ''}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.id.localeCompare(b.id) ||
      a.message.localeCompare(b.message),
  );
}

/** Indents every line of a YAML block. */
export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map(line => (line === '' ? line : pad + line))
    .join('\n');
}
