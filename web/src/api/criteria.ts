/**
 * A criteria set's screening checklist and quality criteria. openapi.json leaves their shape open,
 * so they are read here, once, for every screen that shows or scores them.
 */
import type { Schemas } from './client';

type CriteriaSet = Schemas['CriteriaSetView'];

export interface ScreeningCriterion {
  code: string;
  title: string;
  automatic: boolean;
}

export interface QualityCriterion {
  code: string;
  title: string;
  weight: number;
  description?: string;
}

export interface QualityCriteria {
  scale: { min: number; max: number; labels: Record<string, string> };
  criteria: QualityCriterion[];
}

export function screeningCriteria(set: CriteriaSet): ScreeningCriterion[] {
  const raw = set.screening as unknown;
  return Array.isArray(raw) ? (raw as ScreeningCriterion[]) : [];
}

/** The quality criteria of a published set (a 1–4 scale and no criteria when the set says none). */
export function qualityCriteria(set: CriteriaSet): QualityCriteria {
  const raw = set.quality as Partial<QualityCriteria> | null;
  const scale = raw?.scale ?? { min: 1, max: 4, labels: {} };
  return {
    scale: { min: scale.min, max: scale.max, labels: scale.labels ?? {} },
    criteria: Array.isArray(raw?.criteria) ? raw.criteria : [],
  };
}
