import { Param, ParseUUIDPipe } from '@nestjs/common';
import { CommonErrors } from './errors';

/** A UUID path parameter; anything else answers 400 naming the parameter. */
export const UuidParam = (name: string) =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => CommonErrors.validation([{ field: name, message: 'must be a UUID' }]),
    }),
  );
