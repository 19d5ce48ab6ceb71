export { createRouter, type RouterOptions } from './createRouter';
export type { PreSerializedJson, PreSerializedLookup } from './sendJson';
