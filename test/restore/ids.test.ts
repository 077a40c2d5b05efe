import { isRequestId, newRequestId, parseRequestId, REQUEST_ID_ALPHABET } from '../../src/restore';

describe('request ids', () => {
  it('look like R-7KQ2 and never use the look-alikes 0, O, 1 or I', () => {
    expect(REQUEST_ID_ALPHABET).toHaveLength(32);
    for (const ambiguous of ['0', 'O', '1', 'I']) expect(REQUEST_ID_ALPHABET).not.toContain(ambiguous);
    const ids = Array.from({ length: 1000 }, () => newRequestId());
    for (const id of ids) expect(id).toMatch(/^R-[2-9A-HJ-NP-Z]{4}$/);
    // 4000 random symbols from 32: every symbol shows up unless the source is not random.
    expect(new Set(ids.join('').replace(/R-/g, ''))).toHaveProperty('size', 32);
  });

  it('map random bytes onto the alphabet', () => {
    expect(newRequestId(() => Uint8Array.from([0, 31, 32, 255]))).toBe('R-2Z2Z');
  });

  it('are read as typed: any case, prefix optional', () => {
    expect(parseRequestId(' r-7kq2 ')).toBe('R-7KQ2');
    expect(parseRequestId('7KQ2')).toBe('R-7KQ2');
    expect(parseRequestId('R-7KQ0')).toBeUndefined();
    expect(parseRequestId('R-7KQ')).toBeUndefined();
    expect(isRequestId('R-7KQ2')).toBe(true);
    expect(isRequestId('r-7kq2')).toBe(false);
  });
});
