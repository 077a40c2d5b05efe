/**
 * Reads how long Azure asks us to wait. ARM sends `Retry-After` in seconds (sometimes an HTTP date);
 * some services send milliseconds in `retry-after-ms` / `x-ms-retry-after-ms`, which are more precise and win.
 * Header names must already be lower-case.
 */
export function parseRetryAfterMs(
  headers: Readonly<Record<string, string | undefined>>,
  now = Date.now(),
): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = toNonNegativeNumber(headers[name]);
    if (ms !== undefined) return Math.round(ms);
  }
  const value = headers['retry-after']?.trim();
  if (!value) return undefined;
  const seconds = toNonNegativeNumber(value);
  if (seconds !== undefined) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function toNonNegativeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}
