import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { NotificationsService, type OutgoingEmail } from '../notifications/notifications.service';
import { Country, type LocalizedNames } from '../reference-data/reference.entity';
import { User } from '../users/user.entity';
import type { ConceptNote } from './concept-note.entity';

/** Who hears about a note, and the e-mails about it (through the outbox, in each recipient's language). */
@Injectable()
export class ConceptNoteMail {
  constructor(
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async team(manager: EntityManager, noteId: string): Promise<User[]> {
    return manager
      .createQueryBuilder(User, 'u')
      .innerJoin('concept_note_members', 'm', 'm.user_id = u.id AND m.note_id = :noteId', { noteId })
      .where('u.active')
      .getMany();
  }

  /** Resident Coordinators and RC office staff of any of these countries. */
  async countryOfficials(
    manager: EntityManager,
    countryCodes: string[],
    roles = ['resident_coordinator', 'rc_office'],
  ): Promise<User[]> {
    if (countryCodes.length === 0) return [];
    return manager
      .createQueryBuilder(User, 'u')
      .where('u.active AND u.country_codes && :countries AND u.roles && :roles', {
        countries: countryCodes,
        roles,
      })
      .getMany();
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
