import { ROLES, type Role } from '../common/auth/roles';
import { missingScope, type UserScope } from './user-scope.rules';

const FULL: UserScope = { organizationCode: 'IOM', countryCodes: ['SRB'], thematicAreaCodes: ['TA2'] };
const NONE: UserScope = { organizationCode: null, countryCodes: [], thematicAreaCodes: [] };

/** The fields each role needs, written out by hand from DESIGN §1. */
const NEEDS: Record<Role, (keyof UserScope)[]> = {
  applicant: ['organizationCode'],
  resident_coordinator: ['countryCodes'],
  rc_office: ['countryCodes'],
  secretariat: [],
  reviewer: ['organizationCode', 'thematicAreaCodes'],
  steering_committee: [],
  admin: [],
};

const fields = (roles: Role[], scope: UserScope) =>
  missingScope(roles, scope)
    .map((p) => p.field)
    .sort();

describe('missingScope', () => {
  it.each(ROLES)('accepts %s with every scope given', (role) => {
    expect(missingScope([role], FULL)).toEqual([]);
  });

  it.each(ROLES)('names exactly the fields %s needs when no scope is given', (role) => {
    expect(fields([role], NONE)).toEqual([...NEEDS[role]].sort());
  });

  describe.each(ROLES)('for %s, removing one scope field at a time', (role) => {
    it.each(Object.keys(FULL) as (keyof UserScope)[])('without %s', (field) => {
      const scope = { ...FULL, [field]: field === 'organizationCode' ? null : [] };
      expect(fields([role], scope)).toEqual(NEEDS[role].includes(field) ? [field] : []);
    });
  });

  it('treats an empty organization code as none', () => {
    expect(fields(['applicant'], { ...FULL, organizationCode: '' })).toEqual(['organizationCode']);
  });

  it('names a field once, with every role that needs it', () => {
    expect(missingScope(['applicant', 'reviewer', 'resident_coordinator', 'rc_office'], NONE)).toEqual([
      { field: 'organizationCode', message: 'an organization is required for the roles applicant, reviewer' },
      {
        field: 'countryCodes',
        message: 'at least one country is required for the roles resident_coordinator, rc_office',
      },
      { field: 'thematicAreaCodes', message: 'at least one thematic area is required for the role reviewer' },
    ]);
  });

  it('asks nothing of a user without roles that need scope, whatever scope they carry', () => {
    expect(missingScope(['secretariat', 'steering_committee', 'admin'], NONE)).toEqual([]);
    expect(missingScope(['secretariat'], FULL)).toEqual([]);
  });
});
