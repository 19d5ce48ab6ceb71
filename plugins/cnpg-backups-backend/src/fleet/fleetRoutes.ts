/*
 * The fleet routes: `GET /fleet` (one page of the stored latest rows) and
 * `GET /fleet/databases/:kubernetesCluster/:namespace/:name/history` (one database's stored
 * points). Both read stored snapshots only: a page view never scans a bucket.
 */
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  cnpgBackupsFleetReadPermission,
  cnpgBackupsStatusReadPermission,
  databaseId,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { Router } from 'express';
import type { RouteAuthorizer } from '../router/authorize';
import { databaseParams, parse } from '../router/validation';
import type { FleetSnapshotStore } from './FleetSnapshotStore';
import { applyFleetQuery, parseFleetQuery } from './query';

/** What the fleet routes read. */
export interface FleetRouteOptions {
  store: FleetSnapshotStore;
  now: () => Date;
}

function historyDays(query: Record<string, unknown>, max: number): number {
  for (const key of Object.keys(query)) {
    if (key !== 'days') {
      throw new InputError(
        `Invalid history query: unknown parameter "${key}" (known: days)`,
      );
    }
  }
  const value = query.days;
  if (value === undefined) return Math.min(30, max);
  if (typeof value !== 'string' || !/^\d{1,4}$/.test(value)) {
    throw new InputError(
      `Invalid history query: "days" must be an integer from 1 to ${max}`,
    );
  }
  const days = Number(value);
  if (days < 1 || days > max) {
    throw new InputError(
      `Invalid history query: "days" must be an integer from 1 to ${max} (the history retention), got ${days}`,
    );
  }
  return days;
}

export function addFleetRoutes(
  router: Router,
  options: { auth: RouteAuthorizer; fleet: FleetRouteOptions },
): void {
  const { auth, fleet } = options;

  router.get('/fleet', async (req, res) => {
    await auth.authorize(req, cnpgBackupsFleetReadPermission);
    const query = parseFleetQuery(req.query as Record<string, unknown>);
    const { rows, refreshedAt } = await fleet.store.latestRows();
    res.json(applyFleetQuery(rows, query, refreshedAt));
  });

  router.get(
    '/fleet/databases/:kubernetesCluster/:namespace/:name/history',
    async (req, res) => {
      // The fleet permission, or the status permission (the entity tab's history card).
      try {
        await auth.authorize(req, cnpgBackupsFleetReadPermission);
      } catch (error) {
        if (!(error instanceof NotAllowedError)) throw error;
        await auth.authorize(req, cnpgBackupsStatusReadPermission);
      }
      const params = parse(databaseParams, req.params, 'database');
      const days = historyDays(
        req.query as Record<string, unknown>,
        fleet.store.retentionDays,
      );
      const id = databaseId(params);
      const history = await fleet.store.history({
        databaseId: id,
        days,
        now: fleet.now(),
      });
      if (!history) {
        throw new NotFoundError(
          `No fleet snapshot of database ${id} yet (unknown database, or not refreshed since it appeared)`,
        );
      }
      res.json(history);
    },
  );
}
