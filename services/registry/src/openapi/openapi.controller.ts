import { Controller, Get } from '@nestjs/common';
import { Public } from '@renkei/platform';
import type { OpenApi31Document } from '@renkei/platform';
import { registryOpenApi } from './registry.openapi';

/** registry's OpenAPI 3.1 document, for anyone: it describes the API, not its data */
@Public()
@Controller('v1/registry')
export class OpenApiController {
  @Get('openapi.json')
  document(): OpenApi31Document {
    return registryOpenApi;
  }
}
