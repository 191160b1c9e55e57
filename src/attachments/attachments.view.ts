import { ApiProperty } from '@nestjs/swagger';

export class AttachmentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['template', 'annex', 'endorsement_letter'] }) kind!: string;
  @ApiProperty() filename!: string;
  @ApiProperty({ description: 'Detected from the content' }) contentType!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty() sha256!: string;
  @ApiProperty({ format: 'uuid' }) uploadedById!: string;
  @ApiProperty() createdAt!: string;
}
