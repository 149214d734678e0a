// The one topic registry. Producers, consumers, deploy/local and the chart read topic names from here,
// never from string literals. A name is never renamed or reused: a breaking change is a new `.v2` topic.

export type CleanupPolicy = 'delete' | 'compact';

export interface TopicSpec {
  /** `<domain>.<entity>.<event>.v<major>` */
  readonly name: string;
  /** fully qualified protobuf message carried by the topic */
  readonly message: string;
  /** what the Kafka key is, so ordering holds where it matters */
  readonly key: string;
  readonly partitions: number;
  readonly cleanupPolicy: CleanupPolicy;
  /** for `delete` topics; -1 keeps forever */
  readonly retentionMs?: number;
  /** consumer groups (`<service>.<purpose>`) that read the topic */
  readonly consumers: readonly string[];
  readonly description: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Dead letters of any topic: same key, kept 30 days, one partition per source partition. */
export const DLQ_RETENTION_MS = 30 * DAY_MS;

export const Topics = {
  platformProbeRecorded: {
    name: 'platform.probe.recorded.v1',
    message: 'renkei.platform.v1.ProbeRecorded',
    key: 'probe id',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 1 * DAY_MS,
    consumers: ['platform.probe'],
    description:
      'Pipeline self-test: a service writes a probe through its outbox and consumes it back, proving ' +
      'outbox → bus → consumer end to end (readiness diagnostics, integration tests and bench/).',
  },
  registryOfficeChanged: {
    name: 'registry.office.changed.v1',
    message: 'renkei.registry.v1.OfficeChanged',
    key: 'office number',
    partitions: 6,
    cleanupPolicy: 'compact',
    consumers: ['intake.offices'],
    description:
      'The latest state of each office in the directory (status, service types, encryption certificate). ' +
      'Compacted: the last event per office number is its state; intake keeps a local read model of it.',
  },
  registryLicenceChanged: {
    name: 'registry.licence.changed.v1',
    message: 'renkei.registry.v1.LicenceChanged',
    key: 'office number',
    partitions: 6,
    cleanupPolicy: 'compact',
    consumers: ['intake.licences', 'delivery.licences', 'billing.licences'],
    description:
      "The latest state of each office's licence (pending, active, suspended, expired, cancelled; term; " +
      'auto-renew). Compacted: the last event per office number is its licence; intake and delivery keep ' +
      'local read models of it to refuse parties without a live licence, and billing turns each term into a fee.',
  },
  intakeEnvelopeAccepted: {
    name: 'intake.envelope.accepted.v1',
    message: 'renkei.intake.v1.EnvelopeAccepted',
    key: 'recipient office number',
    partitions: 12,
    cleanupPolicy: 'delete',
    retentionMs: 14 * DAY_MS,
    consumers: ['storage.envelopes', 'delivery.envelopes'],
    description:
      'Intake verified an envelope and stored its ciphertext once; keyed by recipient so that one ' +
      "recipient's envelopes stay in acceptance order.",
  },
  storageEnvelopeAvailable: {
    name: 'storage.envelope.available.v1',
    message: 'renkei.storage.v1.EnvelopeAvailable',
    key: 'recipient office number',
    partitions: 12,
    cleanupPolicy: 'delete',
    retentionMs: 14 * DAY_MS,
    consumers: ['delivery.inbox'],
    description:
      'Storage serves an accepted envelope to its parties from now on; delivery files it in the inbox.',
  },
  storageEnvelopeDownloaded: {
    name: 'storage.envelope.downloaded.v1',
    message: 'renkei.storage.v1.EnvelopeDownloaded',
    key: 'recipient office number',
    partitions: 12,
    cleanupPolicy: 'delete',
    retentionMs: 14 * DAY_MS,
    consumers: ['delivery.downloads'],
    description: "A party downloaded an envelope's ciphertext in full; the sender's timeline shows it.",
  },
  certificateTrustChanged: {
    name: 'certificate.trust.changed.v1',
    message: 'renkei.certificate.v1.TrustChanged',
    key: '"trust" (one key: the last event is the whole configuration)',
    partitions: 1,
    cleanupPolicy: 'compact',
    consumers: ['intake.trust', 'delivery.trust'],
    description:
      'The whole trust configuration at a version: every anchor with its certificate profile and CRL status. ' +
      'Compacted; intake and delivery keep a local read model and apply it without a restart.',
  },
  certificateRevocationRecorded: {
    name: 'certificate.revocation.recorded.v1',
    message: 'renkei.certificate.v1.CertificateRevoked',
    key: 'issuer name SHA-256 + ":" + serial number',
    partitions: 6,
    cleanupPolicy: 'compact',
    consumers: ['intake.revocations', 'delivery.revocations'],
    description:
      'A certificate listed by a CRL of a trust anchor. Compacted; intake and delivery refuse it from the ' +
      'moment their read model has it, on every replica.',
  },
  deliveryReceiptRecorded: {
    name: 'delivery.receipt.recorded.v1',
    message: 'renkei.delivery.v1.ReceiptRecorded',
    key: 'recipient office number',
    partitions: 12,
    cleanupPolicy: 'delete',
    retentionMs: 14 * DAY_MS,
    consumers: [],
    description:
      "Delivery verified and recorded the recipient's signed receipt (accepted, or rejected with reasons).",
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof Topics;
export type TopicName = (typeof Topics)[TopicKey]['name'];

export const dlqNameOf = (topic: string): string => `${topic}.dlq`;

/** Every topic the platform needs, dead-letter topics included, as deploy/local and the chart create them. */
export function allTopicSpecs(): TopicSpec[] {
  const specs: TopicSpec[] = Object.values(Topics);
  return specs.flatMap((spec) => [
    spec,
    {
      name: dlqNameOf(spec.name),
      message: spec.message,
      key: spec.key,
      partitions: spec.partitions,
      cleanupPolicy: 'delete' as const,
      retentionMs: DLQ_RETENTION_MS,
      consumers: [],
      description: `Dead letters of ${spec.name}; header x-dlq-reason says why.`,
    },
  ]);
}

export function topicSpec(name: string): TopicSpec {
  const spec = allTopicSpecs().find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`unknown topic ${name}: add it to libs/contracts/src/topics.ts`);
  return spec;
}
