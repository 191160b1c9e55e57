import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import type { Role } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { NotificationsService, type OutgoingEmail } from '../notifications/notifications.service';
import { Country, type LocalizedNames } from '../reference-data/reference.entity';
import { User } from '../users/user.entity';
import { DELEGATION_IN_FORCE } from './concept-note.access';
import type { ConceptNote } from './concept-note.entity';
import { requestedCountries } from './requested-countries';

type OfficialRole = Extract<Role, 'resident_coordinator' | 'rc_office'>;

/** An official of some of the countries asked about, with the ones among them they answer for. */
export interface CountryOfficial {
  user: User;
  countryCodes: string[];
}

/** Who hears about a note, and the e-mails about it (through the outbox, in each recipient's language). */
@Injectable()
export class ConceptNoteMail {
  constructor(
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async team(manager: EntityManager, noteId: string): Promise<User[]> {
    return manager
      .createQueryBuilder(User, 'u')
      .innerJoin('concept_note_members', 'm', 'm.user_id = u.id AND m.note_id = :noteId', { noteId })
      .where('u.active')
      .getMany();
  }

  /**
   * Resident Coordinators and RC office staff of any of these countries; when Resident Coordinators
   * are asked for, also whoever acts for one of them under a delegation in force now (an acting RC
   * stands in for the RC: asked to endorse, told of the note's fate).
   */
  async countryOfficials(
    manager: EntityManager,
    countryCodes: string[],
    roles: OfficialRole[] = ['resident_coordinator', 'rc_office'],
  ): Promise<User[]> {
    return (await this.officialsCovering(manager, countryCodes, roles)).map((o) => o.user);
  }

  /**
   * The officials of the note's countries that an endorsement request covered: the RC of a country
   * added to a returned draft hears of the note only once a request covers that country.
   */
  async noteOfficials(
    manager: EntityManager,
    note: { id: string; countryCodes: string[] },
    roles: OfficialRole[] = ['resident_coordinator', 'rc_office'],
  ): Promise<User[]> {
    return this.countryOfficials(
      manager,
      await requestedCountries(manager, note.id, note.countryCodes),
      roles,
    );
  }

  /** countryOfficials, each with the ones of these countries they answer for (their own, or their RC's while acting). */
  async officialsCovering(
    manager: EntityManager,
    countryCodes: string[],
    roles: OfficialRole[] = ['resident_coordinator', 'rc_office'],
  ): Promise<CountryOfficial[]> {
    if (countryCodes.length === 0) return [];
    const own = await manager
      .createQueryBuilder(User, 'u')
      .where('u.active AND u.country_codes && :countries AND u.roles && :roles', {
        countries: countryCodes,
        roles,
      })
      .getMany();
    const officials = new Map<string, CountryOfficial>(
      own.map((user) => [
        user.id,
        { user, countryCodes: countryCodes.filter((c) => user.countryCodes.includes(c)) },
      ]),
    );
    if (!roles.includes('resident_coordinator')) return [...officials.values()];

    // The delegate must still be an RC or RC-office member to act (ConceptNoteAccess.countryAuthority).
    const acting = await manager.query<{ delegate_id: string; country_codes: string[] }[]>(
      `SELECT d.delegate_id, rc.country_codes
         FROM delegations d
         JOIN users rc ON rc.id = d.resident_coordinator_id
         JOIN users delegate ON delegate.id = d.delegate_id
        WHERE rc.country_codes && $1 AND ${DELEGATION_IN_FORCE('$2')}
          AND delegate.active AND delegate.roles && ARRAY['resident_coordinator', 'rc_office']::text[]`,
      [countryCodes, this.clock.now()],
    );
    const delegates = acting.length
      ? await manager.findBy(User, { id: In([...new Set(acting.map((a) => a.delegate_id))]) })
      : [];
    for (const row of acting) {
      const user = delegates.find((u) => u.id === row.delegate_id);
      if (!user) continue;
      const entry = officials.get(user.id) ?? { user, countryCodes: [] };
      const covered = countryCodes.filter(
        (c) => row.country_codes.includes(c) || entry.countryCodes.includes(c),
      );
      officials.set(user.id, { user, countryCodes: covered });
    }
    return [...officials.values()];
  }

  async secretariat(manager: EntityManager): Promise<User[]> {
    return manager.createQueryBuilder(User, 'u').where(`u.active AND 'secretariat' = ANY(u.roles)`).getMany();
  }

  noteUrl(noteId: string): string {
    return `${this.config.publicUrl}/concept-notes/${noteId}`;
  }

  /**
   * Records one e-mail per recipient (each in their language) in the outbox, inside the caller's
   * transaction. `event` makes the dedupe key: the same event never mails the same person twice.
   */
  async send(
    manager: EntityManager,
    note: ConceptNote,
    recipients: User[],
    template: string,
    event: string,
    payload: Record<string, unknown>,
    options: { countries?: string[] } = {},
  ): Promise<string[]> {
    const unique = [...new Map(recipients.map((u) => [u.id, u])).values()];
    const countries = options.countries?.length
      ? await manager.findBy(Country, { code: In(options.countries) })
      : [];
    /** Country names in the recipient's language, in the order given. */
    const names = (locale: string) =>
      (options.countries ?? [])
        .map((code) => {
          const country = countries.find((c) => c.code === code);
          return country ? (country.names[locale as keyof LocalizedNames] ?? country.names.en) : code;
        })
        .join(', ');
    return this.notifications.record(
      manager,
      unique.map((user) =>
        this.email(note, user, template, event, {
          ...(options.countries ? { countries: names(user.locale) } : {}),
          ...payload,
        }),
      ),
    );
  }

  /** The team of each note: one query for the memberships, one for the people. */
  async teams(manager: EntityManager, noteIds: string[]): Promise<Map<string, User[]>> {
    const teams = new Map<string, User[]>(noteIds.map((id) => [id, []]));
    if (noteIds.length === 0) return teams;
    const memberships = await manager.query<{ note_id: string; user_id: string }[]>(
      'SELECT note_id, user_id FROM concept_note_members WHERE note_id = ANY($1)',
      [noteIds],
    );
    const users = memberships.length
      ? await manager.findBy(User, { id: In([...new Set(memberships.map((m) => m.user_id))]), active: true })
      : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    for (const { note_id, user_id } of memberships) {
      const user = byId.get(user_id);
      if (user) teams.get(note_id)?.push(user);
    }
    return teams;
  }

  /** One e-mail to every member of each note's team, recorded in a single insert. */
  async sendToTeams(
    manager: EntityManager,
    notes: ConceptNote[],
    template: string,
    event: string,
    payload: (note: ConceptNote) => Record<string, unknown>,
  ): Promise<string[]> {
    const teams = await this.teams(
      manager,
      notes.map((n) => n.id),
    );
    return this.notifications.record(
      manager,
      notes.flatMap((note) =>
        (teams.get(note.id) ?? []).map((user) => this.email(note, user, template, event, payload(note))),
      ),
    );
  }

  private email(
    note: ConceptNote,
    user: User,
    template: string,
    event: string,
    payload: Record<string, unknown>,
  ): OutgoingEmail {
    return {
      to: { email: user.email, userId: user.id, locale: user.locale, timeZone: user.timeZone },
      template,
      payload: {
        recipientName: user.name,
        noteTitle: note.title,
        referenceCode: note.referenceCode,
        noteUrl: this.noteUrl(note.id),
        ...payload,
      },
      dedupeKey: `${template}:${note.id}:${event}:${user.id}`,
      subject: { type: 'concept_note', id: note.id },
    };
  }
}
