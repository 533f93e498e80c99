import { useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Table, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../common/ErrorAlert';
import { PageHeader } from '../../common/PageHeader';
import { savePreferences, type Preferences, usePreferences, preferencesQueryKey } from './notifications.api';
import { useFeedback } from '../../common/feedback';

type Row = Preferences['kinds'][number];

/** X-2: which kinds of notification reach me in the app and by e-mail. */
export function NotificationPreferencesPage() {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const prefs = usePreferences();
  const [rows, setRows] = useState<Row[]>([]);
  const [digest, setDigest] = useState(true);
  useEffect(() => {
    if (prefs.data) {
      setRows(prefs.data.kinds);
      setDigest(prefs.data.digest);
    }
  }, [prefs.data]);
  const save = useMutation({
    mutationFn: () => savePreferences({ kinds: rows, digest }),
    onSuccess: (saved) => {
      queryClient.setQueryData(preferencesQueryKey, saved);
      void message.success(t('notifications.preferences.saved'));
    },
  });
  const set = (kind: Row['kind'], patch: Partial<Row>) =>
    setRows((current) => current.map((r) => (r.kind === kind ? { ...r, ...patch } : r)));
  const data = prefs.data;
  const emailOff = !!data && (!data.emailAvailable || !data.email);

  return (
    <>
      <PageHeader
        title={t('notifications.preferences.title')}
        subtitle={t('notifications.preferences.subtitle')}
      />
      <Card style={{ maxWidth: 720 }}>
        <ErrorAlert error={prefs.error ?? save.error} style={{ marginBottom: 16 }} />
        {data && !data.emailAvailable && (
          <Alert
            type="info"
            showIcon
            title={t('notifications.preferences.emailUnavailable')}
            style={{ marginBottom: 16 }}
          />
        )}
        {data?.emailAvailable && !data.email && (
          <Alert
            type="warning"
            showIcon
            title={t('notifications.preferences.noEmail')}
            style={{ marginBottom: 16 }}
          />
        )}
        {data?.emailAvailable && data.email && (
          <Typography.Paragraph type="secondary">
            {t('notifications.preferences.emailTo', { email: data.email })}
          </Typography.Paragraph>
        )}
        <Table<Row>
          rowKey="kind"
          size="middle"
          pagination={false}
          loading={prefs.isLoading}
          dataSource={rows}
          columns={[
            {
              title: t('notifications.preferences.kind'),
              dataIndex: 'kind',
              render: (kind: Row['kind']) => (
                <>
                  <div>{t(`notifications.kinds.${kind}`)}</div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`notifications.kindHelp.${kind}`)}
                  </Typography.Text>
                </>
              ),
            },
            {
              title: t('notifications.preferences.inApp'),
              dataIndex: 'inApp',
              align: 'center',
              width: 140,
              render: (on: boolean, r) => (
                <Checkbox
                  checked={on}
                  aria-label={`${t(`notifications.kinds.${r.kind}`)} ${t('notifications.preferences.inApp')}`}
                  onChange={(e) => set(r.kind, { inApp: e.target.checked })}
                />
              ),
            },
            {
              title: t('notifications.preferences.email'),
              dataIndex: 'email',
              align: 'center',
              width: 140,
              render: (on: boolean, r) => (
                <Checkbox
                  checked={on}
                  disabled={emailOff}
                  aria-label={`${t(`notifications.kinds.${r.kind}`)} ${t('notifications.preferences.email')}`}
                  onChange={(e) => set(r.kind, { email: e.target.checked })}
                />
              ),
            },
          ]}
        />
        {/* X-2: information is read in the digest (decision 0018), by e-mail once a day. */}
        <div style={{ marginTop: 16 }}>
          <Checkbox
            checked={digest}
            disabled={emailOff}
            onChange={(e) => setDigest(e.target.checked)}
            data-testid="preferences-digest"
          >
            {t('notifications.preferences.digest')}
          </Checkbox>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 0 24px' }}>
            {t('notifications.preferences.digestHelp')}
          </Typography.Paragraph>
        </div>
        <Button
          type="primary"
          style={{ marginTop: 16 }}
          loading={save.isPending}
          disabled={!data}
          onClick={() => save.mutate()}
          data-testid="save-preferences"
        >
          {t('notifications.preferences.save')}
        </Button>
      </Card>
    </>
  );
}
