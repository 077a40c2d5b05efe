/**
 * A tiny Prometheus registry (text exposition format 0.0.4): counters and histograms with labels, enough for
 * `/metrics` (SPEC section 5). One registry per process, injected into whoever counts something, so the
 * channels, the Azure client and the notifier all show up on the same page.
 */
export type Labels = Record<string, string>;

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

export interface Histogram {
  observe(labels: Labels, value: number): void;
  /** Starts a timer; calling the result observes the elapsed seconds. */
  startTimer(labels?: Labels): (extra?: Labels) => number;
}

export interface Gauge {
  set(labels: Labels, value: number): void;
}

export interface MetricsRegistry {
  counter(name: string, help: string): Counter;
  histogram(name: string, help: string, buckets?: readonly number[]): Histogram;
  gauge(name: string, help: string): Gauge;
  /** The whole registry in Prometheus text format. */
  render(): string;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Latency buckets in seconds, from a fast ack to the Teams invoke limit. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15] as const;

interface Family {
  type: 'counter' | 'histogram' | 'gauge';
  help: string;
  render(name: string): string[];
}

export function createMetricsRegistry(): MetricsRegistry {
  const families = new Map<string, Family>();

  const register = <T extends Family>(name: string, family: T): T => {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name ${name}`);
    const existing = families.get(name);
    if (existing) {
      // Asking twice for the same metric returns the same one (two modules may count into it).
      if (existing.type !== family.type) throw new Error(`metric ${name} already registered as ${existing.type}`);
      return existing as T;
    }
    families.set(name, family);
    return family;
  };

  return {
    counter(name, help) {
      const values = new Map<string, { labels: Labels; value: number }>();
      const family: Family & Counter = {
        type: 'counter',
        help,
        inc(labels = {}, by = 1) {
          const key = labelKey(labels);
          const entry = values.get(key) ?? { labels, value: 0 };
          entry.value += by;
          values.set(key, entry);
        },
        render: (n) => [...values.values()].map((e) => `${n}${formatLabels(e.labels)} ${e.value}`),
      };
      return register(name, family);
    },

    gauge(name, help) {
      const values = new Map<string, { labels: Labels; value: number }>();
      const family: Family & Gauge = {
        type: 'gauge',
        help,
        set(labels, value) {
          values.set(labelKey(labels), { labels, value });
        },
        render: (n) => [...values.values()].map((e) => `${n}${formatLabels(e.labels)} ${e.value}`),
      };
      return register(name, family);
    },

    histogram(name, help, buckets = LATENCY_BUCKETS) {
      const bounds = [...buckets].sort((a, b) => a - b);
      const series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
      const observe = (labels: Labels, value: number) => {
        const key = labelKey(labels);
        const s = series.get(key) ?? { labels, counts: bounds.map(() => 0), sum: 0, count: 0 };
        bounds.forEach((b, i) => {
          if (value <= b) s.counts[i]! += 1;
        });
        s.sum += value;
        s.count += 1;
        series.set(key, s);
      };
      const family: Family & Histogram = {
        type: 'histogram',
        help,
        observe,
        startTimer(labels = {}) {
          const start = process.hrtime.bigint();
          return (extra = {}) => {
            const seconds = Number(process.hrtime.bigint() - start) / 1e9;
            observe({ ...labels, ...extra }, seconds);
            return seconds;
          };
        },
        render: (n) =>
          [...series.values()].flatMap((s) => [
            ...bounds.map((b, i) => `${n}_bucket${formatLabels({ ...s.labels, le: String(b) })} ${s.counts[i]}`),
            `${n}_bucket${formatLabels({ ...s.labels, le: '+Inf' })} ${s.count}`,
            `${n}_sum${formatLabels(s.labels)} ${s.sum}`,
            `${n}_count${formatLabels(s.labels)} ${s.count}`,
          ]),
      };
      return register(name, family);
    },

    render() {
      const lines: string[] = [];
      for (const [name, family] of families) {
        lines.push(`# HELP ${name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
        lines.push(`# TYPE ${name} ${family.type}`);
        lines.push(...family.render(name));
      }
      return `${lines.join('\n')}\n`;
    },
  };
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (!entries.length) return '';
  const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${entries.map(([k, v]) => `${k}="${escapeValue(v)}"`).join(',')}}`;
}
