/*
 * Rules about ScheduledBackups: CNPG reads schedules seconds first, so a classic crontab
 * silently means something else; plus invalid, suspended, overdue and missing schedules.
 */
import type { Diagnosis } from '../catalog/types';
import type { DatabaseDiagnosisContext } from './types';
import { subjectOf } from './helpers';

/**
 * `cron-five-fields`: a 5-field schedule, which CNPG reads as `sec min hour dom month`.
 * @public
 */
export function cronFiveFieldsRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  return context.schedules
    .filter(s => s.fieldCount === 5 && !s.error)
    .map(s => {
      const fixed = `0 ${s.schedule.trim().split(/\s+/).join(' ')}`;
      return {
        id: 'cron-five-fields',
        severity: 'warning' as const,
        subject: subjectOf(context),
        message: `ScheduledBackup ${context.cluster.namespace}/${s.name} has the 5-field schedule "${s.schedule}", which CNPG reads seconds first (sec min hour dom month): it actually runs "${s.description}", not what the crontab reading suggests.`,
        evidence: [
          `spec.schedule="${s.schedule}" (${s.fieldCount} fields)`,
          `CNPG reading: ${s.description}`,
          ...(s.nextRun ? [`next run ${s.nextRun}`] : []),
        ],
        fix: `Use six fields, seconds first: "${fixed}" is the crontab "${s.schedule}" read as intended.`,
        // A fragment of the existing ScheduledBackup (a partial manifest would fail validation).
        fixSnippet: `# kubectl patch scheduledbackup ${s.name} -n ${context.cluster.namespace} --type merge -p '{"spec":{"schedule":"${fixed}"}}'\n# or in the ScheduledBackup ${s.name}:\nspec:\n  schedule: "${fixed}"\n`,
      };
    });
}

/**
 * `schedule-invalid`: CNPG cannot parse the schedule, so it never runs.
 * @public
 */
export function scheduleInvalidRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  return context.schedules
    .filter(s => s.error)
    .map(s => ({
      id: 'schedule-invalid',
      severity: 'error' as const,
      subject: subjectOf(context),
      message: `ScheduledBackup ${context.cluster.namespace}/${s.name} has an invalid schedule "${s.schedule}": no backup will ever run from it.`,
      evidence: [`spec.schedule="${s.schedule}"`, s.error as string],
      fix: 'Use a 6-field, seconds-first expression (e.g. "0 0 2 * * *" for 02:00 daily) or a descriptor such as @daily.',
      fixSnippet: `spec:\n  schedule: "0 0 2 * * *"\n`,
    }));
}

/**
 * `schedule-suspended`: the ScheduledBackup is suspended.
 * @public
 */
export function scheduleSuspendedRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  return context.schedules
    .filter(s => s.suspended)
    .map(s => ({
      id: 'schedule-suspended',
      severity: 'warning' as const,
      subject: subjectOf(context),
      message: `ScheduledBackup ${context.cluster.namespace}/${s.name} is suspended: no base backups are taken from it.`,
      evidence: [
        'spec.suspend=true',
        ...(s.lastScheduleTime ? [`last scheduled ${s.lastScheduleTime}`] : []),
      ],
      fix: 'Set spec.suspend to false (or remove it) when backups should resume.',
      fixSnippet: `spec:\n  suspend: false\n`,
    }));
}

/**
 * `schedule-overdue`: the last run is older than twice the expected interval.
 * @public
 */
export function scheduleOverdueRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  return context.schedules
    .filter(s => s.overdue && !s.suspended && !s.error)
    .map(s => ({
      id: 'schedule-overdue',
      severity: 'warning' as const,
      subject: subjectOf(context),
      message: `ScheduledBackup ${context.cluster.namespace}/${s.name} ("${
        s.description
      }") has not run for more than twice its interval${
        s.lastScheduleTime
          ? ` (last run ${s.lastScheduleTime})`
          : ' (never ran)'
      }.`,
      evidence: [
        `spec.schedule="${s.schedule}"`,
        `status.lastScheduleTime=${s.lastScheduleTime ?? '(unset)'}`,
        ...(s.nextRun ? [`next run expected ${s.nextRun}`] : []),
      ],
      fix: 'Check the CNPG operator logs and the Cluster (a Cluster that is not ready, or a previous backup stuck in "started", blocks new ones); kubectl cnpg backup <cluster> takes one now.',
    }));
}

/**
 * `no-scheduled-backup`: archiving is configured but no ScheduledBackup targets the cluster.
 * @public
 */
export function noScheduledBackupRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  if (!context.archive || context.schedules.length > 0) return [];
  // Without the CRD the ScheduledBackups could not be read at all: crd-not-installed says so.
  if (context.missingCrds.some(crd => crd.startsWith('scheduledbackups.')))
    return [];
  const method =
    context.archive.form === 'plugin' ? 'plugin' : 'barmanObjectStore';
  return [
    {
      id: 'no-scheduled-backup',
      severity: 'warning',
      subject: subjectOf(context),
      message: `No ScheduledBackup targets ${subjectOf(
        context,
      )}: only on-demand base backups are taken, and WAL replay from an old base backup gets longer every day.`,
      evidence: [
        `no ScheduledBackup with spec.cluster.name=${context.cluster.name} in ${context.cluster.namespace}`,
      ],
      fix: 'Create a ScheduledBackup (six fields, seconds first).',
      fixSnippet: `apiVersion: postgresql.cnpg.io/v1\nkind: ScheduledBackup\nmetadata:\n  name: ${
        context.cluster.name
      }-daily\n  namespace: ${
        context.cluster.namespace
      }\nspec:\n  schedule: "0 0 2 * * *"\n  backupOwnerReference: self\n  cluster:\n    name: ${
        context.cluster.name
      }\n  method: ${method}\n${
        method === 'plugin'
          ? '  pluginConfiguration:\n    name: barman-cloud.cloudnative-pg.io\n'
          : ''
      }`,
    },
  ];
}
