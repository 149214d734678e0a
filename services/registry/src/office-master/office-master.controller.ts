import { Controller, Get, Inject, Param, Put, Query, Req, Res, UseFilters } from '@nestjs/common';
import { AuthPrincipal, Principal, Roles } from '@renkei/platform';
import type { Request, Response } from 'express';
import { readUpload } from './dto/office-master-body.util';
import { OfficeMasterExceptionFilter } from './office-master-exception.filter';
import { OfficeMasterService } from './office-master.service';
import type { MasterEntryView, MasterVersionView, UploadView } from './office-master.views';

/** The 事業所台帳 API (docs/registry.md): each 国保連 uploads its prefecture's master; operators read all. */
@Controller('v1/office-master')
@UseFilters(OfficeMasterExceptionFilter)
export class OfficeMasterController {
  constructor(@Inject(OfficeMasterService) private readonly master: OfficeMasterService) {}

  /** the prefecture's whole master: 201 when recorded, 200 when the same body was the latest upload */
  @Roles('kokuhoren', 'operator')
  @Put(':prefecture')
  async upload(
    @Principal() principal: AuthPrincipal,
    @Param('prefecture') prefecture: string,
    @Query('asOf') asOf: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UploadView> {
    // authorized before the body is read: a stranger learns nothing about the upload's validity
    this.master.authorizePrefecture(principal, prefecture);
    const result = await this.master.upload(principal, prefecture, await readUpload(request, asOf));
    response.status(result.recorded ? 201 : 200);
    return result.upload;
  }

  @Roles('kokuhoren', 'operator')
  @Get(':prefecture/uploads')
  uploads(
    @Principal() principal: AuthPrincipal,
    @Param('prefecture') prefecture: string,
  ): Promise<UploadView[]> {
    return this.master.uploads(principal, prefecture);
  }

  // no @Roles: anyone else gets the same 404 as for an office that does not exist
  @Get('offices/:officeNumber')
  office(
    @Principal() principal: AuthPrincipal,
    @Param('officeNumber') officeNumber: string,
  ): Promise<MasterEntryView> {
    return this.master.office(principal, officeNumber);
  }

  @Get('offices/:officeNumber/history')
  history(
    @Principal() principal: AuthPrincipal,
    @Param('officeNumber') officeNumber: string,
  ): Promise<MasterVersionView[]> {
    return this.master.history(principal, officeNumber);
  }
}
