export { rootRedirectPage } from './rootRedirect';
