import { canonicalHash as bodyHash, canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts the keys of objects at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it('keeps the order of arrays', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
  });

  it('leaves out undefined members and writes undefined elsewhere as null, like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('escapes strings and keys as JSON does', () => {
    expect(canonicalJson({ 'k"ey': 'line\nbreak é' })).toBe('{"k\\"ey":"line\\nbreak é"}');
  });
});

describe('bodyHash', () => {
  it('is the same whatever the order of the keys', () => {
    const one = { email: 'a@b.org', roles: ['reviewer'], scope: { countries: ['SRB'], areas: ['TA2'] } };
    const other = { scope: { areas: ['TA2'], countries: ['SRB'] }, roles: ['reviewer'], email: 'a@b.org' };
    expect(bodyHash(one)).toBe(bodyHash(other));
    expect(bodyHash(one)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when a value differs, including its type or the order of an array', () => {
    const base = bodyHash({ amount: 1, tags: ['a', 'b'] });
    expect(bodyHash({ amount: 2, tags: ['a', 'b'] })).not.toBe(base);
    expect(bodyHash({ amount: '1', tags: ['a', 'b'] })).not.toBe(base);
    expect(bodyHash({ amount: 1, tags: ['b', 'a'] })).not.toBe(base);
    expect(bodyHash({ amount: 1, tags: ['a', 'b'], extra: null })).not.toBe(base);
  });

  it('tells no body from an empty object', () => {
    expect(bodyHash(undefined)).not.toBe(bodyHash({}));
  });
});
