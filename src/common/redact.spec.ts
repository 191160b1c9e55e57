import { redactUrl } from './redact';

describe('redactUrl', () => {
  it('replaces the value of a token in the query string, wherever it stands', () => {
    expect(redactUrl('/api/v1/calendar.ics?token=abcDEF123_-')).toBe('/api/v1/calendar.ics?token=[redacted]');
    expect(redactUrl('/api/v1/packets/download?x=1&token=eyJ.a.b&y=2')).toBe(
      '/api/v1/packets/download?x=1&token=[redacted]&y=2',
    );
    expect(redactUrl('/p?TOKEN=a#frag')).toBe('/p?TOKEN=[redacted]#frag');
    expect(redactUrl('/p?access_token=a')).toBe('/p?access_token=[redacted]');
  });

  it('leaves other URLs alone', () => {
    expect(redactUrl('/api/v1/concept-notes?page=1&text=token')).toBe(
      '/api/v1/concept-notes?page=1&text=token',
    );
    expect(redactUrl('/api/v1/mytoken=1')).toBe('/api/v1/mytoken=1');
    expect(redactUrl(undefined)).toBeUndefined();
  });
});
