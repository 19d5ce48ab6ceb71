export * from './annotations';
export * from './notifications';
