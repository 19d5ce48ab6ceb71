/* An upper bound for one bucket operation: past it, a named ScanTimeout error. */

/** The error of an archive operation that did not finish in time (`name` = `ScanTimeout`). */
export class ScanTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScanTimeout';
  }
}

export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ScanTimeoutError(`${what} did not finish within ${ms} ms`),
          ),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}
