import { startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { cnpgBackupsPlugin } from './plugin';

describe('cnpgBackupsPlugin', () => {
  it('serves an unauthenticated health check', async () => {
    const { server } = await startTestBackend({ features: [cnpgBackupsPlugin] });
    const res = await request(server).get('/api/cnpg-backups/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});
