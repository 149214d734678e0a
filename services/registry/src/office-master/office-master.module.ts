import { Module } from '@nestjs/common';
import { registryRuntime } from '../registry.runtime';
import { OfficeMasterJsonParser } from './dto/office-master-json.parser';
import { OfficeMasterClock } from './office-master.clock';
import { OfficeMasterController } from './office-master.controller';
import { OfficeMasterRepository } from './office-master.repository';
import { OfficeMasterService } from './office-master.service';

/** The 事業所台帳 per prefecture (docs/registry.md); exports OfficeMasterService for registration. */
@Module({
  imports: [registryRuntime],
  controllers: [OfficeMasterController],
  providers: [OfficeMasterJsonParser, OfficeMasterClock, OfficeMasterRepository, OfficeMasterService],
  exports: [OfficeMasterService],
})
export class OfficeMasterModule {}
