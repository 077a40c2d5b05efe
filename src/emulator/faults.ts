/**
 * Injected faults for ARM requests (POST /_emulator/faults). Rules are tried in order; the first rule whose
 * method and path match, and that has uses left, decides. Its probability is then rolled: a hit costs one
 * use and applies the latency and, when the rule has a status, the error answer.
 */
import { badRequest, cloudError, type EmulatorResponse, isRecord } from './http';

export interface FaultRule {
  method?: string;
  pathPattern?: string;
  status?: number;
  code?: string;
  message?: string;
  retryAfterSeconds?: number;
  times?: number;
  probability: number;
  latencyMs: number;
}

interface ActiveRule extends FaultRule {
  regex?: RegExp;
}

const DEFAULT_CODES: Readonly<Record<number, string>> = Object.freeze({
  429: 'SubscriptionRequestsThrottled',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
});
const DEFAULT_RETRY_AFTER_SECONDS = 1;
const MAX_LATENCY_MS = 120_000;

function parseRule(value: unknown, at: string): ActiveRule {
  if (!isRecord(value)) throw badRequest(`${at} must be an object.`);
  const rule: ActiveRule = { probability: 1, latencyMs: 0 };
  const { method, pathPattern, status, code, message, retryAfterSeconds, times, probability, latencyMs } = value;
  if (method !== undefined) {
    if (typeof method !== 'string' || method === '') throw badRequest(`${at}.method must be an HTTP method name.`);
    rule.method = method.toUpperCase();
  }
  if (pathPattern !== undefined) {
    if (typeof pathPattern !== 'string') throw badRequest(`${at}.pathPattern must be a regular expression string.`);
    try {
      rule.regex = new RegExp(pathPattern);
    } catch (err) {
      throw badRequest(`${at}.pathPattern is not a valid regular expression: ${(err as Error).message}`);
    }
    rule.pathPattern = pathPattern;
  }
  if (status !== undefined) {
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
      throw badRequest(`${at}.status must be an HTTP error status from 400 to 599.`);
    }
    rule.status = status;
  }
  if (code !== undefined) {
    if (typeof code !== 'string' || code === '') throw badRequest(`${at}.code must be a non-empty string.`);
    rule.code = code;
  }
  if (message !== undefined) {
    if (typeof message !== 'string') throw badRequest(`${at}.message must be a string.`);
    rule.message = message;
  }
  if (retryAfterSeconds !== undefined) {
    if (typeof retryAfterSeconds !== 'number' || !Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0) {
      throw badRequest(`${at}.retryAfterSeconds must be a whole number of seconds >= 0.`);
    }
    rule.retryAfterSeconds = retryAfterSeconds;
  }
  if (times !== undefined) {
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 1)
      throw badRequest(`${at}.times must be an integer >= 1.`);
    rule.times = times;
  }
  if (probability !== undefined) {
    if (typeof probability !== 'number' || probability < 0 || probability > 1)
      throw badRequest(`${at}.probability must be from 0 to 1.`);
    rule.probability = probability;
  }
  if (latencyMs !== undefined) {
    if (typeof latencyMs !== 'number' || latencyMs < 0 || latencyMs > MAX_LATENCY_MS) {
      throw badRequest(`${at}.latencyMs must be from 0 to ${MAX_LATENCY_MS}.`);
    }
    rule.latencyMs = latencyMs;
  }
  if (rule.status === undefined && rule.latencyMs === 0) {
    throw badRequest(`${at} has neither a status nor a latencyMs, so it would do nothing.`);
  }
  return rule;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  /** Appends the rules of a `{rules:[...]}` body; all or nothing. */
  add(body: unknown): void {
    if (!isRecord(body) || !Array.isArray(body.rules)) throw badRequest('The body must be {"rules":[...]}.');
    const parsed = body.rules.map((r, i) => parseRule(r, `rules[${i}]`));
    this.rules.push(...parsed);
  }

  clear(): void {
    this.rules = [];
  }

  /** The rules still active, with their remaining `times`. */
  list(): FaultRule[] {
    return this.rules.map(({ regex: _regex, ...rule }) => rule);
  }

  /** The rule that applies to this request, if any (consuming one of its uses). */
  take(method: string, path: string): FaultRule | undefined {
    const rule = this.rules.find(
      (r) =>
        (r.method === undefined || r.method === method.toUpperCase()) && (r.regex === undefined || r.regex.test(path)),
    );
    if (!rule) return undefined;
    if (rule.probability < 1 && !(this.random() < rule.probability)) return undefined;
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.rules = this.rules.filter((r) => r !== rule);
    }
    return rule;
  }
}

/** The error answer of a rule, or undefined for a latency-only rule. */
export function faultResponse(rule: FaultRule): EmulatorResponse | undefined {
  if (rule.status === undefined) return undefined;
  const code = rule.code ?? DEFAULT_CODES[rule.status] ?? 'FaultInjected';
  const headers: Record<string, string> = {};
  let message = rule.message ?? `Fault injected by the emulator (HTTP ${rule.status}).`;
  if (rule.status === 429 || rule.status === 503) {
    const seconds = rule.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
    headers['Retry-After'] = String(seconds);
    if (!rule.message && rule.status === 429) {
      message = `Too many requests for this subscription. Please try again after '${seconds}' seconds.`;
    }
  }
  return cloudError(rule.status, code, message, headers);
}
