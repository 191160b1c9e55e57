import { CommonErrors, DomainError } from '../common/errors';

export const UserErrors = {
  emailTaken: (email: string) =>
    CommonErrors.conflict('USER.EMAIL_TAKEN', `A user with the e-mail ${email} already exists`),
  adminOnly: () =>
    new DomainError(
      'USER.ADMIN_ROLE_RESTRICTED',
      403,
      'Only an administrator may grant or change the admin role',
    ),
  unknownReference: (field: string, message: string) =>
    new DomainError('VALIDATION_FAILED', 400, `Invalid input: ${field}`, [{ field, message }]),
  cannotDeactivateSelf: () =>
    new DomainError('USER.CANNOT_DEACTIVATE_SELF', 409, 'You cannot deactivate your own account'),
  notFound: () => CommonErrors.notFound('User'),
  hasOpenWork: (items: { kind: string; id: string; title: string }[]) =>
    CommonErrors.conflict(
      'USER.HAS_OPEN_WORK',
      `Hand over first: the user still has ${items.length} open item(s) (notes they lead, reviews assigned to them)`,
      { openWork: items },
    ),
  alreadyActivated: () =>
    CommonErrors.conflict(
      'USER.ALREADY_ACTIVATED',
      'This user has already set a password; no invitation is needed',
    ),
};
