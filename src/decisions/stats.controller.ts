import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/decorators';
import { StatsView } from './dto/stats.dto';
import { StatsService } from './stats.service';

@ApiTags('stats')
@ApiBearerAuth()
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @Roles('secretariat', 'steering_committee')
  @ApiOkResponse({ type: StatsView })
  get(): Promise<StatsView> {
    return this.stats.stats();
  }
}
