// The certificate validation policy (docs/trust.md "Validation policy"): a signer certificate chains to an
// active trust anchor of one TrustSnapshot, through CA certificates that came with it, honouring basic
// constraints and path lengths; it is valid at the validation time (and at signing time when given), neither
// it nor an intermediate is revoked, its keys and signatures are strong enough, and it carries the identity the
// anchor's certificate profile describes. Pure code, no I/O. `CachedTrustPolicy` is the same policy with a
// bounded cache for hot paths (intake): revocation is checked on every call, never cached.
import { KeyObject } from 'node:crypto';
import { sha256Hex } from '../der';
import { CertificatePolicyError, CertificatePolicyErrorCode } from './certificate-policy.errors';
import {
  type CertificateFacts,
  extensionValues,
  hasKeyUsage,
  readCertificateFacts,
  subjectValues,
} from './certificate-facts';
import {
  devCertificateProfile,
  type ProfileField,
  type RevocationLookup,
  TRUST_ROLES,
  type TrustAnchorSpec,
  type TrustRole,
  type TrustSnapshot,
} from './trust-snapshot';

export { revocationIdOf } from './certificate-facts';

/** Who a validated certificate speaks for. */
export interface PrincipalIdentity {
  /** 事業所番号, or the principal id for kokuhoren/operator */
  readonly officeNumber: string;
  /** サービス種類コード; [] allowed only for kokuhoren/operator */
  readonly serviceTypes: string[];
  /** from the profile's role field, default 'office' */
  readonly role: TrustRole;
  /** 01–47, set for role 'kokuhoren' only */
  readonly prefecture?: string;
  /** of the end-entity certificate */
  readonly notAfter: Date;
  /** the anchor the chain ended at */
  readonly anchorId: string;
  /** lower-case hex SHA-256 of the end-entity DER */
  readonly certificateSha256: string;
}

/** `at`: the time of validation; `signedAt`: the signing time claimed by a signature, checked as well */
export interface ValidationTimes {
  readonly at: Date;
  readonly signedAt?: Date;
}

/** a signer certificate as `parseEnvelope` returns it: DER and its hex SHA-256 (the cache key) */
export interface CertificateRef {
  readonly der: Uint8Array;
  readonly sha256: string;
}

/** intermediates at most between the end entity and the anchor */
export const MAX_INTERMEDIATES = 4;
/** signature checks at most while looking for a path */
const MAX_SIGNATURE_CHECKS = 32;
const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;
const SERVICE_TYPE = /^[0-9A-Z]{2}$/;
const PREFECTURE = /^(0[1-9]|[1-3][0-9]|4[0-7])$/;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g;

interface Anchor {
  readonly spec: TrustAnchorSpec;
  readonly facts: CertificateFacts;
}

/** One certificate of a path whose revocation is looked up on every call. */
interface RevocationCheck {
  readonly issuerNameSha256: string;
  readonly serialNumber: string;
  /** how a refusal names it */
  readonly what: string;
}

/**
 * The outcome of everything that does not change while `at` stays in the validity windows looked at:
 * `early` (rules 1–4 at `at`) or the leaf's validity, the revocation lookups of the path, then `late`
 * (keys, profile) or the identity. `conclude` applies `signedAt` and the live revocation set to it.
 */
export interface TrustEvaluation {
  readonly early?: CertificatePolicyError;
  readonly leafNotBefore: number;
  readonly leafNotAfter: number;
  readonly revocationChecks: readonly RevocationCheck[];
  readonly late?: CertificatePolicyError;
  readonly identity?: PrincipalIdentity;
}

function refuse(code: CertificatePolicyErrorCode, message: string): CertificatePolicyError {
  return new CertificatePolicyError(code, message);
}

/** The DER certificates of a PEM bundle, in order. */
export function derCertificatesFromPem(pem: string | undefined): Uint8Array[] {
  return [...(pem ?? '').matchAll(PEM_CERTIFICATE)].map(
    (match) => new Uint8Array(Buffer.from(match[1].replace(/\s+/g, ''), 'base64')),
  );
}

