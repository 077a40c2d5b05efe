/**
 * A minimal path router: literal segments compare case-insensitively (ARM treats `backupVaults` and
 * `BackupVaults` alike), `:name` segments capture the percent-decoded value.
 */
export type Params = Record<string, string>;

interface Route<H> {
  method: string;
  segments: string[];
  handler: H;
}

export type RouteMatch<H> = { handler: H; params: Params } | { methodNotAllowed: true } | undefined;

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, pattern: string, handler: H): this {
    this.routes.push({ method: method.toUpperCase(), segments: splitPath(pattern).map(lowerLiteral), handler });
    return this;
  }

  match(method: string, path: string): RouteMatch<H> {
    const parts = splitPath(path);
    let pathKnown = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method.toUpperCase()) return { handler: route.handler, params };
      pathKnown = true;
    }
    return pathKnown ? { methodNotAllowed: true } : undefined;
  }
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function lowerLiteral(segment: string): string {
  return segment.startsWith(':') ? segment : segment.toLowerCase();
}

function matchSegments(pattern: string[], parts: string[]): Params | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const part = parts[i] as string;
    if (p.startsWith(':')) params[p.slice(1)] = decodeSegment(part);
    else if (p !== decodeSegment(part).toLowerCase()) return undefined;
  }
  return params;
}
