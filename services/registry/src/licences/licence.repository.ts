import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, EntityTarget, Repository } from 'typeorm';
import { OfficeMasterEntryEntity } from '../office-master/office-master-entry.entity';
import { OfficeMasterUploadEntity } from '../office-master/office-master-upload.entity';
import { LicenceChangeEntity } from './licence-change.entity';
import { LicenceEntity, LicenceState } from './licence.entity';

/** filters of the licence lists; every one optional */
export interface LicenceFilter {
  readonly state?: LicenceState;
  readonly prefecture?: string;
  readonly officeNumber?: string;
  readonly serviceType?: string;
  /** keyset: office numbers after this one */
  readonly after?: string;
  readonly limit: number;
}

/** a live licence with the office's name in the office master (事業所台帳), null when it has none */
export interface NamedLicence {
  readonly licence: LicenceEntity;
  readonly name: string | null;
}

/** licences of one state in one prefecture */
export interface LicenceCount {
  readonly state: LicenceState;
  readonly prefecture: string;
  readonly count: number;
}

/** one prefecture's counts, as the summary query returns them */
export interface PrefectureCounts {
  readonly prefecture: string;
  readonly pending: number;
  readonly active: number;
  readonly suspended: number;
  readonly expired: number;
  readonly cancelled: number;
  readonly autoRenewingActive: number;
  readonly termsEndingSoon: number;
  readonly masterActive: number;
  readonly masterInactive: number;
  readonly lastUploadAt: Date | null;
}

const TERM_JOB_LOCK = 'registry.licence-term-job';

