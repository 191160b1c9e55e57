import { ValidationError, ValidationPipe } from '@nestjs/common';
import { CommonErrors, FieldProblem } from './errors';

/** Flattens class-validator errors into one entry per field path (`team.0.email`). */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    }));
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => CommonErrors.validation(fieldProblems(errors)),
  });
}
