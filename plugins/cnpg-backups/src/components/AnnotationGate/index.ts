export { AnnotationGate } from './AnnotationGate';
export type { AnnotationGateProps } from './AnnotationGate';
