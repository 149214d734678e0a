// `renkei pki dev-init` and `renkei pki issue`: a dev CA on disk and office .p12 files from it. TEST ONLY.
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { hasValidOfficeCheckDigit } from '@renkei/careplan';
import {
  createDevCa,
  credentialFromPem,
  DEV_CA_CERTIFICATE_FILE,
  DEV_CA_KEY_FILE,
  DevCredential,
  DevKeyType,
  exportPkcs12,
  issueOfficeCertificate,
} from '@renkei/pki';
import { AgentError, AgentErrorCode, ExitCode, usageError } from '../agent.errors';
import { ensureDirectory, exists, readInputFile, writeFileAtomic, writeNewFile } from '../files.util';

const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;
const SERVICE_TYPE = /^[0-9A-Z]{2}$/;

export interface DevInitResult {
  certificateFile: string;
  keyFile: string;
  fingerprint: string;
}

export async function pkiDevInit(options: { out: string; keyType?: DevKeyType }): Promise<DevInitResult> {
  const certificateFile = path.join(options.out, DEV_CA_CERTIFICATE_FILE);
  const keyFile = path.join(options.out, DEV_CA_KEY_FILE);
  for (const file of [certificateFile, keyFile]) {
    if (await exists(file)) {
      throw new AgentError(
        AgentErrorCode.FILE_EXISTS,
        `ファイルが既に存在します。上書きしません (file exists): ${file}`,
        ExitCode.InvalidInput,
      );
    }
  }
  await ensureDirectory(options.out, 0o700);
  const ca = createDevCa({ keyType: options.keyType ?? 'ec' });
  await writeNewFile(keyFile, ca.privateKeyPem, 0o600);
  await writeNewFile(certificateFile, ca.certificatePem, 0o644);
  return { certificateFile, keyFile, fingerprint: ca.fingerprint };
}

export interface IssueOptions {
  caDir: string;
  officeNumber: string;
  serviceTypes: string[];
  keyType?: DevKeyType;
  out: string;
  password: string;
  overwrite?: boolean;
}

export interface IssueResult {
  file: string;
  officeNumber: string;
  serviceTypes: string[];
  fingerprint: string;
  notAfter: string;
  warnings: string[];
}

export async function pkiIssue(options: IssueOptions): Promise<IssueResult> {
  if (!OFFICE_NUMBER.test(options.officeNumber)) {
    throw usageError(
      `事業所番号は英数字10桁です (office number must be 10 × [0-9A-Z]): ${options.officeNumber}`,
    );
  }
  if (options.serviceTypes.length === 0) throw usageError('--service-type を1つ以上指定してください');
  const badType = options.serviceTypes.find((code) => !SERVICE_TYPE.test(code));
  if (badType !== undefined) {
    throw usageError(`サービス種類コードは英数字2桁です (service type must be 2 × [0-9A-Z]): ${badType}`);
  }
  const ca = await loadCa(options.caDir);
  const office = issueOfficeCertificate(ca, {
    officeNumber: options.officeNumber,
    serviceTypes: options.serviceTypes,
    keyType: options.keyType ?? 'ec',
  });
  const p12 = await exportPkcs12(office, options.password, {
    friendlyName: `renkei office ${options.officeNumber}`,
    chain: [ca.certificate],
  });
  await writeFileAtomic(options.out, p12, { mode: 0o600, overwrite: options.overwrite });
  const warnings = hasValidOfficeCheckDigit(options.officeNumber)
    ? []
    : [`事業所番号の検証番号が正しくありません (check digit invalid): ${options.officeNumber}`];
  return {
    file: options.out,
    officeNumber: options.officeNumber,
    serviceTypes: options.serviceTypes,
    fingerprint: office.fingerprint,
    notAfter: new Date(new X509Certificate(office.certificate).validTo).toISOString(),
    warnings,
  };
}

/** The dev CA kept as DIR/ca.pem + DIR/ca.key.pem. */
export async function loadCa(caDir: string): Promise<DevCredential> {
  const certificateFile = path.join(caDir, DEV_CA_CERTIFICATE_FILE);
  const keyFile = path.join(caDir, DEV_CA_KEY_FILE);
  if (!(await exists(certificateFile)) || !(await exists(keyFile))) {
    throw new AgentError(
      AgentErrorCode.DEV_CA_NOT_FOUND,
      `開発用CAが見つかりません (dev CA not found): ${caDir} に ${DEV_CA_CERTIFICATE_FILE} と ${DEV_CA_KEY_FILE} が必要です`,
      ExitCode.NotFound,
    );
  }
  try {
    return credentialFromPem(
      (await readInputFile(certificateFile)).toString('utf8'),
      await fs.readFile(keyFile, 'utf8'),
    );
  } catch (error) {
    throw new AgentError(
      AgentErrorCode.CERTIFICATE_INVALID,
      `開発用CAを読めません (dev CA unreadable): ${caDir} (${error instanceof Error ? error.message : 'error'})`,
      ExitCode.InvalidInput,
    );
  }
}
