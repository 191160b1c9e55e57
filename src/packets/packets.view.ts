import { ApiProperty } from '@nestjs/swagger';

export class PacketView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) meetingId!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['queued', 'rendering', 'ready', 'failed'] }) status!: string;
  @ApiProperty({ description: 'The rendering job' }) jobId!: string;
  @ApiProperty({ nullable: true, type: String }) sha256!: string | null;
  @ApiProperty({ nullable: true, type: Number }) pageCount!: number | null;
  @ApiProperty({ nullable: true, type: Number }) sizeBytes!: number | null;
  @ApiProperty({ description: 'Agenda items it was built from' }) items!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) renderedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: String }) downloadUrl!: string | null;
}