@Injectable()
export class LicenceRepository {
  private readonly repository: Repository<LicenceEntity>;
  private readonly changes: Repository<LicenceChangeEntity>;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    this.repository = dataSource.getRepository(LicenceEntity);
    this.changes = dataSource.getRepository(LicenceChangeEntity);
  }

  /** runs `work` in one transaction: licence rows, audit rows and outbox events commit together */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  getByNumber(officeNumber: string): Promise<LicenceEntity | null> {
    return this.repository.findOneBy({ officeNumber });
  }

  /** the licence row, locked until the transaction ends (primary key) */
  lockByNumber(manager: EntityManager, officeNumber: string): Promise<LicenceEntity | null> {
    return manager.getRepository(LicenceEntity).findOne({
      where: { officeNumber },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** inserts unless the office has a licence; true when this call inserted it (primary key conflict otherwise) */
  async insertIfAbsent(manager: EntityManager, licence: LicenceEntity): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(LicenceEntity)
      .values(licence)
      .orIgnore()
      .returning('office_number')
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  async update(manager: EntityManager, licence: LicenceEntity): Promise<void> {
    await manager.getRepository(LicenceEntity).save(licence);
  }

  async addChange(manager: EntityManager, change: LicenceChangeEntity): Promise<void> {
    await manager.getRepository(LicenceChangeEntity).insert(change);
  }

  /** the audit trail of one office's licence, oldest first (licence_change_office_number_version_key) */
  /** the office's 事業所名 in the office master, null without an entry (office_master_entry_pkey) */
  async officeNameOf(manager: EntityManager, officeNumber: string): Promise<string | null> {
    const entry = await manager
      .getRepository(OfficeMasterEntryEntity)
      .findOne({ select: { officeNumber: true, name: true }, where: { officeNumber } });
    return entry?.name ?? null;
  }

  changesOf(officeNumber: string): Promise<LicenceChangeEntity[]> {
    return this.changes.find({ where: { officeNumber }, order: { version: 'ASC' } });
  }

  /** one page of licences by office number (licence_pkey; licence_state_office_number_idx with a state) */
  page(filter: LicenceFilter): Promise<LicenceEntity[]> {
    const query = this.repository.createQueryBuilder('licence');
    if (filter.state) query.andWhere('licence.state = :state', { state: filter.state });
    if (filter.prefecture)
      query.andWhere('licence.prefecture = :prefecture', { prefecture: filter.prefecture });
    if (filter.officeNumber) {
      query.andWhere('licence.officeNumber = :officeNumber', { officeNumber: filter.officeNumber });
    }
    if (filter.serviceType) {
      query.andWhere(':serviceType = ANY(licence.serviceTypes)', { serviceType: filter.serviceType });
    }
    if (filter.after) query.andWhere('licence.officeNumber > :after', { after: filter.after });
    return query.orderBy('licence.officeNumber', 'ASC').limit(filter.limit).getMany();
  }

  /** licences counted by state and prefecture (one pass over the licence table) */
  countByStateAndPrefecture(): Promise<LicenceCount[]> {
    return this.repository
      .createQueryBuilder('licence')
      .select('licence.state', 'state')
      .addSelect('licence.prefecture', 'prefecture')
      .addSelect('count(*)::int', 'count')
      .groupBy('licence.state')
      .addGroupBy('licence.prefecture')
      .getRawMany<LicenceCount>();
  }

  /**
   * every prefecture '01'..'47' (or only `prefecture`), zero rows included: licences by state, auto-renewing
   * active ones, active terms ending in [now, soonEnd), office master entries and the last upload. One
   * statement of GROUP BYs: a sequential pass over licence (no prefecture index: every row is read anyway),
   * office_master_entry_prefecture_idx and office_master_upload_prefecture_idx with a prefecture.
   */
  async countsByPrefecture(now: Date, soonEnd: Date, prefecture?: string): Promise<PrefectureCounts[]> {
    const table = (entity: EntityTarget<unknown>) => this.dataSource.getMetadata(entity).tablePath;
    return (await this.dataSource.query(
      `WITH prefectures AS (
         SELECT to_char(n, 'FM00') AS prefecture FROM generate_series(1, 47) AS n
       ), licences AS (
         SELECT prefecture,
                count(*) FILTER (WHERE state = 'pending')::int AS pending,
                count(*) FILTER (WHERE state = 'active')::int AS active,
                count(*) FILTER (WHERE state = 'suspended')::int AS suspended,
                count(*) FILTER (WHERE state = 'expired')::int AS expired,
                count(*) FILTER (WHERE state = 'cancelled')::int AS cancelled,
                count(*) FILTER (WHERE state = 'active' AND auto_renew)::int AS auto_renewing_active,
                count(*) FILTER (WHERE state = 'active' AND term_end >= $1 AND term_end < $2)::int AS ending_soon
           FROM ${table(LicenceEntity)}
          WHERE $3::text IS NULL OR prefecture = $3
          GROUP BY prefecture
       ), master AS (
         SELECT prefecture,
                count(*) FILTER (WHERE status = 'active')::int AS active,
                count(*) FILTER (WHERE status <> 'active')::int AS inactive
           FROM ${table(OfficeMasterEntryEntity)}
          WHERE $3::text IS NULL OR prefecture = $3
          GROUP BY prefecture
       ), uploads AS (
         SELECT prefecture, max(uploaded_at) AS last_upload_at
           FROM ${table(OfficeMasterUploadEntity)}
          WHERE $3::text IS NULL OR prefecture = $3
          GROUP BY prefecture
       )
       SELECT p.prefecture AS "prefecture",
              coalesce(l.pending, 0) AS "pending",
              coalesce(l.active, 0) AS "active",
              coalesce(l.suspended, 0) AS "suspended",
              coalesce(l.expired, 0) AS "expired",
              coalesce(l.cancelled, 0) AS "cancelled",
              coalesce(l.auto_renewing_active, 0) AS "autoRenewingActive",
              coalesce(l.ending_soon, 0) AS "termsEndingSoon",
              coalesce(m.active, 0) AS "masterActive",
              coalesce(m.inactive, 0) AS "masterInactive",
              u.last_upload_at AS "lastUploadAt"
         FROM prefectures p
         LEFT JOIN licences l USING (prefecture)
         LEFT JOIN master m USING (prefecture)
         LEFT JOIN uploads u USING (prefecture)
        WHERE $3::text IS NULL OR p.prefecture = $3
        ORDER BY p.prefecture`,
      [now, soonEnd, prefecture ?? null],
    )) as PrefectureCounts[];
  }

  /**
   * one page of live licences with the office master's name; `name` matches part of the name or its kana
   * (licence_state_office_number_idx; office_master_entry_pkey for the join)
   */
  async directoryPage(
    filter: Omit<LicenceFilter, 'state'> & { readonly name?: string },
  ): Promise<NamedLicence[]> {
    const query = this.repository
      .createQueryBuilder('licence')
      .leftJoin(OfficeMasterEntryEntity, 'master', 'master.officeNumber = licence.officeNumber')
      .addSelect('master.name', 'master_name')
      .where('licence.state = :state', { state: LicenceState.ACTIVE });
    if (filter.prefecture)
      query.andWhere('licence.prefecture = :prefecture', { prefecture: filter.prefecture });
    if (filter.officeNumber) {
      query.andWhere('licence.officeNumber = :officeNumber', { officeNumber: filter.officeNumber });
    }
    if (filter.serviceType) {
      query.andWhere(':serviceType = ANY(licence.serviceTypes)', { serviceType: filter.serviceType });
    }
    if (filter.name) {
      query.andWhere('(master.name ILIKE :name OR master.nameKana ILIKE :name)', {
        name: `%${filter.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      });
    }
    if (filter.after) query.andWhere('licence.officeNumber > :after', { after: filter.after });
    const { entities, raw } = await query
      .orderBy('licence.officeNumber', 'ASC')
      .limit(filter.limit)
      .getRawAndEntities<{ licence_office_number: string; master_name: string | null }>();
    const names = new Map(raw.map((row) => [row.licence_office_number, row.master_name]));
    return entities.map((licence) => ({ licence, name: names.get(licence.officeNumber) ?? null }));
  }

  /** the term job's lock: one replica at a time renews and expires (transaction-scoped advisory lock) */
  async tryLockTermJob(manager: EntityManager): Promise<boolean> {
    const [{ locked }] = (await manager.query(
      'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS "locked"',
      [TERM_JOB_LOCK],
    )) as [{ locked: boolean }];
    return locked;
  }

  /** active licences whose term ended by `now`, locked, oldest term end first (licence_term_end_idx) */
  lockTermsEnded(manager: EntityManager, now: Date, limit: number): Promise<LicenceEntity[]> {
    return manager
      .getRepository(LicenceEntity)
      .createQueryBuilder('licence')
      .where('licence.state = :state', { state: LicenceState.ACTIVE })
      .andWhere('licence.termEnd <= :now', { now })
      .orderBy('licence.termEnd', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .getMany();
  }
}
