// `renkei init`: imports the office .p12 into a profile of the home (its key encrypted at rest) and, unless
// offline, publishes the certificate.
import { createHash, X509Certificate } from 'node:crypto';
import { CertificatePolicyError, OfficeCertificatePolicy, readOfficeIdentity } from '@renkei/envelope';
import { importPkcs12, ImportedPkcs12, Pkcs12Error, Pkcs12ErrorCode } from '@renkei/pki';
import { AgentContext, platformUrlOf, profileStoreOf } from '../agent.context';
import { AgentError, AgentErrorCode, ExitCode, invalidInput } from '../agent.errors';
import { readInputFile } from '../files.util';
import { encryptPrivateKey, KeyEncryptionOptions } from '../key-encryption';
import { forgetKeySecret, newPassphrase, PASSPHRASE_ENV, PassphraseSource } from '../passphrase';
import { PlatformClient, RegisteredOffice, resolveEndpoints } from '../platform-client';
import { checkProfileName, KeyProtection, ProfileSettings } from '../profile.store';

export interface InitOptions {
  p12: string;
  password: string;
  /** the profile's name (default: the 事業所番号), e.g. 1310000004-43 for one service type */
  name?: string;
  /** PEM file with the CA certificate(s) to trust, instead of the CA certificates inside the .p12 */
  trustAnchorFile?: string;
  offline?: boolean;
  /** replace an existing profile of the same name */
  force?: boolean;
  /** key encryption parameters (tests) */
  keyEncryption?: KeyEncryptionOptions;
}

export interface InitResult {
  /** the profile's name */
  profile: string;
  /** the profile's directory */
  home: string;
  officeNumber: string;
  serviceTypes: string[];
  platformUrl: string;
  certificateSha256: string;
  trustAnchors: number;
  keyProtection: KeyProtection;
  /** where the passphrase came from (never the passphrase) */
  passphraseSource: PassphraseSource;
  /** the directory entry, or null with --offline */
  published: RegisteredOffice | null;
}

export async function init(ctx: AgentContext, options: InitOptions): Promise<InitResult> {
  const store = profileStoreOf(ctx);
  const profileExists = (name: string): AgentError =>
    new AgentError(
      AgentErrorCode.PROFILE_EXISTS,
      `プロファイル ${name} が既に存在します (profile exists): ${ctx.home}。置き換える場合は --force を指定してください`,
      ExitCode.InvalidInput,
    );
  if (options.name !== undefined) checkProfileName(options.name);
  if (options.name !== undefined && !options.force && (await store.exists(options.name))) {
    throw profileExists(options.name);
  }
  const imported = await openP12(options.p12, options.password);
  const trustAnchorsPem = options.trustAnchorFile
    ? (await readInputFile(options.trustAnchorFile)).toString('utf8')
    : imported.chain
        .map((der) => new X509Certificate(der))
        .filter((cert) => cert.ca)
        .map((cert) => cert.toString())
        .join('');
  const policy = OfficeCertificatePolicy.fromPem(trustAnchorsPem);
  if (policy.anchorCount === 0) {
    throw invalidInput(
      AgentErrorCode.CERTIFICATE_INVALID,
      '信頼するCA証明書がありません。--trust-anchor でCA証明書(PEM)を指定してください (no trust anchor)',
    );
  }
  const identity = checkOwnCertificate(policy, imported);
  const name = options.name ?? checkProfileName(identity.officeNumber);
  const previous = (await store.exists(name)) ? await store.readSettings(name) : undefined;
  if (previous && !options.force) throw profileExists(name);
  // the passphrase before publishing: nothing reaches the platform when it is missing
  const secret = await newPassphrase(ctx, {
    files: [ctx.passphraseFile],
    envNames: [PASSPHRASE_ENV],
    name,
  });
  try {
    const encryptedKeyPem = await encryptPrivateKey(
      imported.privateKey,
      secret.passphrase,
      options.keyEncryption,
    );
    const platformUrl = platformUrlOf(ctx);
    let published: RegisteredOffice | null = null;
    if (!options.offline) {
      ctx.progress(`証明書を事業所ディレクトリに登録しています (publishing) … ${platformUrl}`);
      const client = new PlatformClient(
        resolveEndpoints(platformUrl, ctx.env),
        { certificate: imported.certificate, privateKey: imported.privateKey, chain: imported.chain },
        { fetch: ctx.fetch },
      );
      published = await client.publishCertificate(imported.certificatePem);
    }
    const settings: ProfileSettings = {
      version: 1,
      officeNumber: identity.officeNumber,
      serviceTypes: identity.serviceTypes,
      platformUrl,
      certificateSha256: createHash('sha256').update(imported.certificate).digest('hex'),
      createdAt: new Date().toISOString(),
      ...(secret.keySecret ? { keySecret: secret.keySecret } : {}),
    };
    const dir = await store.save(
      name,
      { settings, certificatePem: imported.certificatePem, encryptedKeyPem, trustAnchorsPem },
      options.force,
    );
    await forgetKeySecret(ctx, previous?.keySecret);
    return {
      profile: name,
      home: dir,
      officeNumber: settings.officeNumber,
      serviceTypes: settings.serviceTypes,
      platformUrl,
      certificateSha256: settings.certificateSha256,
      trustAnchors: policy.anchorCount,
      keyProtection: secret.keySecret ? 'os-secret' : 'passphrase',
      passphraseSource: secret.source,
      published,
    };
  } catch (error) {
    // a passphrase generated for this profile but never used
    await forgetKeySecret(ctx, secret.keySecret);
    throw error;
  }
}

async function openP12(file: string, password: string): Promise<ImportedPkcs12> {
  const bytes = await readInputFile(file);
  try {
    return await importPkcs12(bytes, password);
  } catch (error) {
    if (!(error instanceof Pkcs12Error)) throw error;
    const reason: Record<Pkcs12ErrorCode, string> = {
      [Pkcs12ErrorCode.PKCS12_BAD_PASSWORD]: 'パスワードが違います',
      [Pkcs12ErrorCode.PKCS12_MALFORMED]: 'PKCS#12 ファイルとして読めません',
      [Pkcs12ErrorCode.PKCS12_UNSUPPORTED_ENCRYPTION]:
        '未対応の暗号方式です (3DES/RC2 など)。OpenSSL 3 の既定 (AES-256-CBC) で書き出し直してください',
      [Pkcs12ErrorCode.PKCS12_INCOMPLETE]: '秘密鍵と証明書の組が見つかりません',
    };
    throw invalidInput(error.code, `${reason[error.code]} (${error.code}): ${file}`);
  }
}

/** The office certificate must itself pass the policy the platform applies (chain, validity, profile). */
function checkOwnCertificate(
  policy: OfficeCertificatePolicy,
  imported: ImportedPkcs12,
): { officeNumber: string; serviceTypes: string[] } {
  try {
    const identity = policy.validate(imported.certificate, imported.chain, new Date());
    return { officeNumber: identity.officeNumber, serviceTypes: identity.serviceTypes };
  } catch (error) {
    if (!(error instanceof CertificatePolicyError)) throw error;
    const { officeNumber } = readOfficeIdentity(imported.certificate);
    throw invalidInput(
      AgentErrorCode.CERTIFICATE_INVALID,
      `事業所の証明書が使えません (${error.code}): ${error.message}${officeNumber ? ` [${officeNumber}]` : ''}`,
    );
  }
}
