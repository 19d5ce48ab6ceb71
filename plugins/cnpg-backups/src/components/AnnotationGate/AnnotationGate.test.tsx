import { renderInTestApp } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { AnnotationGate } from './AnnotationGate';

function entityWith(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'obot', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

describe('AnnotationGate', () => {
  it('renders its children for a valid annotation', async () => {
    await renderInTestApp(
      <EntityProvider
        entity={entityWith({ 'cnpg.io/cluster': 'obot/obot-db' })}
      >
        <AnnotationGate>content</AnnotationGate>
      </EntityProvider>,
    );
    expect(screen.getByText('content')).toBeInTheDocument();
  });

  it('names the annotation to add when it is missing', async () => {
    await renderInTestApp(
      <EntityProvider entity={entityWith({})}>
        <AnnotationGate>content</AnnotationGate>
      </EntityProvider>,
    );
    expect(screen.queryByText('content')).not.toBeInTheDocument();
    expect(screen.getAllByText(/cnpg.io\/cluster/).length).toBeGreaterThan(0);
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
  });

  it("shows the parser's message for an invalid annotation", async () => {
    await renderInTestApp(
      <EntityProvider entity={entityWith({ 'cnpg.io/cluster': 'Obot_DB' })}>
        <AnnotationGate>content</AnnotationGate>
      </EntityProvider>,
    );
    expect(
      screen.getByText('Invalid cnpg.io/cluster annotation'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('annotation-error')).toHaveTextContent(
      'Invalid cnpg.io/cluster annotation: "Obot_DB" must be <namespace>/<name> or <kubernetes-cluster>:<namespace>/<name>',
    );
  });
});
