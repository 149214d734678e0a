import { Module } from '@nestjs/common';
import { registryRuntime } from '../registry.runtime';
import { OfficeRepository } from './office.repository';
import { OfficesClock } from './offices.clock';
import { OfficesController } from './offices.controller';
import { OfficesService } from './offices.service';

/** The minimal office directory (docs/exchange.md, Directory). */
@Module({
  imports: [registryRuntime],
  controllers: [OfficesController],
  providers: [OfficesClock, OfficeRepository, OfficesService],
})
export class OfficesModule {}