/**
 * The snapshot of a TRUST_ANCHORS_PEM configuration: version 0, every anchor active with the dev profile for
 * `allowedRoles`, named `config-<first 16 hex digits of its SHA-256>`, no revocations.
 */
export function snapshotFromPem(
  pem: string | undefined,
  allowedRoles: readonly TrustRole[] = ['office'],
  revocations: RevocationLookup = { isRevoked: () => false, size: 0 },
): TrustSnapshot {
  const anchors = derCertificatesFromPem(pem).map((certificateDer): TrustAnchorSpec => {
    const facts = readCertificateFacts(certificateDer);
    if (!facts) throw new Error('TRUST_ANCHORS_PEM holds a certificate that is not readable');
    return {
      anchorId: `config-${facts.sha256.slice(0, 16)}`,
      certificateDer,
      profile: devCertificateProfile(allowedRoles),
      active: true,
    };
  });
  return { version: 0, anchors, revocations };
}

export class TrustPolicy {
  private readonly anchorsBySubject = new Map<string, Anchor[]>();
  private readonly activeAnchors: number;

  /** Throws an Error when an anchor's certificate is not readable (the snapshot is invalid). */
  constructor(readonly snapshot: TrustSnapshot) {
    for (const spec of snapshot.anchors) {
      const facts = readCertificateFacts(spec.certificateDer);
      if (!facts) throw new Error(`trust anchor ${spec.anchorId} is not a readable certificate`);
      const list = this.anchorsBySubject.get(facts.subjectNameSha256) ?? [];
      list.push({ spec, facts });
      this.anchorsBySubject.set(facts.subjectNameSha256, list);
    }
    this.activeAnchors = snapshot.anchors.filter((anchor) => anchor.active).length;
  }

  /** A policy over TRUST_ANCHORS_PEM (snapshotFromPem). */
  static fromPem(pem: string | undefined, allowedRoles?: readonly TrustRole[]): TrustPolicy {
    return new TrustPolicy(snapshotFromPem(pem, allowedRoles));
  }

  /** active anchors */
  get anchorCount(): number {
    return this.activeAnchors;
  }

  /** The principal `leafDer` binds, or a CertificatePolicyError saying why it is refused. */
  validate(leafDer: Uint8Array, others: readonly Uint8Array[], times: ValidationTimes): PrincipalIdentity {
    return this.conclude(this.evaluate(readCertificateFacts(leafDer), others, times.at), times);
  }

  /** @internal the part of `validate` that CachedTrustPolicy keeps */
  evaluate(leaf: CertificateFacts | undefined, others: readonly Uint8Array[], at: Date): TrustEvaluation {
    const none = { leafNotBefore: 0, leafNotAfter: 0, revocationChecks: [] };
    if (this.activeAnchors === 0) {
      return {
        ...none,
        early: refuse(
          CertificatePolicyErrorCode.TRUST_ANCHORS_NOT_CONFIGURED,
          'no active trust anchor is configured',
        ),
      };
    }
    if (!leaf) {
      return {
        ...none,
        early: refuse(CertificatePolicyErrorCode.CERTIFICATE_UNREADABLE, 'the certificate is not readable'),
      };
    }
    const time = at.getTime();
    const path = this.pathOf(leaf, others, time);
    if (path instanceof CertificatePolicyError) return { ...none, early: path };
    const window = { leafNotBefore: leaf.notBefore, leafNotAfter: leaf.notAfter };
    const validity = validityRefusal(leaf, time);
    if (validity) return { ...none, ...window, early: validity };
    const revocationChecks = [leaf, ...path.intermediates].map((certificate, index): RevocationCheck => ({
      issuerNameSha256: certificate.issuerNameSha256,
      serialNumber: certificate.serialNumber,
      what: index === 0 ? 'the certificate' : 'an intermediate CA of its chain',
    }));
    const base = { ...window, revocationChecks };
    const keys = keyRefusal([leaf, ...path.intermediates, path.anchor.facts]);
    if (keys) return { ...base, late: keys };
    const identity = principalOf(leaf, path.anchor);
    return identity instanceof CertificatePolicyError ? { ...base, late: identity } : { ...base, identity };
  }

