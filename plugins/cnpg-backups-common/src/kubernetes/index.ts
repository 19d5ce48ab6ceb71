export * from './names';
export * from './resources';
