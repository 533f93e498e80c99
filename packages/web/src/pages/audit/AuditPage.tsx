import '../../i18n/zh.audit';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button, Card, Divider, Flex, Tag, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../common/ErrorAlert';
import { PageHeader } from '../../common/PageHeader';
import { auditQueryKey, verifyAuditChain, type AuditFilter, useAuditEvents } from './audit.api';
import { AuditFilters } from './AuditFilters';
import { AuditTable } from './AuditTable';
import { AuditToolbar } from './AuditToolbar';
import { VerifyResultAlert } from './VerifyResultAlert';

/** 审计日志: newest first, filtered, loaded page by page with the keyset cursor. */
export function AuditPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  // A link from another page (a release's 审计 tab) opens the log of one object.
  const entityId = params.get('entityId') ?? undefined;
  const [filter, setFilter] = useState<AuditFilter>({});
  const effective: AuditFilter = { ...filter, entityId };
  const events = useAuditEvents(effective);
  const queryClient = useQueryClient();
  const verify = useMutation({
    mutationFn: verifyAuditChain,
    onSettled: () => void queryClient.invalidateQueries({ queryKey: auditQueryKey }),
  });
  const rows = events.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        subtitle={t('audit.subtitle')}
        extra={
          <AuditToolbar filter={effective} verifying={verify.isPending} onVerify={() => verify.mutate()} />
        }
      />
      {verify.data && <VerifyResultAlert result={verify.data} onClose={() => verify.reset()} />}
      <ErrorAlert error={verify.error} style={{ marginBottom: 16 }} />
      <Card style={{ marginBottom: 16 }}>
        {entityId && (
          <Flex align="center" gap={8} style={{ marginBottom: 16 }}>
            <Typography.Text type="secondary">{t('audit.entity')}</Typography.Text>
            <Tag
              closable
              onClose={() => setParams({}, { replace: true })}
              className="rg-mono"
              data-testid="audit-entity-filter"
            >
              {entityId}
            </Tag>
          </Flex>
        )}
        <AuditFilters onChange={setFilter} />
      </Card>
      <Card>
        <ErrorAlert error={events.error} style={{ marginBottom: 16 }} />
        <AuditTable events={rows} loading={events.isFetching && !events.isFetchingNextPage} />
        {rows.length > 0 && (
          <>
            <Divider style={{ margin: '16px 0' }} />
            <Flex justify="center" align="center" gap={16}>
              <Typography.Text type="secondary">{t('common.shown', { count: rows.length })}</Typography.Text>
              {events.hasNextPage ? (
                <Button
                  onClick={() => void events.fetchNextPage()}
                  loading={events.isFetchingNextPage}
                  data-testid="audit-load-more"
                >
                  {t('common.loadMore')}
                </Button>
              ) : (
                <Typography.Text type="secondary">{t('common.noMore')}</Typography.Text>
              )}
            </Flex>
          </>
        )}
      </Card>
    </>
  );
}
