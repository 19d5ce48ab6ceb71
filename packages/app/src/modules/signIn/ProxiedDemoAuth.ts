import {
  SessionState,
  type BackstageIdentityApi,
  type BackstageIdentityResponse,
  type DiscoveryApi,
  type ProfileInfo,
  type ProfileInfoApi,
  type SessionApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { Observable, Observer, Subscription } from '@backstage/types';

/** What the app needs from a sign-in provider listed on the sign-in page. */
export type ProxiedDemoAuthApi = ProfileInfoApi &
  BackstageIdentityApi &
  SessionApi;

/** The body of `GET /api/auth/<provider>/refresh` for a proxy provider. */
interface ProxiedSession {
  profile: ProfileInfo;
  backstageIdentity: BackstageIdentityResponse & { expiresInSeconds?: number };
}

/** Renew this long before the token's `exp`. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;
/** Used when the token carries no `exp`. */
const DEFAULT_LIFETIME_MS = 5 * 60 * 1000;

function tokenExpiry(token: string, now: number): number {
  try {
    const payload = JSON.parse(
      atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')),
    );
    if (typeof payload.exp === 'number') {
      return payload.exp * 1000 - EXPIRY_MARGIN_MS;
    }
  } catch {
    // Not a JWT we can read: fall back to a short lifetime.
  }
  return now + DEFAULT_LIFETIME_MS;
}

function isProxiedSession(body: unknown): body is ProxiedSession {
  const session = body as ProxiedSession | undefined;
  return (
    typeof session?.backstageIdentity?.token === 'string' &&
    typeof session.backstageIdentity.identity?.userEntityRef === 'string' &&
    Array.isArray(session.backstageIdentity.identity.ownershipEntityRefs)
  );
}

/**
 * A sign-in API for a proxy-type auth provider that needs no user interaction (like the guest
 * provider): every session comes from `GET /api/auth/<provider>/refresh`. Core-components'
 * SignInPage only knows the built-in "guest" provider by id; this lets the demo list a second
 * guest-like identity ("Visitor") as an ordinary `{ id, title, message, apiRef }` provider.
 */
export class ProxiedDemoAuth implements ProxiedDemoAuthApi {
  readonly #provider: string;
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  #session?: { value: ProxiedSession; expiresAt: number };
  #pending?: Promise<ProxiedSession>;
  readonly #observers = new Set<Observer<SessionState>>();

  constructor(options: {
    provider: string;
    discoveryApi: DiscoveryApi;
    /** For tests; defaults to the global fetch. */
    fetch?: typeof fetch;
    /** For tests; defaults to Date.now. */
    now?: () => number;
  }) {
    this.#provider = options.provider;
    this.#discoveryApi = options.discoveryApi;
    this.#fetch = options.fetch ?? ((...args) => fetch(...args));
    this.#now = options.now ?? Date.now;
  }

  async getBackstageIdentity(options?: {
    optional?: boolean;
  }): Promise<BackstageIdentityResponse | undefined> {
    const session = await this.#session_(options?.optional);
    return session?.backstageIdentity;
  }

  async getProfile(options?: {
    optional?: boolean;
  }): Promise<ProfileInfo | undefined> {
    const session = await this.#session_(options?.optional);
    return session?.profile;
  }

  async signIn(): Promise<void> {
    await this.#session_(false);
  }

  async signOut(): Promise<void> {
    this.#session = undefined;
    this.#pending = undefined;
    this.#emit(SessionState.SignedOut);
  }

  sessionState$(): Observable<SessionState> {
    const observers = this.#observers;
    const current = () =>
      this.#session ? SessionState.SignedIn : SessionState.SignedOut;
    const observable: Observable<SessionState> = {
      [Symbol.observable]: () => observable,
      subscribe(
        observerOrNext?:
          | Observer<SessionState>
          | ((value: SessionState) => void),
      ): Subscription {
        const observer: Observer<SessionState> =
          typeof observerOrNext === 'function'
            ? { next: observerOrNext }
            : observerOrNext ?? {};
        observers.add(observer);
        observer.next?.(current());
        let closed = false;
        return {
          get closed() {
            return closed;
          },
          unsubscribe() {
            closed = true;
            observers.delete(observer);
          },
        };
      },
    } as Observable<SessionState>;
    return observable;
  }

  #emit(state: SessionState) {
    for (const observer of this.#observers) {
      observer.next?.(state);
    }
  }

  async #session_(optional?: boolean): Promise<ProxiedSession | undefined> {
    if (this.#session && this.#now() < this.#session.expiresAt) {
      return this.#session.value;
    }
    if (!this.#pending) {
      this.#pending = this.#fetchSession().finally(() => {
        this.#pending = undefined;
      });
    }
    try {
      return await this.#pending;
    } catch (error) {
      if (optional) {
        return undefined;
      }
      throw error;
    }
  }

  async #fetchSession(): Promise<ProxiedSession> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('auth');
    const response = await this.#fetch(
      `${baseUrl}/${encodeURIComponent(this.#provider)}/refresh`,
      {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
        credentials: 'include',
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body: unknown = await response.json();
    if (!isProxiedSession(body)) {
      throw new Error(
        `The ${
          this.#provider
        } auth provider answered without a Backstage identity`,
      );
    }
    const now = this.#now();
    const expiresAt =
      typeof body.backstageIdentity.expiresInSeconds === 'number'
        ? now +
          body.backstageIdentity.expiresInSeconds * 1000 -
          EXPIRY_MARGIN_MS
        : tokenExpiry(body.backstageIdentity.token, now);
    const value: ProxiedSession = {
      profile: body.profile ?? {},
      backstageIdentity: {
        ...body.backstageIdentity,
        expiresAt: new Date(expiresAt + EXPIRY_MARGIN_MS),
      },
    };
    this.#session = { value, expiresAt };
    this.#emit(SessionState.SignedIn);
    return value;
  }
}
