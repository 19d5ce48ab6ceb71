/**
 * Test utilities of the CNPG Backups common package: realistic CNPG objects and catalogs for status tests.
 *
 * @packageDocumentation
 */
export * from './testUtils/statusFixtures';
