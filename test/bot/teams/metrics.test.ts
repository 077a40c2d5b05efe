import { createMetricsRegistry } from '../../../src/metrics';

describe('metrics registry', () => {
  test('renders counters and histograms in Prometheus text format with escaped labels', () => {
    const registry = createMetricsRegistry();
    const calls = registry.counter('restore_bot_azure_calls_total', 'Azure calls by operation and status.');
    calls.inc({ operation: 'trigger', status: '202' });
    calls.inc({ operation: 'trigger', status: '202' });
    calls.inc({ operation: 'say "hi"\n', status: '500' });
    const latency = registry.histogram('restore_bot_turn_seconds', 'Turn latency.', [0.1, 1]);
    latency.observe({ channel: 'teams' }, 0.05);
    latency.observe({ channel: 'teams' }, 0.5);
    latency.observe({ channel: 'teams' }, 3);
    expect(registry.render()).toBe(
      [
        '# HELP restore_bot_azure_calls_total Azure calls by operation and status.',
        '# TYPE restore_bot_azure_calls_total counter',
        'restore_bot_azure_calls_total{operation="trigger",status="202"} 2',
        'restore_bot_azure_calls_total{operation="say \\"hi\\"\\n",status="500"} 1',
        '# HELP restore_bot_turn_seconds Turn latency.',
        '# TYPE restore_bot_turn_seconds histogram',
        'restore_bot_turn_seconds_bucket{channel="teams",le="0.1"} 1',
        'restore_bot_turn_seconds_bucket{channel="teams",le="1"} 2',
        'restore_bot_turn_seconds_bucket{channel="teams",le="+Inf"} 3',
        'restore_bot_turn_seconds_sum{channel="teams"} 3.55',
        'restore_bot_turn_seconds_count{channel="teams"} 3',
        '',
      ].join('\n'),
    );
  });

  test('asking twice for a metric gives the same one; a different type is refused', () => {
    const registry = createMetricsRegistry();
    registry.counter('x_total', 'x').inc();
    registry.counter('x_total', 'x').inc();
    expect(registry.render()).toContain('x_total 2');
    expect(() => registry.histogram('x_total', 'x')).toThrow('already registered as counter');
  });
});
