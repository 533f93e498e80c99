import '../../i18n/zh.audit';
import { Alert, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditVerifyResult } from '../../api/types';
import { formatDateTime } from '../../common/format';

/**
 * The outcome of 校验哈希链: the chain intact or the first event that breaks it, and the chain
 * against its signed checkpoints — a cut tail, a rewritten chain or a forged checkpoint (PR-3).
 */
export function VerifyResultAlert({ result, onClose }: { result: AuditVerifyResult; onClose: () => void }) {
  const { t } = useTranslation();
  const bad = result.firstBad;
  const { checkpoints } = result;
  const title = bad
    ? t('audit.verifyBad', { seq: bad.seq, problem: bad.problem, message: bad.message })
    : !checkpoints.ok
      ? t('audit.checkpointsBroken')
      : result.eventsChecked === 0
        ? t('audit.verifyEmpty')
        : t('audit.verifyOk', { count: result.eventsChecked });
  return (
    <Alert
      type={result.ok ? 'success' : 'error'}
      showIcon
      title={title}
      description={
        <>
          {result.lastHash && (
            <div>{t('audit.lastHash', { seq: result.lastSeq ?? '', hash: result.lastHash })}</div>
          )}
          <div data-testid="verify-checkpoints">
            {checkpoints.latest
              ? t('audit.checkpointsHold', {
                  count: checkpoints.checked,
                  seq: checkpoints.latest.seq,
                  at: formatDateTime(checkpoints.latest.at),
                })
              : t('audit.noCheckpoint')}
          </div>
          {checkpoints.timeStamps.stamped > 0 && (
            <div data-testid="verify-timestamps">
              {t('audit.timeStamps', {
                stamped: checkpoints.timeStamps.stamped,
                at: checkpoints.latest?.timeStampedAt
                  ? formatDateTime(checkpoints.latest.timeStampedAt)
                  : '—',
              })}
              {!checkpoints.timeStamps.trusted && ` ${t('audit.timeStampsUntrusted')}`}
            </div>
          )}
          {checkpoints.timeStamps.missing > 0 && (
            <Typography.Text type="warning" style={{ display: 'block' }}>
              {t('audit.timeStampsMissing', { count: checkpoints.timeStamps.missing })}
            </Typography.Text>
          )}
          {checkpoints.problems.map((p, i) => (
            <Typography.Text key={i} type="danger" style={{ display: 'block' }}>
              {t(`audit.checkpointProblem.${p.kind}`, { seq: p.seq ?? '' })}
            </Typography.Text>
          ))}
        </>
      }
      closable={{ onClose }}
      style={{ marginBottom: 16 }}
      data-testid="verify-result"
    />
  );
}