  /** @internal applies signing time and the live revocation set to an evaluation */
  conclude(evaluation: TrustEvaluation, times: ValidationTimes): PrincipalIdentity {
    if (evaluation.early) throw refuse(evaluation.early.code, evaluation.early.message);
    if (times.signedAt) {
      const signed = times.signedAt.getTime();
      if (signed < evaluation.leafNotBefore) {
        throw refuse(
          CertificatePolicyErrorCode.CERTIFICATE_NOT_YET_VALID,
          'the certificate was not valid yet at signing time',
        );
      }
      if (signed > evaluation.leafNotAfter) {
        throw refuse(
          CertificatePolicyErrorCode.CERTIFICATE_EXPIRED,
          'the certificate had expired at signing time',
        );
      }
    }
    const revocations = this.snapshot.revocations;
    if (revocations.size > 0) {
      for (const check of evaluation.revocationChecks) {
        if (revocations.isRevoked(check.issuerNameSha256, check.serialNumber)) {
          throw refuse(CertificatePolicyErrorCode.CERTIFICATE_REVOKED, `${check.what} is revoked`);
        }
      }
    }
    if (evaluation.late) throw refuse(evaluation.late.code, evaluation.late.message);
    const identity = evaluation.identity as PrincipalIdentity;
    return { ...identity, serviceTypes: [...identity.serviceTypes] };
  }

  /** @internal the validity windows an evaluation of `leaf` with `others` depends on, intersected */
  windowOf(leaf: CertificateFacts, others: readonly CertificateFacts[]): { from: number; to: number } {
    let from = leaf.notBefore;
    let to = leaf.notAfter;
    for (const certificate of [leaf, ...others]) {
      if (certificate !== leaf) {
        from = Math.max(from, certificate.notBefore);
        to = Math.min(to, certificate.notAfter);
      }
      for (const anchor of this.anchorsBySubject.get(certificate.issuerNameSha256) ?? []) {
        from = Math.max(from, anchor.facts.notBefore);
        to = Math.min(to, anchor.facts.notAfter);
      }
    }
    return { from, to };
  }

