export { signInModule, visitorAuthApiRef } from './signInModule';
export { ProxiedDemoAuth } from './ProxiedDemoAuth';
