import { Badge, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLiveStatus } from './useReleaseLive';

const COLORS = { live: 'green', connecting: 'gold', offline: 'red' } as const;

/** 实时 / Live: whether this page receives the release's changes as they happen (IM-3). */
export function LiveIndicator() {
  const { t } = useTranslation();
  const status = useLiveStatus();
  return (
    <Tooltip title={t(`execution.live.${status}Help`)}>
      <span data-testid="live-indicator" data-status={status} style={{ whiteSpace: 'nowrap', fontSize: 12 }}>
        <Badge status={status === 'live' ? 'processing' : 'default'} color={COLORS[status]} />
        <span style={{ marginInlineStart: 4, color: status === 'live' ? '#389e0d' : undefined }}>
          {t(`execution.live.${status}`)}
        </span>
      </span>
    </Tooltip>
  );
}
