import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { cnpgBackupsApiRef } from './api';
import { entityResponse, paymentsStatus } from './__fixtures__/statuses';
import { mockCnpgApi } from './__testUtils__/testApp';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import cnpgBackupsPlugin, {
  cnpgBackupsEntityCard,
  cnpgBackupsEntityContent,
  cnpgBackupsFleetPage,
} from './alpha';
import { cnpgEntity } from './__testUtils__/testApp';

describe('cnpg-backups /alpha', () => {
  it('is a frontend plugin with the API, card and content extensions', () => {
    expect(cnpgBackupsPlugin.id).toBe('cnpg-backups');
    expect(String(cnpgBackupsEntityCard)).toContain(
      'kind=entity-card,name=backups',
    );
    expect(String(cnpgBackupsEntityContent)).toContain(
      'kind=entity-content,name=backups',
    );
  });

  it('adds the Databases page at /cnpg-databases with its nav title and icon', () => {
    expect(String(cnpgBackupsFleetPage)).toContain('kind=page,name=fleet');
    const tester = createExtensionTester(cnpgBackupsFleetPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/cnpg-databases');
    expect(tester.get(coreExtensionData.title)).toBe('Databases');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();
  });

  it('shows the card only for entities that name CNPG clusters', () => {
    const tester = createExtensionTester(cnpgBackupsEntityCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(cnpgEntity())).toBe(true);
    const plain = cnpgEntity();
    plain.metadata.annotations = {};
    expect(filter(plain)).toBe(false);
  });

  it('places the card in the info area (top of the overview) by default, configurable', () => {
    expect(
      createExtensionTester(cnpgBackupsEntityCard).get(
        EntityCardBlueprint.dataRefs.type,
      ),
    ).toBe('info');
    expect(
      createExtensionTester(cnpgBackupsEntityCard, {
        config: { type: 'content' },
      }).get(EntityCardBlueprint.dataRefs.type),
    ).toBe('content');
  });

  it('mounts the Backups tab at cnpg-backups for annotated entities', () => {
    const tester = createExtensionTester(cnpgBackupsEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('cnpg-backups');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Backups');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(
      filter(cnpgEntity('immich', 'immich/immich-database', 'Resource')),
    ).toBe(true);
    const plain = cnpgEntity();
    plain.metadata.annotations = { 'backstage.io/techdocs-ref': 'dir:.' };
    expect(filter(plain)).toBe(false);
  });

  it('renders the card in a new-frontend-system app', async () => {
    const api = mockCnpgApi();
    api.getEntityStatus.mockResolvedValue(
      entityResponse([paymentsStatus], 'component:default/payments'),
    );
    const tester = createExtensionTester(cnpgBackupsEntityCard, {
      apis: [[cnpgBackupsApiRef, api]],
    });
    renderInTestApp(
      <EntityProvider entity={cnpgEntity('payments', 'payments/payments-db')}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[cnpgBackupsApiRef, api]] },
    );
    expect(
      await screen.findByRole(
        'heading',
        { name: 'payments/payments-db' },
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Backups are healthy')).toBeInTheDocument();
  });
});
