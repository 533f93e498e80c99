import '../../i18n/zh.audit';
import { Button, Col, Form, Input, Row, Select, Space } from 'antd';
import { BeijingDatePicker } from '../../common/beijingPickers';
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { fromPickerTime } from '../../common/format';
import { useTranslation } from 'react-i18next';
import type { AuditFilter } from './audit.api';
import { ENTITY_TYPES, entityTypeLabel } from './auditText';

interface FilterForm {
  actor?: string;
  action?: string;
  entityType?: string;
  outcome?: AuditFilter['outcome'];
  range?: [Dayjs | null, Dayjs | null] | null;
  text?: string;
}

const OUTCOMES: NonNullable<AuditFilter['outcome']>[] = ['success', 'denied', 'failed'];

function toFilter(v: FilterForm): AuditFilter {
  const trimmed = (s?: string) => s?.trim() || undefined;
  return {
    actor: trimmed(v.actor),
    action: trimmed(v.action),
    entityType: v.entityType,
    outcome: v.outcome,
    from: v.range?.[0] ? fromPickerTime(v.range[0]) : undefined,
    to: v.range?.[1] ? fromPickerTime(v.range[1]) : undefined,
    text: trimmed(v.text),
  };
}

/** Actor, action prefix, entity type, outcome, time range and free text. */
export function AuditFilters({ onChange }: { onChange: (filter: AuditFilter) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FilterForm>();
  const col = { xs: 24, md: 12, xl: 8 };
  return (
    <Form<FilterForm>
      form={form}
      layout="vertical"
      onFinish={(v) => onChange(toFilter(v))}
      data-testid="audit-filters"
    >
      <Row gutter={16}>
        <Col {...col}>
          <Form.Item name="actor" label={t('audit.actor')}>
            <Input allowClear placeholder={t('audit.actorPlaceholder')} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="action" label={t('audit.action')}>
            <Input allowClear placeholder={t('audit.actionPlaceholder')} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="text" label={t('audit.text')}>
            <Input allowClear placeholder={t('audit.textPlaceholder')} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="entityType" label={t('audit.entityType')}>
            <Select
              allowClear
              placeholder={t('common.all')}
              options={ENTITY_TYPES.map((e) => ({ value: e, label: entityTypeLabel(t, e) }))}
            />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="outcome" label={t('audit.outcome')}>
            <Select
              allowClear
              placeholder={t('common.all')}
              options={OUTCOMES.map((o) => ({ value: o, label: t(`audit.outcomes.${o}`) }))}
            />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="range" label={t('audit.timeRange')}>
            <BeijingDatePicker.RangePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              allowEmpty={[true, true]}
              style={{ width: '100%' }}
            />
          </Form.Item>
        </Col>
      </Row>
      <Space>
        <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
          {t('common.search')}
        </Button>
        <Button
          icon={<ReloadOutlined />}
          onClick={() => {
            form.resetFields();
            onChange({});
          }}
        >
          {t('common.reset')}
        </Button>
      </Space>
    </Form>
  );
}
