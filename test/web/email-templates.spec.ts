import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EMAIL_TEMPLATES } from '../../web/src/pages/secretariat/email-templates';

describe('the e-mail log filter of the web application', () => {
  it('offers every e-mail template the system sends, and no other', () => {
    const sent = readdirSync(join(__dirname, '..', '..', 'templates', 'email', 'en'))
      .filter((file) => file.endsWith('.subject.hbs'))
      .map((file) => file.slice(0, -'.subject.hbs'.length))
      .sort();
    expect([...EMAIL_TEMPLATES].sort()).toEqual(sent);
  });
});
