import { AuditEvent } from '../audit/audit-event.entity';
import { SecurityEvent } from '../audit/security-event.entity';
import { Notification } from '../notifications/notification.entity';
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
import { User } from '../users/user.entity';

/** Every entity, listed once for the app, the worker, the CLI and the tests. */
export const ENTITIES = [
  AuditEvent,
  SecurityEvent,
  Notification,
  Country,
  CriteriaSet,
  FundRulesVersion,
  GcmObjective,
  GuidingPrinciple,
  Organization,
  ThematicArea,
  Invitation,
  User,
];
