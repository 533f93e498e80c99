import { Alert, Button, Flex } from 'antd';
import { AlertOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../../api/types';
import { useRollback } from './execution.api';
import { triggerKindText } from './executionText';
import { TriggerClock } from './TriggerClock';
import { useNow } from './useNow';

const WATCHED: readonly string[] = ['implementing', 'post_release'];

/** RB-2 on every tab: rollback triggers awaiting a decision, each with its countdown. */
export function PendingTriggersBanner({ release, onOpen }: { release: ReleaseDetail; onOpen: () => void }) {
  const { t } = useTranslation();
  const watched = WATCHED.includes(release.state);
  const rollback = useRollback(release.id, { enabled: watched });
  const open = (rollback.data?.triggers ?? []).filter((x) => !x.decision);
  const now = useNow(1000, rollback.data?.now);
  if (!watched || open.length === 0) return null;
  return (
    <Alert
      type="error"
      showIcon
      icon={<AlertOutlined />}
      style={{ marginBottom: 16 }}
      data-testid="pending-triggers"
      title={t('execution.rollback.pendingBanner', { count: open.length })}
      description={
        <Flex vertical gap={8}>
          {open.map((x) => (
            <Flex key={x.id} gap={16} align="center" wrap>
              <TriggerClock trigger={x} now={now} />
              <span>
                <b>{triggerKindText(t, x.kind)}</b>
                {t('common.colon')}
                {x.summary}
              </span>
            </Flex>
          ))}
        </Flex>
      }
      action={
        <Button danger onClick={onOpen}>
          {t('execution.rollback.pendingBannerAction')}
        </Button>
      }
    />
  );
}
