import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditVerifyResult } from '../../api/types';

/** The outcome of 校验哈希链: intact, or the first event that breaks the chain. */
export function VerifyResultAlert({ result, onClose }: { result: AuditVerifyResult; onClose: () => void }) {
  const { t } = useTranslation();
  const bad = result.firstBad;
  const title = bad
    ? t('audit.verifyBad', { seq: bad.seq, problem: bad.problem, message: bad.message })
    : result.eventsChecked === 0
      ? t('audit.verifyEmpty')
      : t('audit.verifyOk', { count: result.eventsChecked });
  return (
    <Alert
      type={result.ok ? 'success' : 'error'}
      showIcon
      title={title}
      description={
        result.lastHash
          ? t('audit.lastHash', { seq: result.lastSeq ?? '', hash: result.lastHash })
          : undefined
      }
      closable={{ onClose }}
      style={{ marginBottom: 16 }}
      data-testid="verify-result"
    />
  );
}
