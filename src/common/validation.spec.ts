import { Type } from 'class-transformer';
import { IsEmail, IsInt, Min, ValidateNested } from 'class-validator';
import { DomainError } from './errors';
import { validationPipe } from './validation';

class Band {
  @IsInt()
  @Min(0)
  min!: number;
}

class Body {
  @IsEmail()
  email!: string;

  @ValidateNested({ each: true })
  @Type(() => Band)
  bands!: Band[];
}

async function problemsFor(value: unknown): Promise<DomainError> {
  try {
    await validationPipe().transform(value, { type: 'body', metatype: Body });
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a validation failure');
}

describe('validation errors', () => {
  it('name each field, nested fields by their path', async () => {
    const error = await problemsFor({ email: 'not-an-email', bands: [{ min: 1 }, { min: -1 }] });
    expect(error).toBeInstanceOf(DomainError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields).toEqual([
      { field: 'email', message: 'must be an email' },
      { field: 'bands.1.min', message: 'must not be less than 0' },
    ]);
  });

  it('refuse unknown fields by name', async () => {
    const error = await problemsFor({ email: 'a@b.org', bands: [], __proto__x: 1, role: 'admin' });
    expect(error.fields?.map((f) => f.field)).toEqual(['__proto__x', 'role']);
  });

  it('accept a valid body and convert it to the class', async () => {
    const value: unknown = await validationPipe().transform(
      { email: 'a@b.org', bands: [{ min: 0 }] },
      { type: 'body', metatype: Body },
    );
    expect(value).toBeInstanceOf(Body);
    expect((value as Body).bands[0]).toBeInstanceOf(Band);
  });
});
