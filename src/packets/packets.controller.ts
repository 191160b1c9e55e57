import { Controller, Get, HttpCode, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Public, Roles } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/params';
import { PacketsService } from './packets.service';
import { PacketView } from './packets.view';

function asDownload(reply: FastifyReply, filename: string): void {
  void reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`)
    .header('x-content-type-options', 'nosniff');
}

@ApiTags('packets')
@Controller()
export class PacketsController {
  constructor(private readonly packets: PacketsService) {}

  @Post('meetings/:id/packet')
  @ApiBearerAuth()
  @Roles('secretariat')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: PacketView, description: 'A new version is queued for rendering' })
  request(@CurrentActor() actor: Actor, @UuidParam('id') meetingId: string): Promise<PacketView> {
    return this.packets.request(actor, meetingId);
  }

  @Get('meetings/:id/packet')
  @ApiBearerAuth()
  @Roles('secretariat', 'steering_committee')
  @ApiQuery({ name: 'download', required: false, description: 'true: the PDF of the latest ready version' })
  @ApiOkResponse({
    type: PacketView,
    description: 'Status of the latest version, or its PDF with ?download=true',
  })
  async latest(
    @UuidParam('id') meetingId: string,
    @Query('download') download: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PacketView | StreamableFile> {
    if (download !== 'true') return this.packets.latest(meetingId);
    const { packet, stream } = await this.packets.openLatest(meetingId);
    asDownload(reply, `packet-v${packet.version}.pdf`);
    void reply.header('x-packet-sha256', packet.sha256 ?? '');
    return new StreamableFile(stream);
  }

  @Get('meetings/:id/packet/versions')
  @ApiBearerAuth()
  @Roles('secretariat', 'steering_committee')
  @ApiOkResponse({ type: [PacketView] })
  versions(@UuidParam('id') meetingId: string): Promise<PacketView[]> {
    return this.packets.versions(meetingId);
  }

  @Get('packets/download')
  @Public()
  @ApiProduces('application/pdf')
  @ApiQuery({
    name: 'token',
    required: true,
    description: 'From the packet e-mail; expires after PACKET_LINK_TTL',
  })
  @ApiOkResponse({ description: 'The packet PDF (410 once the link has expired)' })
  async signed(
    @Query('token') token: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const { packet, stream } = await this.packets.openSigned(token);
    asDownload(reply, `packet-v${packet.version}.pdf`);
    return new StreamableFile(stream);
  }

  @Get('concept-notes/:id/pdf')
  @ApiBearerAuth()
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The current revision as PDF' })
  async notePdf(
    @CurrentActor() actor: Actor,
    @UuidParam('id') noteId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const { filename, bytes } = await this.packets.notePdf(actor, noteId);
    asDownload(reply, filename);
    return new StreamableFile(Buffer.from(bytes));
  }
}
