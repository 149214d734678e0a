import { Module } from '@nestjs/common';
import { LicencesModule } from './licences/licences.module';
import { OfficeMasterModule } from './office-master/office-master.module';
import { OfficesModule } from './offices/offices.module';
import { OpenApiModule } from './openapi/openapi.module';
import { registryRuntime } from './registry.runtime';

// Registration against the 事業所台帳, licences and the searchable directory come with the registration issue;
// for now registry serves the minimal directory the exchange needs (docs/exchange.md).
@Module({
  imports: [registryRuntime, OfficesModule, OfficeMasterModule, LicencesModule, OpenApiModule],
})
export class RegistryModule {}
