import { Module } from '@nestjs/common';
import { OpenApiController } from './openapi.controller';

/** Serves registry's OpenAPI document (GET /v1/registry/openapi.json). */
@Module({ controllers: [OpenApiController] })
export class OpenApiModule {}
