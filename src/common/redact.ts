/** Query parameters that carry a credential: the calendar feed's token and a packet link's token. */
const SECRET_PARAMETERS = /([?&](?:token|access_token)=)[^&#]*/gi;

/**
 * A request URL fit for a log line: the value of any credential in its query string is replaced,
 * so that a calendar token or a signed packet link never reaches the logs.
 */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_PARAMETERS, '$1[redacted]');
}
