// The 事業所台帳 per prefecture (docs/registry.md): each 国保連 replaces its prefecture's whole master; every
// upload is recorded (the audit record) with what it added, changed and closed, and every office keeps its
// versions. Registration asks `isActive`.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthPrincipal } from '@renkei/platform';
import { isPrefecture, validateUpload } from './dto/office-master-upload.dto';
import type { ReadUpload } from './dto/office-master-body.util';
import { OfficeMasterClock } from './office-master.clock';
import { diffMaster } from './office-master.diff';
import { OfficeMasterError, OfficeMasterErrorCode } from './office-master.errors';
import { OfficeMasterRepository, VersionedChange } from './office-master.repository';
import { MasterStatus } from './office-master.types';
import {
  entryView,
  MasterEntryView,
  MasterVersionView,
  UploadView,
  uploadView,
  versionView,
} from './office-master.views';
import { OfficeMasterUploadEntity } from './office-master-upload.entity';

export interface UploadResult {
  /** false when the same body was the prefecture's latest upload already (200, nothing recorded) */
  readonly recorded: boolean;
  readonly upload: UploadView;
}

const UPLOAD_ROLES = ['kokuhoren', 'operator'] as const;
const MAX_LISTED_UPLOADS = 100;

@Injectable()
export class OfficeMasterService {
  private readonly logger = new Logger(OfficeMasterService.name);

  constructor(
    @Inject(OfficeMasterRepository) private readonly master: OfficeMasterRepository,
    @Inject(OfficeMasterClock) private readonly clock: OfficeMasterClock,
  ) {}

  /** 400 OFFICE_MASTER_PREFECTURE_INVALID unless 01..47; 403 unless operator or that prefecture's 国保連 */
  authorizePrefecture(principal: AuthPrincipal, prefecture: string): void {
    if (!isPrefecture(prefecture)) {
      throw new OfficeMasterError(
        OfficeMasterErrorCode.OFFICE_MASTER_PREFECTURE_INVALID,
        'the prefecture is a code 01..47',
      );
    }
    if (!mayManage(principal, prefecture)) {
      throw new OfficeMasterError(
        OfficeMasterErrorCode.OFFICE_MASTER_FORBIDDEN,
        `only the 国保連 of prefecture ${prefecture} or an operator may do this`,
      );
    }
  }

  async upload(principal: AuthPrincipal, prefecture: string, body: ReadUpload): Promise<UploadResult> {
    this.authorizePrefecture(principal, prefecture);
    const upload = validateUpload(prefecture, body.raw);
    const result = await this.master.transaction(async (manager) => {
      await this.master.lockPrefecture(manager, prefecture);
      const latest = await this.master.latestUpload(manager, prefecture);
      if (latest?.sha256 === body.sha256) return { recorded: false, upload: latest };
      if (latest && upload.asOf < latest.asOf) {
        throw new OfficeMasterError(
          OfficeMasterErrorCode.OFFICE_MASTER_STALE,
          `the master of prefecture ${prefecture} is already as of ${latest.asOf}`,
        );
      }
      const current = await this.master.entriesOf(manager, prefecture);
      const diff = diffMaster(current, upload.offices);
      const record = Object.assign(new OfficeMasterUploadEntity(), {
        id: this.clock.uuid(),
        prefecture,
        uploadedBy: principal.officeNumber,
        role: principal.roles.find((role) => (UPLOAD_ROLES as readonly string[]).includes(role)) ?? '',
        reason: 'upload',
        uploadedAt: this.clock.now(),
        asOf: upload.asOf,
        sha256: body.sha256,
        mediaType: body.mediaType,
        officeCount: upload.offices.length,
        ...diff.counts,
      } satisfies OfficeMasterUploadEntity);
      await this.master.insertUpload(manager, record);
      const changes: VersionedChange[] = diff.changes.map((change) => ({
        ...change,
        version: (current.get(change.record.officeNumber)?.version ?? 0) + 1,
      }));
      await this.master.applyChanges(manager, record, changes);
      return { recorded: true, upload: record };
    });
    if (result.recorded) {
      const { id, added, changed, closed, unchanged } = result.upload;
      this.logger.log(
        { uploadId: id, prefecture, added, changed, closed, unchanged },
        'office master uploaded',
      );
    }
    return { recorded: result.recorded, upload: uploadView(result.upload) };
  }

  async uploads(principal: AuthPrincipal, prefecture: string): Promise<UploadView[]> {
    this.authorizePrefecture(principal, prefecture);
    return (await this.master.uploadsOf(prefecture, MAX_LISTED_UPLOADS)).map(uploadView);
  }

  async office(principal: AuthPrincipal, officeNumber: string): Promise<MasterEntryView> {
    return entryView(await this.readableEntry(principal, officeNumber));
  }

  async history(principal: AuthPrincipal, officeNumber: string): Promise<MasterVersionView[]> {
    await this.readableEntry(principal, officeNumber);
    return (await this.master.versionsOf(officeNumber)).map(versionView);
  }

  /**
   * whether the office is active in its prefecture's master with `serviceType` at `at` (designation period
   * inclusive, compared as the date in Japan); for registration
   */
  async isActive(officeNumber: string, serviceType: string, at: Date): Promise<boolean> {
    const entry = await this.master.getEntry(officeNumber);
    if (!entry || entry.status !== MasterStatus.ACTIVE) return false;
    if (!entry.serviceTypes.includes(serviceType)) return false;
    const day = japanDateOf(at);
    if (entry.designatedFrom !== null && day < entry.designatedFrom) return false;
    return entry.designatedTo === null || day <= entry.designatedTo;
  }

  // an office nobody may read answers as one that does not exist: no enumeration across prefectures
  private async readableEntry(principal: AuthPrincipal, officeNumber: string) {
    const entry = /^[0-9A-Z]{10}$/.test(officeNumber) ? await this.master.getEntry(officeNumber) : null;
    if (!entry || !mayManage(principal, entry.prefecture)) {
      throw new OfficeMasterError(
        OfficeMasterErrorCode.OFFICE_MASTER_OFFICE_NOT_FOUND,
        'no such office in a master you may read',
      );
    }
    return entry;
  }
}

function mayManage(principal: AuthPrincipal, prefecture: string): boolean {
  if (principal.roles.includes('operator')) return true;
  return principal.roles.includes('kokuhoren') && principal.prefecture === prefecture;
}

const JAPAN_OFFSET_MS = 9 * 60 * 60 * 1000;

/** YYYY-MM-DD of `at` in Japan (UTC+9, no daylight saving) */
export function japanDateOf(at: Date): string {
  return new Date(at.getTime() + JAPAN_OFFSET_MS).toISOString().slice(0, 10);
}
