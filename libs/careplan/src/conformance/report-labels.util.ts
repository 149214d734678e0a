import { FileParty } from '../file-names/file-name.parser';
import { IssueSeverity } from '../validation/validation.types';
import { ConformanceStatus } from './conformance.report';

export const severityLabel = (severity: IssueSeverity): string => {
  switch (severity) {
    case IssueSeverity.Error:
      return 'エラー';
    case IssueSeverity.Warning:
      return '警告';
  }
};

export const statusLabel = (status: ConformanceStatus): string => {
  switch (status) {
    case ConformanceStatus.Pass:
      return '合格';
    case ConformanceStatus.Fail:
      return '不合格';
    case ConformanceStatus.NotExercised:
      return '未実施';
  }
};

export const passLabel = (passed: boolean): string => (passed ? '合格' : '不合格');

/** 事業所番号/サービス種類コード, `--` for a V3 name without the type */
export const partyText = (party: FileParty): string => `${party.officeNumber}/${party.serviceType ?? '--'}`;
