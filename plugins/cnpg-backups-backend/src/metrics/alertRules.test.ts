/*
 * Issue 13, point 3: the shipped PrometheusRule (docs/alerts/cnpg-backups.rules.yaml) evaluated by
 * the real `promtool test rules` (Debian package prometheus, installed by scripts/ensure-apt.sh),
 * and every metric the rules use is one this plugin exports.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import YAML from 'yaml';
import { FLEET_METRIC_NAMES } from './FleetMetrics';

const DOCS = path.resolve(__dirname, '../../../../docs/alerts');
const RULES = path.join(DOCS, 'cnpg-backups.rules.yaml');
const TESTS = path.join(DOCS, 'cnpg-backups.rules.test.yaml');

function promtool(): string {
  for (const candidate of ['/usr/bin/promtool', '/usr/local/bin/promtool']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    'promtool not found: install Debian package "prometheus" (scripts/ensure-apt.sh prometheus)',
  );
}

function extractRules(dir: string): string {
  const doc = YAML.parse(fs.readFileSync(RULES, 'utf8'));
  expect(doc.kind).toBe('PrometheusRule');
  expect(doc.apiVersion).toBe('monitoring.coreos.com/v1');
  const file = path.join(dir, 'cnpg-backups.rules.promtool.yaml');
  fs.writeFileSync(file, YAML.stringify({ groups: doc.spec.groups }));
  fs.copyFileSync(TESTS, path.join(dir, 'cnpg-backups.rules.test.yaml'));
  return file;
}

describe('docs/alerts/cnpg-backups.rules.yaml', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-rules-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes promtool check rules and promtool test rules', () => {
    const rules = extractRules(dir);
    execFileSync(promtool(), ['check', 'rules', rules], { stdio: 'pipe' });
    const out = execFileSync(
      promtool(),
      ['test', 'rules', path.join(dir, 'cnpg-backups.rules.test.yaml')],
      { stdio: 'pipe', encoding: 'utf8' },
    );
    expect(out).toContain('SUCCESS');
  });

  it('fails promtool when a rule is broken (the test can fail)', () => {
    extractRules(dir);
    const file = path.join(dir, 'cnpg-backups.rules.promtool.yaml');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replace('(cnpg_backups_wal_gaps) > 0', '(cnpg_backups_wal_gaps) > 5'),
    );
    expect(() =>
      execFileSync(
        promtool(),
        ['test', 'rules', path.join(dir, 'cnpg-backups.rules.test.yaml')],
        { stdio: 'pipe' },
      ),
    ).toThrow(/CnpgBackupWalGap/);
  });

  it('uses only metrics the backend exports, and the four required alerts exist', () => {
    const doc = YAML.parse(fs.readFileSync(RULES, 'utf8'));
    const rules = doc.spec.groups.flatMap((g: any) => g.rules);
    const used = new Set<string>(
      rules.flatMap((r: any) => r.expr.match(/cnpg_backups_[a-z0-9_]+/g) ?? []),
    );
    for (const name of used) expect(FLEET_METRIC_NAMES).toContain(name);
    expect(rules.map((r: any) => r.alert)).toEqual(
      expect.arrayContaining([
        'CnpgBackupExposureHigh',
        'CnpgBackupExposureAboveBound',
        'CnpgBackupWalGap',
        'CnpgBackupArchivingFailing',
        'CnpgBackupOverdue',
      ]),
    );
  });
});
