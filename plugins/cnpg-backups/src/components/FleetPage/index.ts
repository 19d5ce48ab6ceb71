export { FleetPage } from './FleetPage';
export type { FleetFilters, FleetPageProps } from './FleetPage';
