/*
 * DEMO ONLY: the demo's control routes, mounted by the demo module on the cnpg-backups plugin's router
 * (so under /api/cnpg-backups/demo/…) and only when `cnpgBackups.demo.enabled`:
 *
 *   GET    /demo/faults                 the active faults
 *   PUT    /demo/faults/:database       body { "fault": "archiving-failing" }: inject it (idempotent)
 *   DELETE /demo/faults/:database       heal it (404 when the database has no fault)
 *   POST   /demo/fleet/refresh          run the fleet refresh now (the scheduler's triggerTask), 202
 *
 * A module shares its plugin's services: the scheduler here is the cnpg-backups plugin's, the one that
 * holds the fleet refresh task. Every route needs a signed-in user (the plugin router's default policy,
 * checked again here).
 */
import type {
  HttpAuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import {
  DemoFaults,
  UnknownDemoDatabaseError,
  UnknownDemoFaultError,
} from './DemoFaults';

/** The fleet refresh task of the cnpg-backups backend (FLEET_REFRESH_TASK_ID there; a test checks they agree). */
export const DEMO_FLEET_REFRESH_TASK_ID = 'cnpg-backups-fleet-refresh';

function named<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UnknownDemoDatabaseError)
      throw new NotFoundError(error.message);
    if (error instanceof UnknownDemoFaultError)
      throw new InputError(error.message);
    throw error;
  }
}

export function createDemoRouter(options: {
  faults: DemoFaults;
  scheduler: Pick<SchedulerService, 'triggerTask'>;
  httpAuth: Pick<HttpAuthService, 'credentials'>;
  logger: Pick<LoggerService, 'info'>;
}): express.Router {
  const { faults, scheduler, httpAuth, logger } = options;
  const router = Router();
  router.use('/demo', express.json({ limit: '4kb' }));
  router.use('/demo', async (req, _res, next) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    next();
  });

  router.get('/demo/faults', (_req, res) => {
    res.json({ items: faults.list() });
  });

  router.put('/demo/faults/:database', (req, res) => {
    const body = req.body as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InputError(
        'The body must be a JSON object such as {"fault":"archiving-failing"}',
      );
    }
    const extra = Object.keys(body).filter(k => k !== 'fault');
    if (extra.length)
      throw new InputError(
        `Unknown field(s) in the body: ${extra.slice(0, 5).join(', ')}`,
      );
    const fault = named(() =>
      faults.inject({
        database: req.params.database,
        fault: (body as { fault?: unknown }).fault,
      }),
    );
    logger.info(
      `CNPG Backups demo: fault ${fault.fault} injected into ${fault.namespace}/${fault.cluster}`,
    );
    res.status(200).json(fault);
  });

  router.delete('/demo/faults/:database', (req, res) => {
    const healed = named(() => faults.heal({ database: req.params.database }));
    if (!healed)
      throw new NotFoundError(
        `The demo database "${req.params.database}" has no active fault`,
      );
    logger.info(
      `CNPG Backups demo: fault ${healed.fault} healed on ${healed.namespace}/${healed.cluster}`,
    );
    res.status(200).json(healed);
  });

  router.post('/demo/fleet/refresh', async (_req, res) => {
    try {
      await scheduler.triggerTask(DEMO_FLEET_REFRESH_TASK_ID);
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'ConflictError') {
        throw new ConflictError(
          'A fleet refresh is running; trigger again when it has ended',
        );
      }
      if (name === 'NotFoundError') {
        throw new NotFoundError(
          'The fleet refresh is not scheduled (cnpgBackups.fleet.enabled is false?)',
        );
      }
      throw error;
    }
    res.status(202).json({ task: DEMO_FLEET_REFRESH_TASK_ID, triggered: true });
  });

  return router;
}
