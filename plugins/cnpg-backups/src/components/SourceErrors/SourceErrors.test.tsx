import { render, screen } from '@testing-library/react';
import { brokenStatus } from '../../__fixtures__/statuses';
import { SourceErrors } from './SourceErrors';

describe('SourceErrors', () => {
  it('names the source, the error and the target', () => {
    render(<SourceErrors errors={brokenStatus.errors} />);
    expect(screen.getByTestId('source-error')).toHaveTextContent(
      'S3 · AccessDenied (https://s3.eu-central-1.amazonaws.com): Access Denied listing s3://legacy/db/',
    );
  });

  it('renders nothing without errors', () => {
    const { container } = render(<SourceErrors errors={[]} />);
    expect(container).toBeEmptyDOMElement();
  });
});
