import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  coreExtensionData,
  type ExtensionDefinition,
  type OverridableFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import { legacyCnpgBackupsPlugin } from './legacyCnpgBackupsPlugin';

const annotated: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'payments',
    annotations: { 'cnpg.io/cluster': 'payments/payments-db' },
  },
};
const plain: Entity = { ...annotated, metadata: { name: 'other' } };

// convertLegacyPlugin is typed as a plain FrontendPlugin; the instance is overridable.
function extension(id: string): ExtensionDefinition {
  return (
    legacyCnpgBackupsPlugin as unknown as OverridableFrontendPlugin
  ).getExtension(id) as ExtensionDefinition;
}

describe('legacyCnpgBackupsPlugin', () => {
  it('converts the legacy plugin into a feature with the same plugin id', () => {
    expect(legacyCnpgBackupsPlugin.pluginId).toBe('cnpg-backups');
  });

  it('puts the legacy card on overview pages of annotated entities', () => {
    const card = extension('entity-card:cnpg-backups/backups');
    const filter = createExtensionTester(card).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    ) as unknown as (entity: Entity) => boolean;
    expect(filter(annotated)).toBe(true);
    expect(filter(plain)).toBe(false);
  });

  it('mounts the legacy content as the Backups tab at cnpg-backups', () => {
    const content = extension('entity-content:cnpg-backups/backups');
    const tester = createExtensionTester(content);
    expect(tester.get(coreExtensionData.routePath)).toBe('cnpg-backups');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Backups');
  });
});
