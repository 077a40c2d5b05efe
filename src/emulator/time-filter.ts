/**
 * The recovery point `$filter` as the Azure CLI writes it: `startDate eq '<t>' and endDate eq '<t>'`, either
 * part alone. Both bounds are inclusive. Times without a zone are read as UTC.
 */
import { ArmError } from './http';

export interface TimeWindow {
  fromMs?: number;
  toMs?: number;
}

const CLAUSE = /^(startDate|endDate)\s+(eq|ge|le)\s+'([^']*)'$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function invalid(filter: string, why: string): ArmError {
  return new ArmError(400, 'BadRequest', `Invalid $filter "${filter}": ${why}.`);
}

export function parseTimeFilter(filter: string | null): TimeWindow {
  if (filter === null || filter.trim() === '') return {};
  const window: TimeWindow = {};
  for (const raw of filter.trim().split(/\s+and\s+/i)) {
    const clause = CLAUSE.exec(raw.trim());
    if (!clause)
      throw invalid(filter, `expected startDate eq '<time>' and/or endDate eq '<time>', got "${raw.trim()}"`);
    const [, field, , value] = clause as unknown as [string, string, string, string];
    const ms = parseUtc(value);
    if (ms === undefined) throw invalid(filter, `"${value}" is not an ISO 8601 date-time`);
    if (field.toLowerCase() === 'startdate') window.fromMs = ms;
    else window.toMs = ms;
  }
  return window;
}

function parseUtc(value: string): number | undefined {
  const text = value.trim();
  if (!ISO.test(text)) return undefined;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  return Number.isFinite(ms) ? ms : undefined;
}
