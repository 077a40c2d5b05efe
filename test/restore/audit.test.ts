import { createHash } from 'node:crypto';
import {
  type AuditEvent,
  type AuditRecord,
  canonicalJson,
  GENESIS_HASH,
  hashAuditEvent,
  verifyAuditRecords,
} from '../../src/restore/audit';

describe('canonical JSON of audit events', () => {
  test('sorts keys at every depth, keeps array order, writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: 'é "q"' } })).toBe(
      '{"a":{"c":"é \\"q\\"","d":[3,{"x":2,"y":1}]},"b":1}',
    );
  });

  test('drops undefined properties, writes null for undefined in arrays, and dates as ISO strings', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: new Date('2026-01-02T03:04:05.006Z') })).toBe(
      '{"b":[null],"c":"2026-01-02T03:04:05.006Z"}',
    );
  });

  test('two objects with the same content in a different key order hash the same', () => {
    const event: AuditEvent = {
      seq: 1,
      at: '2026-01-01T00:00:00.000Z',
      type: 'approved',
      actor: { id: 'U0BOB', displayName: 'Bob' },
      channel: 'slack',
      requestId: 'R-7KQ2',
      details: { approvals: 1, target: 'dr-westus' },
    };
    const reordered = { ...event, details: { target: 'dr-westus', approvals: 1 } };
    expect(hashAuditEvent(GENESIS_HASH, reordered)).toBe(hashAuditEvent(GENESIS_HASH, event));
  });

  test('the hash is sha256 over the previous hash followed by the canonical event (as documented)', () => {
    const event: AuditEvent = {
      seq: 1,
      at: '2026-01-01T00:00:00.000Z',
      type: 'request_created',
      actor: { id: 'U1', displayName: 'A' },
      channel: 'teams',
      requestId: null,
      details: {},
    };
    const text =
      '{"actor":{"displayName":"A","id":"U1"},"at":"2026-01-01T00:00:00.000Z","channel":"teams","details":{},"requestId":null,"seq":1,"type":"request_created"}';
    expect(hashAuditEvent(GENESIS_HASH, event)).toBe(
      createHash('sha256')
        .update(GENESIS_HASH + text)
        .digest('hex'),
    );
  });
});

describe('verifying exported records', () => {
  const chain = (n: number): AuditRecord[] => {
    const records: AuditRecord[] = [];
    let prevHash = GENESIS_HASH;
    for (let seq = 1; seq <= n; seq++) {
      const event: AuditEvent = {
        seq,
        at: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(),
        type: 'job_status',
        actor: { id: 'system', displayName: 'restore-bot' },
        channel: 'system',
        requestId: 'R-1',
        details: { status: seq },
      };
      const hash = hashAuditEvent(prevHash, event);
      records.push({ ...event, prevHash, hash });
      prevHash = hash;
    }
    return records;
  };

  test('an intact chain verifies with its count', () => {
    expect(verifyAuditRecords(chain(4))).toEqual({ ok: true, count: 4 });
  });

  test('a changed actor, a re-hashed event or a reordering each name the first broken event', () => {
    const edited = chain(4);
    edited[2] = { ...edited[2]!, actor: { id: 'U0MALLORY', displayName: 'Bob' } };
    expect(verifyAuditRecords(edited)).toMatchObject({ ok: false, firstBrokenSeq: 3 });

    // Rewriting an event together with its own hash still breaks the link from the next one.
    const rehashed = chain(4);
    const forged = { ...rehashed[1]!, details: { status: 'forged' } };
    rehashed[1] = { ...forged, hash: hashAuditEvent(forged.prevHash, forged) };
    expect(verifyAuditRecords(rehashed)).toMatchObject({ ok: false, firstBrokenSeq: 3 });

    const swapped = chain(4);
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    expect(verifyAuditRecords(swapped)).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });
});
