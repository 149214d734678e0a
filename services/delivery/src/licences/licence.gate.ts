import { Inject, Injectable } from '@nestjs/common';
import { isLicenceLive } from '@renkei/contracts';
import { KnownLicenceRepository, type AuthPrincipal } from '@renkei/platform';
import { DeliveryError, DeliveryErrorCode } from '../envelopes/envelopes.errors';
import { LicencesClock } from './licences.clock';

/** Lets only an office with a live licence (in delivery's read model; no call to registry) use the exchange. */
@Injectable()
export class LicenceGate {
  constructor(
    @Inject(KnownLicenceRepository) private readonly licences: KnownLicenceRepository,
    @Inject(LicencesClock) private readonly clock: LicencesClock,
  ) {}

  async assertLive(principal: AuthPrincipal): Promise<void> {
    const [licence] = await this.licences.findByOfficeNumbers([principal.officeNumber]);
    if (!isLicenceLive(licence, this.clock.now())) {
      throw new DeliveryError(
        DeliveryErrorCode.LICENCE_NOT_LIVE,
        `the office ${principal.officeNumber} holds no live licence`,
      );
    }
  }
}
