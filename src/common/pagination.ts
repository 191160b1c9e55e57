import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE = 1_000_000;

export class PageQuery {
  /** Bounded, so that (page − 1) × limit stays an offset PostgreSQL takes. */
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page = 1;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;
}

export class ExportablePageQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv', 'xlsx'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv', 'xlsx'])
  format: 'json' | 'csv' | 'xlsx' = 'json';
}

export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
}

export function skipTake(query: PageQuery): { skip: number; take: number } {
  return { skip: (query.page - 1) * query.limit, take: query.limit };
}
