/**
 * Human-readable rendering of catalogs, in the spirit of `kubectl cnpg status`.
 */
import {
  formatBytes,
  type BarmanCatalog,
  type Diagnosis,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { ServerNameLine } from './inspect';

function formatTime(iso?: string): string {
  if (!iso) return '-';
  return iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
    .replace(/Z$/, ' UTC');
}

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

function section(title: string, lines: string[]): string[] {
  return [title, ...lines.map(l => `  ${l}`), ''];
}

function diagnosisLines(diagnoses: Diagnosis[]): string[] {
  if (diagnoses.length === 0) return ['No findings.'];
  const order = { error: 0, warning: 1, info: 2 } as const;
  return [...diagnoses]
    .sort((a, b) => order[a.severity] - order[b.severity])
    .flatMap(d => [
      `[${d.severity.toUpperCase()}] ${d.id}: ${d.message}`,
      ...d.evidence.slice(0, 5).map(e => `    evidence: ${e}`),
      `    fix: ${d.fix}`,
      ...(d.fixSnippet ? d.fixSnippet.split('\n').map(l => `      ${l}`) : []),
    ]);
}

/** Renders one catalog as a text report. @public */
export function renderCatalogText(catalog: BarmanCatalog): string {
  const errors = catalog.diagnoses.filter(d => d.severity === 'error').length;
  const warnings = catalog.diagnoses.filter(
    d => d.severity === 'warning',
  ).length;
  const done = catalog.backups.filter(b => b.status === 'DONE');
  const last = done[done.length - 1];
  const lines: string[] = [];
  lines.push(
    ...section('Barman archive', [
      `Destination:    ${catalog.destination}`,
      `Server name:    ${catalog.serverName}`,
      `Backups:        ${catalog.backups.length} (${done.length} DONE, ${
        catalog.backups.filter(b => b.restorable).length
      } restorable)`,
      `Last backup:    ${
        last ? `${last.id} ended ${formatTime(last.endTime)}` : '-'
      }`,
      `WAL objects:    ${catalog.scan.walObjects} (${
        catalog.wal.compressions.join(', ') || 'none'
      }; segment size ${formatBytes(catalog.wal.segmentSize)})`,
      `Findings:       ${errors} error(s), ${warnings} warning(s)`,
      `Scan:           ${catalog.scan.complete ? 'complete' : 'INCOMPLETE'}, ${
        catalog.scan.requests
      } S3 requests${
        catalog.scan.retries ? ` (+${catalog.scan.retries} retries)` : ''
      }, ${catalog.scan.durationMs} ms`,
      ...catalog.scan.errors.map(e => `  ${e.name}: ${e.message}`),
    ]),
  );
  const w = catalog.recoveryWindow;
  lines.push(
    ...section('Recovery window', [
      `First recoverability point: ${formatTime(w.firstRecoverabilityPoint)}`,
      `Last recoverable WAL:       ${w.lastRecoverableWal ?? '-'}`,
      `Last recoverable point:     ${formatTime(
        w.lastRecoverablePoint,
      )} (estimate: the WAL object's LastModified)`,
      ...(w.ranges.length
        ? table(
            ['TIMELINE', 'FROM', 'TO', 'BASE BACKUP', 'WAL'],
            w.ranges.map(r => [
              String(r.timeline),
              formatTime(r.from),
              formatTime(r.to),
              r.baseBackupId,
              `${r.fromWal}..${r.toWal}`,
            ]),
          )
        : [
            'No recoverable range: no DONE backup with its WAL in the archive.',
          ]),
    ]),
  );
  lines.push(
    ...section(
      'Backups',
      catalog.backups.length
        ? table(
            [
              'ID',
              'NAME',
              'STATUS',
              'END TIME',
              'BEGIN WAL',
              'END WAL',
              'TLI',
              'SIZE',
              'RESTORABLE',
            ],
            catalog.backups.map(b => [
              b.id,
              b.name ?? '-',
              b.status,
              formatTime(b.endTime),
              b.beginWal ?? '-',
              b.endWal ?? '-',
              b.timeline !== undefined ? String(b.timeline) : '-',
              formatBytes(b.storedBytes),
              b.restorable ? 'yes' : `no${b.error ? ` (${b.error})` : ''}`,
            ]),
          )
        : ['No backups.'],
    ),
  );
  lines.push(
    ...section(
      'WAL timelines',
      catalog.wal.timelines.length
        ? catalog.wal.timelines.flatMap(t => [
            `Timeline ${t.timeline}: ${t.segmentCount} segment(s) ${
              t.firstSegment ?? '-'
            } .. ${t.lastSegment ?? '-'}` +
              `${
                t.parentTimeline !== undefined
                  ? `, forked from ${t.parentTimeline} at ${t.switchLsn}`
                  : ''
              }` +
              `${t.historyFile ? '' : ', HISTORY FILE MISSING'}`,
            ...t.gaps.map(
              g =>
                `  gap: ${g.firstMissing} .. ${g.lastMissing} (${g.count} missing)`,
            ),
            ...(t.partialSegments.length
              ? [`  partial: ${t.partialSegments.join(', ')}`]
              : []),
          ])
        : ['No WAL files.'],
    ),
  );
  lines.push(...section('Diagnoses', diagnosisLines(catalog.diagnoses)));
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Renders the serverName overview as text. @public */
export function renderServerNamesText(
  destination: string,
  lines: ServerNameLine[],
): string {
  if (lines.length === 0) {
    return `No serverNames (folders with base/ or wals/) under ${destination}\n`;
  }
  const rows = table(
    [
      'SERVER NAME',
      'BACKUPS',
      'LAST BACKUP',
      'LAST WAL',
      'ERRORS',
      'WARNINGS',
      'SCAN',
    ],
    lines.map(l => [
      l.serverName,
      String(l.backups),
      l.lastBackup
        ? `${l.lastBackup.id} (${formatTime(l.lastBackup.endTime)})`
        : '-',
      l.lastWal ?? '-',
      String(l.diagnoses.error),
      String(l.diagnoses.warning),
      l.scanComplete
        ? 'complete'
        : `INCOMPLETE${
            l.scanErrors.length ? ` (${l.scanErrors.join(', ')})` : ''
          }`,
    ]),
  );
  return `ServerNames under ${destination}\n\n${rows.join('\n')}\n`;
}
