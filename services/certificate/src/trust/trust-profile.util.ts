// An operator-given certificate profile (JSON) checked field by field into a CertificateProfileSpec.
import {
  isObjectIdentifier,
  isProfileFieldSource,
  KEY_USAGE_NAMES,
  TRUST_ROLES,
  type CertificateProfileSpec,
  type KeyUsageName,
  type ProfileField,
  type TrustRole,
} from '@renkei/envelope';
import { TrustError, TrustErrorCode } from './trust.errors';

interface Problem {
  readonly field: string;
  readonly problem: string;
}

/** the profile in `input`, or TRUST_PROFILE_INVALID listing every problem */
export function parseProfile(input: unknown): CertificateProfileSpec {
  const problems: Problem[] = [];
  if (!isObject(input)) {
    throw new TrustError(TrustErrorCode.TRUST_PROFILE_INVALID, 'profile must be an object');
  }
  const name = input['name'];
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(name)) {
    problems.push({ field: 'name', problem: 'must be 1–64 characters of [A-Za-z0-9._-]' });
  }
  const officeNumber = field(input, 'officeNumber', problems, true);
  const serviceTypes = field(input, 'serviceTypes', problems, false);
  const role = field(input, 'role', problems, false);
  const prefecture = field(input, 'prefecture', problems, false);
  const requiredKeyUsages = list(input, 'requiredKeyUsages', KEY_USAGE_NAMES, problems, 0);
  const allowedRoles = list(input, 'allowedRoles', TRUST_ROLES, problems, 1);
  if (allowedRoles.includes('office') && !serviceTypes) {
    problems.push({ field: 'serviceTypes', problem: 'is required when allowedRoles includes office' });
  }
  if (allowedRoles.includes('kokuhoren') && !prefecture) {
    problems.push({ field: 'prefecture', problem: 'is required when allowedRoles includes kokuhoren' });
  }
  if (allowedRoles.some((allowed) => allowed !== 'office') && !role) {
    problems.push({ field: 'role', problem: 'is required when allowedRoles holds more than office' });
  }
  if (problems.length > 0 || !officeNumber) {
    throw new TrustError(
      TrustErrorCode.TRUST_PROFILE_INVALID,
      'the certificate profile is invalid',
      problems,
    );
  }
  return {
    name: name as string,
    officeNumber,
    ...(serviceTypes ? { serviceTypes } : {}),
    requiredKeyUsages: requiredKeyUsages as KeyUsageName[],
    allowedRoles: allowedRoles as TrustRole[],
    ...(role ? { role } : {}),
    ...(prefecture ? { prefecture } : {}),
  };
}

function field(
  input: Record<string, unknown>,
  key: string,
  problems: Problem[],
  required: boolean,
): ProfileField | undefined {
  const value = input[key];
  if (value === undefined || value === null) {
    if (required) problems.push({ field: key, problem: 'is required' });
    return undefined;
  }
  if (!isObject(value)) {
    problems.push({ field: key, problem: 'must be an object {source, oid, valuePrefix?}' });
    return undefined;
  }
  const { source, oid, valuePrefix } = value;
  const before = problems.length;
  if (!isProfileFieldSource(source)) {
    problems.push({ field: `${key}.source`, problem: 'must be subject or extension' });
  }
  if (!isObjectIdentifier(oid) || oid.length > 128) {
    problems.push({ field: `${key}.oid`, problem: 'must be a dotted object identifier' });
  }
  if (valuePrefix !== undefined && (typeof valuePrefix !== 'string' || valuePrefix.length > 64)) {
    problems.push({ field: `${key}.valuePrefix`, problem: 'must be a string of at most 64 characters' });
  }
  if (problems.length > before) return undefined;
  return {
    source: source as ProfileField['source'],
    oid: oid as string,
    ...(valuePrefix ? { valuePrefix: valuePrefix as string } : {}),
  };
}

function list(
  input: Record<string, unknown>,
  key: string,
  allowed: readonly string[],
  problems: Problem[],
  minItems: number,
): string[] {
  const value = input[key];
  if (!Array.isArray(value) || value.length < minItems) {
    problems.push({
      field: key,
      problem: `must be an array of at least ${minItems} of ${allowed.join(', ')}`,
    });
    return [];
  }
  const unknown = value.filter((item) => typeof item !== 'string' || !allowed.includes(item));
  if (unknown.length > 0) {
    problems.push({ field: key, problem: `unknown value(s) ${unknown.map(String).join(', ')}` });
    return [];
  }
  return [...new Set(value as string[])];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