  /**
   * A path from `leaf` through CA certificates of `others` to an active anchor (depth-first, at most
   * MAX_INTERMEDIATES), or the most telling refusal met on the way.
   */
  private pathOf(
    leaf: CertificateFacts,
    others: readonly Uint8Array[],
    time: number,
  ): { intermediates: CertificateFacts[]; anchor: Anchor } | CertificatePolicyError {
    const candidates = new Map<string, CertificateFacts[]>();
    for (const der of others) {
      const facts = readCertificateFacts(der);
      if (!facts || facts.sha256 === leaf.sha256) continue;
      const list = candidates.get(facts.subjectNameSha256) ?? [];
      if (!list.some((known) => known.sha256 === facts.sha256)) list.push(facts);
      candidates.set(facts.subjectNameSha256, list);
    }
    // the refusal to give when no path is found: the highest rank met wins
    let refusal = refuse(
      CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED,
      'the certificate does not chain to a trust anchor',
    );
    let rank = 0;
    const note = (level: number, code: CertificatePolicyErrorCode, message: string): void => {
      if (level > rank) {
        rank = level;
        refusal = refuse(code, message);
      }
    };

    // each signature is checked at most once, and at most MAX_SIGNATURE_CHECKS per validation: `others` comes
    // from the sender, and same-named certificates could otherwise make the search exponential
    const verdicts = new Map<string, boolean>();
    const signedBy = (child: CertificateFacts, issuer: CertificateFacts): boolean => {
      const key = `${child.sha256}:${issuer.sha256}`;
      let linked = verdicts.get(key);
      if (linked === undefined) {
        if (verdicts.size >= MAX_SIGNATURE_CHECKS) {
          note(1, CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED, 'too many candidate CA certificates');
          return false;
        }
        linked = verifies(child, issuer);
        verdicts.set(key, linked);
      }
      return linked;
    };
    /** whether `issuer` (valid at the time) signed `current`, with a strong enough algorithm */
    const linked = (current: CertificateFacts, issuer: CertificateFacts, what: string): boolean => {
      if (!withinValidity(issuer, time)) {
        note(1, CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED, `${what} is not valid at that time`);
        return false;
      }
      if (!signedBy(current, issuer)) return false;
      if (current.signatureProblem) {
        const subject = current === leaf ? 'the certificate' : 'an intermediate CA of its chain';
        note(
          4,
          CertificatePolicyErrorCode.CERTIFICATE_KEY_UNSUPPORTED,
          `${subject} is signed with ${current.signatureProblem}`,
        );
        return false;
      }
      return true;
    };

    const search = (
      current: CertificateFacts,
      intermediates: CertificateFacts[],
    ): { intermediates: CertificateFacts[]; anchor: Anchor } | undefined => {
      for (const anchor of this.anchorsBySubject.get(current.issuerNameSha256) ?? []) {
        if (!linked(current, anchor.facts, 'its trust anchor')) continue;
        if (!anchor.spec.active) {
          note(
            2,
            CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED,
            `the certificate chains only to a retired trust anchor (${anchor.spec.anchorId})`,
          );
          continue;
        }
        if (anchor.facts.pathLen !== undefined && intermediates.length > anchor.facts.pathLen) {
          note(
            5,
            CertificatePolicyErrorCode.CERTIFICATE_PATH_INVALID,
            `the chain has ${intermediates.length} intermediate CAs below a trust anchor whose pathLenConstraint is ${anchor.facts.pathLen}`,
          );
          continue;
        }
        return { intermediates, anchor };
      }
      if (intermediates.length >= MAX_INTERMEDIATES) return undefined;
      for (const ca of candidates.get(current.issuerNameSha256) ?? []) {
        if (ca === current || intermediates.includes(ca)) continue;
        if (!linked(current, ca, 'an intermediate CA of its chain')) continue;
        if (!ca.isCa || !hasKeyUsage(ca, 'keyCertSign')) {
          note(
            5,
            CertificatePolicyErrorCode.CERTIFICATE_PATH_INVALID,
            'the chain goes through a certificate that is not a CA (basicConstraints CA:TRUE with keyCertSign)',
          );
          continue;
        }
        if (ca.pathLen !== undefined && intermediates.length > ca.pathLen) {
          note(
            5,
            CertificatePolicyErrorCode.CERTIFICATE_PATH_INVALID,
            `the chain has ${intermediates.length} intermediate CAs below an intermediate CA whose pathLenConstraint is ${ca.pathLen}`,
          );
          continue;
        }
        const found = search(ca, [...intermediates, ca]);
        if (found) return found;
      }
      return undefined;
    };

    return search(leaf, []) ?? refusal;
  }
}

interface CacheEntry {
  readonly facts: CertificateFacts | undefined;
  /** by the SHA-256s of the other certificates, '' when there are none */
  readonly verdicts: Map<string, Verdict>;
}

interface Verdict {
  readonly evaluation: TrustEvaluation;
  /** the evaluation holds for `at` in [from, to] (ms): every certificate it looked at is valid there */
  readonly from: number;
  readonly to: number;
}

/** Verdicts kept per signer certificate, one per distinct set of accompanying certificates. */
const MAX_VERDICTS_PER_CERTIFICATE = 4;

