import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import { CommonErrors, FieldProblem } from './errors';

/** Flattens class-validator errors into one entry per field path (`team.0.email`). */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    // A key that is the empty string (`{"": 1}`, `?=1`) is named `""`, so the field list never has a blank.
    const property = error.property === '' ? '""' : error.property;
    const field = parent ? `${parent}.${property}` : property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    }));
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/**
 * The field may be left out, but not sent as null. (@IsOptional() lets null through too, which a
 * NOT NULL column then refuses with a 500.)
 */
export const IsOmittable = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

/** NUL, or half of a surrogate pair: text PostgreSQL cannot store (text refuses NUL, jsonb both). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what is looked for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const TEXT = 'must be valid text, without NUL characters or unpaired surrogates';
/**
 * Below a millionth, JavaScript writes a number in exponent form (1e-7), which class-validator's
 * IsNumber({ maxDecimalPlaces }) cannot read (it throws instead of refusing). No amount, rate or
 * score of this API is that small, so such numbers are refused here, by field.
 */
const TINY = 'must be 0 or a number with at most six decimals';

/**
 * The fields of `value` (keys included) that no validator can be trusted with: text that cannot be
 * stored, numbers too small to validate. Found without recursion, so no nesting depth overflows it.
 */
export function unacceptableValues(value: unknown, root = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: [unknown, string][] = [[value, root]];
  while (pending.length > 0 && problems.length < 20) {
    const [current, path] = pending.pop()!;
    const field = path || '(value)';
    if (typeof current === 'string') {
      if (UNSTORABLE.test(current)) problems.push({ field, message: TEXT });
    } else if (typeof current === 'number') {
      if (current !== 0 && Math.abs(current) < 1e-6) problems.push({ field, message: TINY });
    } else if (current !== null && typeof current === 'object') {
      for (const key of Object.keys(current)) {
        const name = key === '' ? '""' : key;
        const child = path ? `${path}.${name}` : name;
        if (UNSTORABLE.test(key)) problems.push({ field: child, message: TEXT });
        else pending.push([(current as Record<string, unknown>)[key], child]);
      }
    }
  }
  return problems;
}

/** How deep JSON may nest: far more than any request needs, far less than what overflows a recursive walk. */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests objects or arrays deeper than `max` (checked without recursion). */
export function nestedDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(current)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}

/** The global pipe: values no validator can be trusted with are refused by field before class-validator runs. */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const problems = unacceptableValues(value, metadata.data ?? '');
      if (problems.length > 0) throw CommonErrors.validation(problems);
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

export function validationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => CommonErrors.validation(fieldProblems(errors)),
  });
}
