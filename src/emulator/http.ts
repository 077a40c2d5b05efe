/**
 * HTTP plumbing shared by the ARM and admin handlers: a response value, ARM CloudError failures, and
 * bounded JSON body reading.
 */
import type { IncomingMessage } from 'node:http';

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A failure answered as an ARM CloudError `{error:{code,message}}`. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ArmError';
  }
}

export function cloudError(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): EmulatorResponse {
  return { status, headers, body: { error: { code, message } } };
}

export function badRequest(message: string): ArmError {
  return new ArmError(400, 'InvalidRequestContent', message);
}

export function notFound(message: string): ArmError {
  return new ArmError(404, 'ResourceNotFound', message);
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw badRequest(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON request body; an empty body gives undefined, malformed JSON a 400 InvalidRequestContent. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`The request content is not valid JSON: ${(err as Error).message}`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function sameText(a: unknown, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
}