/**
 * TrustPolicy with a bounded LRU of signer certificates by SHA-256: the parsed certificate (and its public key)
 * and each evaluation with the time window over which it was computed. An evaluation is reused only while
 * `at` lies in the intersection of the validity periods of the signer, the certificates that came with it and
 * the anchors they name: there every time comparison of the policy comes out the same. Signing time and
 * revocation (a few Set lookups with precomputed keys) are applied on every call, so a certificate revoked
 * after the policy was built is refused on the next call.
 */
export class CachedTrustPolicy {
  private readonly policy: TrustPolicy;
  private readonly entries = new Map<string, CacheEntry>();

  constructor(
    readonly snapshot: TrustSnapshot,
    readonly maxEntries = 10_000,
  ) {
    this.policy = new TrustPolicy(snapshot);
  }

  /** A cached policy over TRUST_ANCHORS_PEM (snapshotFromPem). */
  static fromPem(
    pem: string | undefined,
    allowedRoles?: readonly TrustRole[],
    maxEntries?: number,
  ): CachedTrustPolicy {
    return new CachedTrustPolicy(snapshotFromPem(pem, allowedRoles), maxEntries);
  }

  /** active anchors */
  get anchorCount(): number {
    return this.policy.anchorCount;
  }

  /** certificates currently cached */
  get size(): number {
    return this.entries.size;
  }

  /** The signer's public key, parsed once per certificate; undefined when the certificate is unreadable. */
  publicKey(signer: CertificateRef): KeyObject | undefined {
    return this.entry(signer).facts?.publicKey;
  }

  /** As TrustPolicy.validate, from the cache while the cached evaluation's window covers `times.at`. */
  validate(signer: CertificateRef, others: readonly Uint8Array[], times: ValidationTimes): PrincipalIdentity {
    const entry = this.entry(signer);
    const key = others.length === 0 ? '' : others.map((der) => sha256Hex(der)).join(',');
    const time = times.at.getTime();
    const cached = entry.verdicts.get(key);
    if (cached && cached.from <= time && time <= cached.to)
      return this.policy.conclude(cached.evaluation, times);
    const evaluation = this.policy.evaluate(entry.facts, others, times.at);
    if (entry.facts) {
      const window = this.policy.windowOf(
        entry.facts,
        others.map(readCertificateFacts).filter((facts): facts is CertificateFacts => facts !== undefined),
      );
      if (window.from <= time && time <= window.to) {
        entry.verdicts.delete(key);
        entry.verdicts.set(key, { evaluation, ...window });
        if (entry.verdicts.size > MAX_VERDICTS_PER_CERTIFICATE) {
          entry.verdicts.delete(entry.verdicts.keys().next().value as string);
        }
      }
    }
    return this.policy.conclude(evaluation, times);
  }

  private entry(signer: CertificateRef): CacheEntry {
    const found = this.entries.get(signer.sha256);
    if (found) {
      // most recently used last
      this.entries.delete(signer.sha256);
      this.entries.set(signer.sha256, found);
      return found;
    }
    const entry: CacheEntry = { facts: readCertificateFacts(signer.der), verdicts: new Map() };
    this.entries.set(signer.sha256, entry);
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return entry;
  }
}

function withinValidity(facts: CertificateFacts, time: number): boolean {
  return facts.notBefore <= time && time <= facts.notAfter;
}

