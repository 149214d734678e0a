import { Body, Controller, Get, Inject, Param, Put, Res, UseFilters } from '@nestjs/common';
import { AuthPrincipal, Principal } from '@renkei/platform';
import type { Response } from 'express';
import {
  parseOfficeNumber,
  parseRegisterOfficeDto,
  readPresentedCertificate,
} from './dto/register-office.dto';
import { OfficesExceptionFilter } from './offices-exception.filter';
import { OfficesService, OwnOffice, PublishedOffice, RegisteredOffice } from './offices.service';

@Controller('v1/offices')
@UseFilters(OfficesExceptionFilter)
export class OfficesController {
  constructor(@Inject(OfficesService) private readonly offices: OfficesService) {}

  /** publishes the certificate the token was issued for: 201 the first time, 200 after */
  @Put('me')
  async register(
    @Principal() principal: AuthPrincipal,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RegisteredOffice> {
    const { certificatePem } = parseRegisterOfficeDto(body);
    const registration = await this.offices.register(principal, readPresentedCertificate(certificatePem));
    response.status(registration.created ? 201 : 200);
    return registration.office;
  }

  /** the calling office's own record and its certificate's expiry (declared before :officeNumber) */
  @Get('me')
  me(@Principal() principal: AuthPrincipal): Promise<OwnOffice> {
    return this.offices.getOwn(principal);
  }

  @Get(':officeNumber')
  get(@Param('officeNumber') officeNumber: string): Promise<PublishedOffice> {
    return this.offices.get(parseOfficeNumber(officeNumber));
  }
}
