import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useNavigate } from 'react-router';
import type { Locale } from '../api/client';
import { useSession } from '../auth/session';
import { LANGUAGE_NAMES, LANGUAGES, changeLanguage } from '../i18n';
import { NAV } from '../nav';

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  return (
    <label className="language">
      <span className="visually-hidden">{t('language')}</span>
      <select
        value={i18n.language}
        onChange={(event) => {
          const language = event.target.value as Locale;
          void (session.user ? session.setLocale(language) : changeLanguage(language));
        }}
      >
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {LANGUAGE_NAMES[language]}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Layout() {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const user = session.user;
  const items = user ? NAV.filter((item) => item.roles.some((r) => user.roles.includes(r))) : [];
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="top">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            MPTF
          </span>
          <span>{t('appName')}</span>
        </div>
        {items.length > 0 ? (
          <nav aria-label={t('nav.label')}>
            <ul>
              {items.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to}>{t(item.label)}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <div className="top-end">
          <LanguageSwitcher />
          {user ? (
            <>
              <NavLink to="/profile" className="profile-link">
                {user.name}
              </NavLink>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  session.signOut();
                  void navigate('/sign-in');
                }}
              >
                {t('signOut')}
              </button>
            </>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
