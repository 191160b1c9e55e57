#!/usr/bin/env bash
# One command from a fresh clone to a running system: install, build (API, worker and web application),
# migrate, seed demo data, then run the API (serving the web application at /), the worker and a mail
# catcher (MailDev) together until Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> Installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
if [ ! -f .env ]; then
  echo "==> Creating .env from .env.example"
  cp .env.example .env
fi
# Read the settings the way the application does (the environment wins over .env).
setting() { node -e "process.loadEnvFile('.env'); console.log(process.env['$1'] ?? '$2')"; }
PORT=$(setting PORT 3000)
PUBLIC_URL=$(setting PUBLIC_URL http://localhost:3000)
SMTP_URL=$(setting SMTP_URL smtp://127.0.0.1:1025)
SMTP_PORT=$(node -e "console.log(new URL('$SMTP_URL').port || 25)")
MAIL_WEB_PORT=${MAIL_WEB_PORT:-1080}

echo "==> Building"
npm run build --silent
echo "==> Preparing the database"
npm run db:create --silent
npm run migration:run --silent > /dev/null
npm run seed:demo --silent

cat <<INFO

==> Starting the API (port ${PORT}), the worker, and MailDev
    Sign in:        ${PUBLIC_URL}/sign-in  (any demo user above, password demo-password-2026)
    API:            ${PUBLIC_URL}/api/v1  (POST /api/v1/auth/login for a token)
    API reference:  ${PUBLIC_URL}/docs
    Queues:         ${PUBLIC_URL}/admin/queues  (after POST /api/v1/auth/dashboard-session)
    E-mails sent:   http://localhost:${MAIL_WEB_PORT}  (MailDev catches everything sent to ${SMTP_URL})
    Stop with Ctrl+C.

INFO
exec npx concurrently --kill-others --names mail,api,worker --prefix-colors gray,blue,magenta \
  "maildev --smtp ${SMTP_PORT} --web ${MAIL_WEB_PORT} --ip 127.0.0.1 --silent" \
  "node dist/main" \
  "node dist/worker"
