import { readOfficeIdentity } from '@renkei/envelope';
import { createHash, X509Certificate } from 'node:crypto';
import { OfficesError, OfficesErrorCode } from '../offices.errors';

/** An office certificate as presented to the directory, parsed. */
export interface PresentedCertificate {
  readonly der: Buffer;
  /** lower-case hex SHA-256 of der */
  readonly sha256: string;
  /** 事業所番号 from the subject, if any */
  readonly officeNumber: string | undefined;
  readonly serviceTypes: readonly string[];
  /** the certificate's notAfter */
  readonly notAfter: Date;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
// a certificate is a few KiB; this bounds the work done on a hostile body
const MAX_PEM_LENGTH = 64 * 1024;

/** `{ certificatePem }` holding exactly one PEM certificate; REQUEST_INVALID otherwise. */
export function parseRegisterOfficeDto(body: unknown): { certificatePem: string } {
  const input = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const { certificatePem } = input;
  const blocks =
    typeof certificatePem === 'string' && certificatePem.length <= MAX_PEM_LENGTH
      ? (certificatePem.match(PEM_BLOCK) ?? [])
      : [];
  if (typeof certificatePem !== 'string' || blocks.length !== 1) {
    throw new OfficesError(OfficesErrorCode.REQUEST_INVALID, 'the registration request is invalid', [
      { field: 'certificatePem', problem: 'must be one PEM certificate (at most 64 KiB)' },
    ]);
  }
  return { certificatePem };
}

/** The certificate in `pem` with its digest and office identity; OFFICE_CERTIFICATE_INVALID when it does not parse. */
export function readPresentedCertificate(pem: string): PresentedCertificate {
  let der: Buffer;
  let notAfter: Date;
  let identity: ReturnType<typeof readOfficeIdentity>;
  try {
    const certificate = new X509Certificate(pem);
    der = certificate.raw;
    notAfter = new Date(certificate.validTo);
    if (Number.isNaN(notAfter.getTime())) throw new Error('unreadable notAfter');
    identity = readOfficeIdentity(der);
  } catch {
    throw new OfficesError(
      OfficesErrorCode.OFFICE_CERTIFICATE_INVALID,
      'certificatePem does not parse as an X.509 certificate',
    );
  }
  return {
    der,
    sha256: createHash('sha256').update(der).digest('hex'),
    officeNumber: identity.officeNumber,
    serviceTypes: identity.serviceTypes,
    notAfter,
  };
}

const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;

/** 10 × [0-9A-Z]; OFFICE_NUMBER_INVALID otherwise. */
export function parseOfficeNumber(value: string): string {
  if (!OFFICE_NUMBER.test(value)) {
    throw new OfficesError(OfficesErrorCode.OFFICE_NUMBER_INVALID, 'the office number is not 10 × [0-9A-Z]');
  }
  return value;
}

export function pemOf(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
