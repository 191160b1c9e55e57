import { DomainError } from '../common/errors';

export const AuthErrors = {
  badCredentials: () => new DomainError('AUTH.INVALID_CREDENTIALS', 401, 'The e-mail or password is wrong'),
  tokenExpired: () => new DomainError('AUTH.TOKEN_EXPIRED', 401, 'Your session has expired; sign in again'),
  tokenInvalid: () => new DomainError('AUTH.TOKEN_INVALID', 401, 'The access token is not valid'),
  sessionTooOld: () =>
    new DomainError(
      'AUTH.SESSION_TOO_OLD',
      401,
      'You signed in too long ago to stay signed in; sign in again',
    ),
  sessionEnded: () =>
    new DomainError('AUTH.SESSION_ENDED', 401, 'The password was changed since you signed in; sign in again'),
  accountInactive: () => new DomainError('AUTH.ACCOUNT_INACTIVE', 401, 'This account is deactivated'),
  invitationInvalid: () =>
    new DomainError(
      'AUTH.INVITATION_INVALID',
      400,
      'This invitation link is invalid, expired or already used',
      [{ field: 'token', message: 'is invalid, expired or already used' }],
    ),
  currentPasswordWrong: () =>
    new DomainError('AUTH.CURRENT_PASSWORD_WRONG', 400, 'The current password is wrong', [
      { field: 'currentPassword', message: 'is wrong' },
    ]),
  passwordResetInvalid: () =>
    new DomainError(
      'AUTH.PASSWORD_RESET_INVALID',
      400,
      'This password-reset link is invalid, expired or already used',
      [{ field: 'token', message: 'is invalid, expired or already used' }],
    ),
};
