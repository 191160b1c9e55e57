import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ConceptNotesModule } from '../concept-notes/concept-notes.module';
import { ReviewsModule } from '../reviews/reviews.module';
import { PacketDataLoader } from './packet-data';
import { PacketsController } from './packets.controller';
import { PACKETS_QUEUE } from './packets.queue';
import { PacketsService } from './packets.service';

/** Packets and note PDFs for the API; the worker adds PacketsProcessor (see WorkerModule). */
@Module({
  imports: [ConceptNotesModule, ReviewsModule, BullModule.registerQueue({ name: PACKETS_QUEUE })],
  controllers: [PacketsController],
  providers: [PacketsService, PacketDataLoader],
  exports: [PacketsService, BullModule],
})
export class PacketsModule {}
