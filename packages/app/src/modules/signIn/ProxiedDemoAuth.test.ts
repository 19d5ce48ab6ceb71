import { ProxiedDemoAuth } from './ProxiedDemoAuth';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

function session(expiresInSeconds = 3600) {
  return {
    profile: { displayName: 'Visitor' },
    backstageIdentity: {
      token: 'header.e30.signature',
      expiresInSeconds,
      identity: {
        type: 'user',
        userEntityRef: 'user:default/visitor',
        ownershipEntityRefs: ['user:default/visitor', 'group:default/visitors'],
      },
    },
  };
}

function setup(responses: Array<{ status: number; body: unknown }>) {
  let now = NOW;
  const fetchMock = jest.fn(async () => {
    const next = responses.shift()!;
    return new Response(JSON.stringify(next.body), {
      status: next.status,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  const auth = new ProxiedDemoAuth({
    provider: 'visitor',
    discoveryApi: { getBaseUrl: async () => 'http://portal/api/auth' },
    fetch: fetchMock as unknown as typeof fetch,
    now: () => now,
  });
  return { auth, fetchMock, advance: (ms: number) => (now += ms) };
}

describe('ProxiedDemoAuth', () => {
  it('signs in through the provider refresh endpoint and reuses the session until it nears expiry', async () => {
    const { auth, fetchMock, advance } = setup([
      { status: 200, body: session() },
      { status: 200, body: session() },
    ]);
    const identity = await auth.getBackstageIdentity();
    expect(identity?.identity.userEntityRef).toBe('user:default/visitor');
    expect(await auth.getProfile()).toEqual({ displayName: 'Visitor' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock).toHaveBeenCalledWith(
      'http://portal/api/auth/visitor/refresh',
      expect.objectContaining({
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      }),
    );
    // 54 min later (token valid 60 min, renewed 5 min early): still the same session.
    advance(54 * 60 * 1000);
    await auth.getBackstageIdentity();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    // 56 min: within the margin, a fresh session is fetched.
    advance(2 * 60 * 1000);
    await auth.getBackstageIdentity();
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('answers undefined for an optional request when the provider refuses, and throws otherwise', async () => {
    const refused = {
      status: 403,
      body: {
        error: { name: 'NotAllowedError', message: 'development only' },
      },
    };
    const { auth } = setup([refused, refused]);
    await expect(
      auth.getBackstageIdentity({ optional: true }),
    ).resolves.toBeUndefined();
    await expect(auth.getBackstageIdentity()).rejects.toThrow(/403/);
  });

  it('rejects an answer without a Backstage identity', async () => {
    const { auth } = setup([{ status: 200, body: { profile: {} } }]);
    await expect(auth.getBackstageIdentity()).rejects.toThrow(
      'The visitor auth provider answered without a Backstage identity',
    );
  });
});