function verifies(child: CertificateFacts, issuer: CertificateFacts): boolean {
  try {
    return child.x509.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function validityRefusal(leaf: CertificateFacts, time: number): CertificatePolicyError | undefined {
  if (time < leaf.notBefore) {
    return refuse(CertificatePolicyErrorCode.CERTIFICATE_NOT_YET_VALID, 'the certificate is not valid yet');
  }
  if (time > leaf.notAfter) {
    return refuse(CertificatePolicyErrorCode.CERTIFICATE_EXPIRED, 'the certificate has expired');
  }
  return undefined;
}

function keyRefusal(path: readonly CertificateFacts[]): CertificatePolicyError | undefined {
  for (const [index, certificate] of path.entries()) {
    if (!certificate.keyProblem) continue;
    const what =
      index === 0
        ? 'the certificate'
        : index === path.length - 1
          ? 'its trust anchor'
          : 'an intermediate CA of its chain';
    return refuse(
      CertificatePolicyErrorCode.CERTIFICATE_KEY_UNSUPPORTED,
      `${what} has ${certificate.keyProblem}`,
    );
  }
  return undefined;
}

/** Rule 7: the identity the anchor's profile reads from `leaf`, or why it does not fit. */
function principalOf(leaf: CertificateFacts, anchor: Anchor): PrincipalIdentity | CertificatePolicyError {
  const profile = anchor.spec.profile;
  const mismatch = (message: string): CertificatePolicyError =>
    refuse(CertificatePolicyErrorCode.CERTIFICATE_PROFILE_MISMATCH, `${message} (profile ${profile.name})`);
  if (leaf.isCa) return mismatch('the certificate is a CA certificate, not an end entity');
  if (leaf.keyUsage === undefined) return mismatch('the certificate has no keyUsage extension');
  const missing = profile.requiredKeyUsages.filter((usage) => !hasKeyUsage(leaf, usage));
  if (missing.length > 0) return mismatch(`the certificate's keyUsage lacks ${missing.join(', ')}`);

  const read = fieldReader(leaf);
  let officeNumbers: string[];
  let serviceTypes: string[];
  let roles: string[];
  let prefectures: string[];
  try {
    officeNumbers = read(profile.officeNumber);
    serviceTypes = [...new Set(read(profile.serviceTypes))];
    roles = read(profile.role);
    prefectures = read(profile.prefecture);
  } catch {
    return mismatch('an identity field of the certificate is not readable');
  }
  if (officeNumbers.length !== 1 || !OFFICE_NUMBER.test(officeNumbers[0])) {
    return mismatch(
      officeNumbers.length > 1
        ? 'the certificate carries more than one office number'
        : 'the certificate carries no office number of 10 characters [0-9A-Z]',
    );
  }
  if (roles.length > 1) return mismatch('the certificate carries more than one role');
  const role = (roles[0] ?? 'office') as TrustRole;
  if (!TRUST_ROLES.includes(role)) return mismatch(`the certificate carries an unknown role "${roles[0]}"`);
  if (!profile.allowedRoles.includes(role)) {
    return mismatch(
      `the role "${role}" is not allowed for certificates of trust anchor ${anchor.spec.anchorId}`,
    );
  }
  const badServiceType = serviceTypes.find((code) => !SERVICE_TYPE.test(code));
  if (badServiceType !== undefined)
    return mismatch(`the service type "${badServiceType}" is not 2 characters [0-9A-Z]`);
  if (role === 'office' && serviceTypes.length === 0)
    return mismatch('an office certificate carries no service type');
  if (prefectures.length > 1) return mismatch('the certificate carries more than one prefecture');
  if (prefectures.length === 1 && !PREFECTURE.test(prefectures[0])) {
    return mismatch(`the prefecture "${prefectures[0]}" is not a code 01–47`);
  }
  if (role === 'kokuhoren' && prefectures.length === 0)
    return mismatch('a kokuhoren certificate carries no prefecture');
  return {
    officeNumber: officeNumbers[0],
    serviceTypes,
    role,
    ...(role === 'kokuhoren' ? { prefecture: prefectures[0] } : {}),
    notAfter: new Date(leaf.notAfter),
    anchorId: anchor.spec.anchorId,
    certificateSha256: leaf.sha256,
  };
}

function fieldReader(leaf: CertificateFacts): (field: ProfileField | undefined) => string[] {
  return (field) => {
    if (!field) return [];
    const values =
      field.source === 'subject' ? subjectValues(leaf, field.oid) : extensionValues(leaf, field.oid);
    const prefix = field.valuePrefix;
    return prefix === undefined
      ? values
      : values.filter((value) => value.startsWith(prefix)).map((value) => value.slice(prefix.length));
  };
}
