export { SourceErrors } from './SourceErrors';
export type { SourceErrorsProps } from './SourceErrors';
