import { Controller, Get, Inject, Query, UseFilters } from '@nestjs/common';
import { parseLicenceQuery } from './dto/licence-requests.dto';
import { LicenceQueriesService } from './licence-queries.service';
import type { DirectoryEntry, Page } from './licence.view';
import { LicencesExceptionFilter } from './licences-exception.filter';

/** The directory for agents: registered offices with a live licence, to any authenticated principal. */
@Controller('v1/directory')
@UseFilters(LicencesExceptionFilter)
export class DirectoryController {
  constructor(@Inject(LicenceQueriesService) private readonly queries: LicenceQueriesService) {}

  @Get()
  search(@Query() query: Record<string, unknown>): Promise<Page<DirectoryEntry>> {
    return this.queries.directory(parseLicenceQuery(query));
  }
}
