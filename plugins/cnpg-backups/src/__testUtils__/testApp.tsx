/*
 * Shared test harness: renders a component inside an entity page with a mock CNPG API and a
 * permission API (allow by default).
 */
import type { ReactElement } from 'react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  entityRouteRef,
  EntityProvider,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  AuthorizeResult,
  type EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import type { Entity } from '@backstage/catalog-model';
import type { CnpgBackupsApi } from '../api';
import { cnpgBackupsApiRef } from '../api';

/** A catalog entity annotated for CNPG backups. */
export function cnpgEntity(
  name = 'obot',
  annotation = 'obot/obot-db',
  kind = 'Component',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'cnpg.io/cluster': annotation,
        'cnpg.io/kubernetes-cluster': 'demo',
      },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

/** A jest-mocked {@link CnpgBackupsApi}. */
export function mockCnpgApi(): jest.Mocked<CnpgBackupsApi> {
  return {
    getEntityStatus: jest.fn(),
    createBackup: jest.fn(),
    getDatabaseStatus: jest.fn(),
    getServerNameEmptiness: jest.fn(),
    createCluster: jest.fn(),
    getFleet: jest.fn(),
    // No stored history unless a test says otherwise (the entity tab asks for it).
    getDatabaseHistory: jest.fn().mockImplementation(async request => ({
      databaseId: `${request.kubernetesCluster}/${request.namespace}/${request.name}`,
      points: [],
      diagnosisFirstSeen: {},
    })),
  };
}

/** Renders `element` on an entity page. */
export async function renderOnEntityPage(
  element: ReactElement,
  options: {
    api: CnpgBackupsApi;
    entity?: Entity;
    /** One decision for every request, or one per request (e.g. per resourceRef). */
    permission?:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY
      | ((
          request: EvaluatePermissionRequest,
        ) => AuthorizeResult.ALLOW | AuthorizeResult.DENY);
  },
) {
  const {
    api,
    entity = cnpgEntity(),
    permission = AuthorizeResult.ALLOW,
  } = options;
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [cnpgBackupsApiRef, api],
        [permissionApiRef, mockApis.permission({ authorize: permission })],
      ]}
    >
      <EntityProvider entity={entity}>{element}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
