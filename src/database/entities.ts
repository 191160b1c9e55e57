import { Attachment } from '../attachments/attachment.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { Comment } from '../comments/comment.entity';
import {
  ConceptNote,
  ParticipatingOrganization,
  ReferenceCounter,
  Revision,
  TeamMember,
} from '../concept-notes/concept-note.entity';
import { Delegation, Endorsement, RequestedCountry } from '../endorsements/endorsement.entity';
import { SecurityEvent } from '../audit/security-event.entity';
import { IdempotencyRecord } from '../common/idempotency/idempotency-record.entity';
import { AgendaItem, Meeting } from '../meetings/meeting.entity';
import { Notification } from '../notifications/notification.entity';
import { Packet } from '../packets/packet.entity';
import { Decision } from '../decisions/decision.entity';
import { Review, ReviewAssignment } from '../reviews/review.entity';
import { Screening } from '../screening/screening.entity';
import {
  Country,
  CriteriaSet,
  FundRulesVersion,
  GcmObjective,
  GuidingPrinciple,
  Organization,
  ThematicArea,
} from '../reference-data/reference.entity';
import { Invitation } from '../users/invitation.entity';
import { PasswordReset } from '../auth/password-reset.entity';
import { User } from '../users/user.entity';

/** Every entity, listed once for the app, the worker, the CLI and the tests. */
export const ENTITIES = [
  Packet,
  Decision,
  Review,
  ReviewAssignment,
  Screening,
  AgendaItem,
  Meeting,
  Attachment,
  Comment,
  ConceptNote,
  ParticipatingOrganization,
  ReferenceCounter,
  Revision,
  TeamMember,
  Delegation,
  Endorsement,
  RequestedCountry,
  AuditEvent,
  SecurityEvent,
  IdempotencyRecord,
  Notification,
  Country,
  CriteriaSet,
  FundRulesVersion,
  GcmObjective,
  GuidingPrinciple,
  Organization,
  ThematicArea,
  Invitation,
  PasswordReset,
  User,
];
